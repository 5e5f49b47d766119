"""Fixtures: a fresh database per test, a world of places and people, signed-in clients, query counts.

SQLite (default): a new in-memory database for every test. PostgreSQL (DATABASE_URL set): the schema is
created once and every table is emptied after each test, so tests that commit or run in parallel
threads see a real database."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field

import flask_babel
import pytest
from flask import g
from sqlalchemy import event, text

from neighbourhood import create_app
from neighbourhood.accounts import services as account_services
from neighbourhood.accounts.models import Relation, Role
from neighbourhood.config import TestConfig
from neighbourhood.extensions import db, limiter
from tests import factories

USING_POSTGRES = bool(os.environ.get("DATABASE_URL"))
# Each test run gets its own PostgreSQL schema, so two runs on one database never meet.
PG_SCHEMA = f"test_run_{os.getpid()}"
UPLOAD_DIR = tempfile.mkdtemp(prefix="neighbourhood-test-uploads-")


def make_app(**overrides):
    if USING_POSTGRES:
        overrides.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {
            **TestConfig.SQLALCHEMY_ENGINE_OPTIONS,
            "connect_args": {"options": f"-csearch_path={PG_SCHEMA}"},
        })
    overrides.setdefault("UPLOAD_DIR", UPLOAD_DIR)
    config = type("Config", (TestConfig,), overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def _postgres_schema():
    if not USING_POSTGRES:
        yield
        return
    app = make_app()
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
        db.create_all()
    yield
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        db.engine.dispose()


def empty_tables() -> None:
    if USING_POSTGRES:
        names = ", ".join(t.name for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.commit()


def _like_a_fresh_request(app) -> None:
    """Tests hold an app context open, and Flask reuses it for the requests they make. Make each
    request start as in production: no user or language cached, nothing cached in the session."""
    @app.before_request
    def _forget_previous_request():
        g.pop("_login_user", None)
        flask_babel.refresh()
        db.session.expire_all()


@pytest.fixture
def app_overrides() -> dict:
    """Settings a module or test changes for its app (lower rate limits, real CSRF): override this
    fixture in a module, or parametrize it on one test."""
    return {}


_shared: dict = {}


def _shared_app():
    """One app for every test that changes no setting: building an app (routes, extensions) and compiling its
    templates is most of a short test's time. Each test gets it back as new: its settings as made, no rate-limit
    counts, no text messages sent, and (SQLite) an empty database of its own."""
    if "app" not in _shared:
        app = make_app()
        _like_a_fresh_request(app)
        _shared.update(app=app, config=dict(app.config))
    app = _shared["app"]
    app.config.clear()
    app.config.update(_shared["config"])
    app.extensions["sms_sender"].outbox.clear()
    limiter.reset()
    return app


@pytest.fixture
def app(_postgres_schema, app_overrides):
    if app_overrides:
        app = make_app(**app_overrides)
        _like_a_fresh_request(app)
    else:
        app = _shared_app()
    with app.app_context():
        if not USING_POSTGRES:
            db.create_all()
        try:
            yield app
        finally:
            db.session.remove()
            empty_tables()
            db.engine.dispose()


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sms_outbox(app):
    return app.extensions["sms_sender"].outbox


def last_code(outbox, phone: str) -> str:
    import re

    message = next(m for p, m in reversed(outbox) if p == phone)
    return re.search(r"\d{6}", message).group()


ROLES = ("anonymous", "unverified", "resident", "owner", "council", "supervisor", "enterprise",
         "station", "admin", "other_council")


@dataclass
class World:
    """Community 1 with compounds A (ours) and B (the other one), one person per role."""
    community: object
    compound: object
    other_compound: object
    building: object
    household: object
    free_household: object
    other_household: object
    users: dict = field(default_factory=dict)


@pytest.fixture
def world(app, session) -> World:
    config = app.config
    community = factories.community(session)
    compound = factories.compound(session, community)
    other = factories.compound(session, community, name="芳草街院落")
    building = factories.building(session, compound, "3栋")
    household = factories.household(session, building, "2", "501")
    free_household = factories.household(session, building, "2", "502")
    other_building = factories.building(session, other, "1栋")
    other_household = factories.household(session, other_building, "1", "101")
    w = World(community, compound, other, building, household, free_household, other_household)

    def person(name, display):
        w.users[name] = factories.user(session, config, display_name=display)
        return w.users[name]

    person("unverified", "新住户")
    factories.membership(session, person("resident", "李阿姨"), household, relation=Relation.FAMILY)
    factories.membership(session, person("owner", "王先生"), household, relation=Relation.OWNER)
    council = person("council", "张老师")
    factories.membership(session, council, household)
    factories.role(session, council, Role.COUNCIL_MEMBER, compound_obj=compound)
    supervisor = person("supervisor", "陈姐")
    factories.membership(session, supervisor, household)
    factories.role(session, supervisor, Role.SUPERVISOR, compound_obj=compound)
    enterprise = person("enterprise", "刘师傅")
    factories.role(session, enterprise, Role.ENTERPRISE_OPERATOR, compound_obj=compound)
    station = person("station", "周社工")
    factories.role(session, station, Role.STATION_STAFF, community_obj=community)
    admin = person("admin", "管理员")
    factories.role(session, admin, Role.ADMIN)
    other_council = person("other_council", "赵主任")
    factories.membership(session, other_council, other_household)
    factories.role(session, other_council, Role.COUNCIL_MEMBER, compound_obj=other)
    session.commit()
    return w


def sign_in(app, client, user) -> None:
    """Put a real device session in the cookie, as the sign-in view does."""
    token = account_services.start_session(db.session, config=app.config, user=user, user_agent="pytest")
    db.session.commit()
    with client.session_transaction() as s:
        s["_user_id"] = token
        s["_fresh"] = True


@pytest.fixture
def client_as(app, world):
    def make(role_name: str):
        client = app.test_client()
        if role_name != "anonymous":
            sign_in(app, client, world.users[role_name])
        return client
    return make


@pytest.fixture
def count_queries(app):
    """with count_queries() as queries: ...; len(queries) is the number of SQL statements."""
    @contextmanager
    def counter():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    return counter
