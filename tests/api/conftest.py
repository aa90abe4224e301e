"""The API tests read the same small world with results as the public pages' tests."""

from tests.public.conftest import scored  # noqa: F401
