"""Fixtures the volunteering tests share."""
import pytest


@pytest.fixture
def in_english(app):
    """Refusals read in English, so the tests can tell them apart (modules ask for it with usefixtures)."""
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        yield
