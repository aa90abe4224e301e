"""Fixtures of the admin tests: an admin signed in over the small world."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def admin(visitor, world):
    visitor.login("admin")
    return visitor


def text_of(response) -> str:
    """The page's visible text with tags dropped and spaces collapsed, to match sentences."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
