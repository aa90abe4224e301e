"""Extra applications for tests that need other settings or a second "worker", and a world
in which every role of the access matrix can sign in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from competition import create_app
from competition.extensions import db, limiter
from tests import factories
from tests.conftest import TEST_CONFIG, IsolatedClient
from tests.factories import World


@pytest.fixture
def another_app(app: Flask, database_uri: str) -> Callable[..., Flask]:
    """another_app(**config) → an application on the test's database with some settings changed.

    The one Flask-Limiter object follows the last application initialised, so
    afterwards the test's own application gets its (memory) store back.
    """
    made: list[Flask] = []

    def build(**config) -> Flask:
        application = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_uri, **config})
        application.test_client_class = IsolatedClient
        made.append(application)
        return application

    yield build
    for application in made:
        with application.app_context():
            db.engine.dispose()
    limiter.init_app(app)
    limiter.reset()


@pytest.fixture
def district_world(world: World) -> World:
    """The small province with Hòa An's own block, its council's judge and its scoped admin:
    a world in which every role of the access matrix has an account (`site.accounts`)."""
    return factories.with_district(world)
