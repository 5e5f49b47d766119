"""Parallel "me too" requests, on real threads with their own connections (SQLite: a file database, since
the in-memory one is a single shared connection; PostgreSQL when DATABASE_URL is set)."""
import threading

import pytest
from sqlalchemy import func, select

from neighbourhood.needs.models import NeedSupport
from tests import factories
from tests.conftest import USING_POSTGRES, sign_in


@pytest.fixture
def app_overrides(tmp_path):
    return {} if USING_POSTGRES else {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'race.db'}"}


def in_parallel(jobs):
    """Run (client, path) posts at once, released together by a barrier; return the status codes."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, client, path):
        barrier.wait(timeout=10)
        try:
            results[index] = client.post(path).status_code
        except Exception as error:  # reported by the assertion, not swallowed
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c, p)) for i, (c, p) in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


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
    results = in_parallel([(client, f"/needs/{need.id}/me-too")] * 6)
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
    results = in_parallel(jobs)
    assert results == [302] * len(jobs), results
    assert counted(session, need) == (3, 3)
