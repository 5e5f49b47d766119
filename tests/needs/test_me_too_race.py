"""Parallel "me too" requests, on real threads with their own connections (SQLite: a file database, since
the in-memory one is a single shared connection; PostgreSQL when DATABASE_URL is set)."""
import pytest
from sqlalchemy import func, select

from neighbourhood.needs.models import NeedSupport
from tests import factories
from tests.concurrency import file_database, post_together
from tests.conftest import sign_in


@pytest.fixture
def app_overrides(tmp_path):
    return file_database(tmp_path)


def client_for(app, user):
    client = app.test_client()
    sign_in(app, client, user)
    return client


def counted(session, need):
    session.expire_all()
    rows = session.scalar(select(func.count()).select_from(NeedSupport).where(NeedSupport.need_id == need.id))
    return need.me_too_count, rows


def test_double_clicks_in_parallel_count_once(app, session, world):
    need = factories.need(session, world.compound, world.users["resident"])
    session.commit()
    client = client_for(app, world.users["owner"])
    results = post_together([(client, f"/needs/{need.id}/me-too")] * 6)
    assert results == [302] * 6, results
    assert counted(session, need) == (1, 1)


def test_many_neighbours_adding_and_taking_back_keep_the_count_true(app, session, world):
    need = factories.need(session, world.compound, world.users["resident"])
    neighbours = [factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{i}")
                  for i in range(6)]
    session.commit()
    clients = [client_for(app, person) for person in neighbours]
    for client in clients[:3]:
        assert client.post(f"/needs/{need.id}/me-too").status_code == 302
    jobs = [(c, f"/needs/{need.id}/me-too/withdraw") for c in clients[:3]] * 2
    jobs += [(c, f"/needs/{need.id}/me-too") for c in clients[3:]] * 2
    results = post_together(jobs)
    assert results == [302] * len(jobs), results
    assert counted(session, need) == (3, 3)
