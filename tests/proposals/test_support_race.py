"""Parallel support requests, on real threads with their own connections (SQLite: a file database, since
the in-memory one is a single shared connection; PostgreSQL when DATABASE_URL is set)."""
import pytest
from sqlalchemy import func, select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.notifications.models import Notification
from neighbourhood.proposals.models import ProposalStatus, ProposalSupport
from tests import factories
from tests.concurrency import file_database, post_together
from tests.conftest import sign_in


@pytest.fixture
def app_overrides(tmp_path):
    return file_database(tmp_path)


def signed_in_client(app, user):
    client = app.test_client()
    sign_in(app, client, user)
    return client


def counted(session, proposal):
    session.expire_all()
    rows = session.scalar(select(func.count()).select_from(ProposalSupport)
                          .where(ProposalSupport.proposal_id == proposal.id))
    return proposal.support_count, rows


def test_double_clicks_in_parallel_count_once(app, session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"])
    session.commit()
    client = signed_in_client(app, world.users["owner"])
    results = post_together([(client, f"/proposals/{proposal.id}/support")] * 6)
    assert results == [302] * 6, results
    assert counted(session, proposal) == (1, 1)


def test_many_neighbours_at_the_threshold_qualify_it_once(app, session, world):
    world.compound.support_threshold = 5
    proposal = factories.proposal(session, world.compound, world.users["resident"])
    neighbours = [factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{i}")
                  for i in range(8)]
    session.commit()
    clients = [signed_in_client(app, person) for person in neighbours]
    jobs = [(client, f"/proposals/{proposal.id}/support") for client in clients for _ in range(2)]
    results = post_together(jobs)
    assert results == [302] * len(jobs), results
    assert counted(session, proposal) == (8, 8)
    assert proposal.status is ProposalStatus.QUALIFIED
    assert session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == "proposal.qualified")) == 1
    notes = session.scalars(select(Notification).where(Notification.kind == "proposal.threshold")).all()
    assert [n.user_id for n in notes] == [world.users["resident"].id]


def test_supports_and_withdrawals_in_parallel_keep_the_count_true(app, session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"])
    neighbours = [factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{i}")
                  for i in range(6)]
    session.commit()
    clients = [signed_in_client(app, person) for person in neighbours]
    for client in clients[:3]:
        assert client.post(f"/proposals/{proposal.id}/support").status_code == 302
    jobs = [(client, f"/proposals/{proposal.id}/support/withdraw") for client in clients[:3]] * 2
    jobs += [(client, f"/proposals/{proposal.id}/support") for client in clients[3:]] * 2
    results = post_together(jobs)
    assert results == [302] * len(jobs), results
    assert counted(session, proposal) == (3, 3)
