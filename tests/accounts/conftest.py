"""Account tests may build their app with other settings (lower rate limits, real CSRF).

`app` here is the root fixture's twin, made from `app_overrides`: the same database handling (a fresh
SQLite database per test, or emptied PostgreSQL tables), so `world`, `client_as` and the rest work on
it unchanged. Override `app_overrides` in a module, or parametrize it on one test."""
import pytest

from neighbourhood.extensions import db
from tests.conftest import USING_POSTGRES, _like_a_fresh_request, empty_tables, make_app


@pytest.fixture
def app_overrides() -> dict:
    return {}


@pytest.fixture
def app(_postgres_schema, app_overrides):
    app = make_app(**app_overrides)
    _like_a_fresh_request(app)
    with app.app_context():
        if not USING_POSTGRES:
            db.create_all()
        try:
            yield app
        finally:
            db.session.remove()
            empty_tables()
            db.engine.dispose()
