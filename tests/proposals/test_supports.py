"""Supports: one per verified resident, the threshold, the author told, htmx and no-JS."""
import pytest
from sqlalchemy import func, select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.notifications.models import Notification
from neighbourhood.proposals import services
from neighbourhood.proposals.models import ProposalStatus, ProposalSupport
from tests import factories
from tests.accounts.helpers import english
from tests.proposals.helpers import shown as text


def rows(session, proposal) -> int:
    return session.scalar(select(func.count()).select_from(ProposalSupport)
                          .where(ProposalSupport.proposal_id == proposal.id))


@pytest.mark.parametrize(("households", "configured", "expected"), [
    (0, None, 10), (199, None, 10), (200, None, 10), (201, None, 11), (1000, None, 50), (1001, None, 51),
    (1000, 3, 3), (5, 25, 25), (1000, 0, 50),
])
def test_threshold_is_the_compounds_or_the_larger_of_10_and_5_percent(households, configured, expected):
    assert services.threshold_for(households, configured) == expected


def test_threshold_follows_the_compound(session, world):
    assert services.support_threshold(session, world.compound) == 10
    building = factories.building(session, world.compound, "8栋")
    for room in range(300):
        factories.household(session, building, "1", str(1000 + room))
    assert services.support_threshold(session, world.compound) == 16  # 302 households: ceil(15.1)
    world.compound.support_threshold = 4
    assert services.support_threshold(session, world.compound) == 4


def test_support_and_take_back_without_javascript(client_as, session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"])
    session.commit()
    client = english(client_as("owner"))
    response = client.post(f"/proposals/{proposal.id}/support")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/proposals/{proposal.id}#support")
    html = text(client.get(response.headers["Location"]))
    assert "your support is counted" in html and "1 support / 10" in html and "Take back my support" in html
    # Twice counts once.
    client.post(f"/proposals/{proposal.id}/support")
    session.expire_all()
    assert proposal.support_count == 1 == rows(session, proposal)
    assert "You already support" in text(client.get(f"/proposals/{proposal.id}"))
    response = client.post(f"/proposals/{proposal.id}/support/withdraw")
    assert response.status_code == 302
    session.expire_all()
    assert proposal.support_count == 0 == rows(session, proposal)
    assert "Support this proposal" in text(client.get(f"/proposals/{proposal.id}"))


def test_htmx_swaps_the_button_and_count(client_as, session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"])
    session.commit()
    client = english(client_as("council"))
    response = client.post(f"/proposals/{proposal.id}/support", headers={"HX-Request": "true"})
    html = text(response)
    assert response.status_code == 200 and html.lstrip().startswith('<div class="support" id="support">')
    assert "<html" not in html and "1 support / 10" in html and "Take back my support" in html
    assert "HX-Request" in response.headers["Vary"]
    html = text(client.post(f"/proposals/{proposal.id}/support/withdraw", headers={"HX-Request": "true"}))
    assert "0 supports / 10" in html and "Support this proposal" in html


def test_authors_do_not_support_their_own(client_as, session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"])
    session.commit()
    assert client_as("resident").post(f"/proposals/{proposal.id}/support").status_code == 403
    assert client_as("unverified").post(f"/proposals/{proposal.id}/support").status_code == 403
    assert client_as("other_council").post(f"/proposals/{proposal.id}/support").status_code == 403
    session.expire_all()
    assert proposal.support_count == 0


def test_reaching_the_threshold_puts_it_on_the_agenda_and_tells_the_author(client_as, session, world, app):
    world.compound.support_threshold = 3
    proposal = factories.proposal(session, world.compound, world.users["resident"],
                                  supporters=[world.users["owner"], world.users["council"]])
    session.commit()
    client = english(client_as("supervisor"))
    client.post(f"/proposals/{proposal.id}/support")
    session.expire_all()
    assert proposal.status is ProposalStatus.QUALIFIED and proposal.qualified_at is not None
    assert proposal.support_count == 3 == rows(session, proposal)
    [note] = session.scalars(select(Notification)).all()
    assert (note.user_id, note.kind, note.url) == (world.users["resident"].id, "proposal.threshold",
                                                   f"/proposals/{proposal.id}")
    assert note.params == {"title": proposal.title}
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "proposal.qualified"))
    assert entry.subject_id == proposal.id and entry.data == {"supports": 3, "threshold": 3}
    html = text(client.get(f"/proposals/{proposal.id}"))
    assert "On the council's agenda" in html
    # Supports can no longer be taken back, but more residents may still add theirs.
    assert "Take back my support" not in html
    owner = english(client_as("owner"))
    response = owner.post(f"/proposals/{proposal.id}/support/withdraw")
    assert response.status_code == 302
    assert "can no longer be withdrawn" in text(owner.get(f"/proposals/{proposal.id}"))
    session.expire_all()
    assert proposal.support_count == 3 == rows(session, proposal)
    extra = factories.verified_resident(session, app.config, world.compound)
    session.commit()
    with app.test_client() as other:
        from tests.conftest import sign_in
        sign_in(app, other, extra)
        other.post(f"/proposals/{proposal.id}/support")
    session.expire_all()
    assert proposal.support_count == 4 and proposal.status is ProposalStatus.QUALIFIED
    assert session.scalar(select(func.count()).select_from(Notification)) == 1  # told once


def test_decided_proposals_take_no_supports(client_as, session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"], status=ProposalStatus.REJECTED)
    session.commit()
    client = english(client_as("owner"))
    assert "Support this proposal" not in text(client.get(f"/proposals/{proposal.id}"))
    client.post(f"/proposals/{proposal.id}/support")
    assert "no longer takes supports" in text(client.get(f"/proposals/{proposal.id}"))
    session.expire_all()
    assert proposal.support_count == 0 == rows(session, proposal)


def test_a_converted_need_brings_its_supporters(app, session, world):
    world.compound.support_threshold = 4
    need_supporters = [world.users["owner"], world.users["council"], world.users["resident"],
                       world.users["unverified"], world.users["owner"]]  # unverified and the repeat do not count
    proposal = services.propose_from_need(
        session, compound=world.compound, title="修好3栋路灯", body="路灯坏了两周。", category="repairs",
        author=world.users["resident"], supporters=need_supporters, source_need_id=42, by=world.users["council"])
    session.commit()
    assert proposal.status is ProposalStatus.OPEN and proposal.source_need_id == 42
    assert proposal.author_id == world.users["resident"].id
    assert proposal.support_count == 3 == rows(session, proposal)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "proposal.created_from_need"))
    assert entry.actor_id == world.users["council"].id and entry.data["need_id"] == 42
    client = english(app.test_client())
    from tests.conftest import sign_in
    sign_in(app, client, world.users["owner"])
    html = text(client.get(f"/proposals/{proposal.id}"))
    assert 'href="/needs/42"' in html and "You support this proposal." in html


def test_a_converted_need_past_the_threshold_goes_straight_to_the_agenda(session, world):
    world.compound.support_threshold = 2
    proposal = services.propose_from_need(
        session, compound=world.compound, title="修好3栋路灯", body="路灯坏了两周。", category="repairs",
        author=world.users["resident"], supporters=[world.users["owner"], world.users["resident"]],
        source_need_id=7, by=world.users["council"])
    session.commit()
    assert proposal.status is ProposalStatus.QUALIFIED
    [note] = session.scalars(select(Notification)).all()
    assert note.kind == "proposal.threshold" and note.user_id == world.users["resident"].id
