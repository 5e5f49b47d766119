"""Supervisors: a voice, no vote. An opinion on any decision; an objection returns it to the agenda."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from neighbourhood.audit import services as audit_services
from neighbourhood.audit.models import AuditEntry
from neighbourhood.council import services
from neighbourhood.council.models import Decision, Opinion
from neighbourhood.notifications.models import Notification
from neighbourhood.proposals.models import Proposal, ProposalStatus
from tests import factories
from tests.accounts.helpers import english, text
from tests.council.conftest import YESTERDAY, decide, meeting_form


def record(session, council, proposal, outcome=ProposalStatus.ADOPTED, **more):
    meeting = services.record_meeting(
        session, compound=council.compound, by=council.members[0], today=date.today(),
        data=services.MeetingInput(held_on=YESTERDAY, place="会议室", present_ids=[u.id for u in council.members],
                                   supervisor_ids=[council.supervisor.id],
                                   decisions=[services.DecisionInput(proposal.id, outcome, votes_for=4, **more)]))
    session.commit()
    return meeting, meeting.decisions[0]


@pytest.fixture
def decided(session, council):
    proposal = factories.council_proposal(session, council.compound, council.author, title="加装路灯")
    session.commit()
    return record(session, council, proposal)


def opinion(client, decision, body="程序合规，同意。", objection=False, **headers):
    data = {"body": body, **({"objection": "y"} if objection else {})}
    return client.post(f"/council/decisions/{decision.id}/opinion", data=data, headers=headers)


def test_a_supervisor_attaches_an_opinion(session, world, council, client_as, decided):
    meeting, decision = decided
    client = english(client_as("supervisor"))
    response = opinion(client, decision)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/council/meetings/{meeting.id}#decision-{decision.id}")
    body = text(english(client_as("resident")).get(f"/council/meetings/{meeting.id}"))
    assert "程序合规，同意。" in body and "3栋 陈姐" in body
    session.expire_all()
    assert session.get(Proposal, decision.proposal_id).status is ProposalStatus.ADOPTED
    assert not session.get(Decision, decision.id).is_returned
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry.action == "council.opinion" and entry.data["objection"] is False
    # Residents read opinions but have no form to write one.
    assert 'name="body"' not in body


def test_an_objection_returns_the_decision_to_the_agenda(session, world, council, client_as, decided):
    meeting, decision = decided
    response = opinion(english(client_as("supervisor")), decision, body="未公示预算，应重新表决。", objection=True)
    assert response.status_code == 302
    session.expire_all()
    proposal = session.get(Proposal, decision.proposal_id)
    assert proposal.status is ProposalStatus.QUALIFIED and proposal.decided_at is None
    returned = session.get(Decision, decision.id)
    assert returned.is_returned and returned.returned_by_id == council.supervisor.id

    council_client = english(client_as("council"))
    agenda = text(council_client.get(f"/council/?compound={council.compound.id}"))
    assert "加装路灯" in agenda and "Returned by a supervisor's objection" in agenda
    assert "未公示预算，应重新表决。" in agenda
    meeting_page = text(council_client.get(f"/council/meetings/{meeting.id}"))
    assert "Returned to the agenda by a supervisor's objection" in meeting_page and "Objection" in meeting_page

    notes = session.scalars(select(Notification).where(Notification.kind == "decision.objection")).all()
    assert sorted(n.user_id for n in notes) == sorted(u.id for u in council.members)
    assert {n.url for n in notes} == {f"/council/meetings/{meeting.id}#decision-{decision.id}"}
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry.action == "council.objection" and entry.actor_id == council.supervisor.id
    assert entry.data["returned_to_agenda"] is True and entry.data["proposal_id"] == proposal.id
    assert audit_services.verify_chain(session).ok

    # A later meeting decides it again; the first decision stays on record as returned.
    later = council_client.post(f"/council/meetings/new?compound={council.compound.id}", data=meeting_form(
        present=council.members, decisions={proposal.id: decide("to_ballot", 5, 0, 0)}))
    assert later.status_code == 302
    session.expire_all()
    assert session.get(Proposal, proposal.id).status is ProposalStatus.TO_BALLOT
    decisions = session.scalars(select(Decision).where(Decision.proposal_id == proposal.id)
                                .order_by(Decision.id)).all()
    assert [(d.outcome, d.is_returned) for d in decisions] == [(ProposalStatus.ADOPTED, True),
                                                                (ProposalStatus.TO_BALLOT, False)]


def test_a_returned_decision_cannot_be_returned_again_but_takes_opinions(session, world, council, client_as,
                                                                        decided):
    meeting, decision = decided
    client = english(client_as("supervisor"))
    opinion(client, decision, objection=True)
    page = text(client.get(f"/council/meetings/{meeting.id}"))
    assert 'name="objection"' not in page  # no second objection offered
    again = opinion(client, decision, objection=True)
    assert again.status_code == 200 and "already back on the agenda" in text(again)
    assert session.scalar(select(Opinion).where(Opinion.body == "程序合规，同意。").limit(1)) is not None
    assert len(session.scalars(select(Opinion)).all()) == 1
    assert opinion(client, decision, body="补充意见").status_code == 302


def test_a_decision_that_became_a_ballot_cannot_be_returned(session, world, council, client_as):
    proposal = factories.council_proposal(session, council.compound, council.author)
    session.commit()
    _, decision = record(session, council, proposal, ProposalStatus.TO_BALLOT)
    decision.ballot_id = 7
    session.commit()
    response = opinion(english(client_as("supervisor")), decision, objection=True)
    assert response.status_code == 200 and "can no longer be returned" in text(response)
    session.expire_all()
    assert session.get(Proposal, proposal.id).status is ProposalStatus.TO_BALLOT
    assert session.scalars(select(Opinion)).all() == []


def test_an_empty_opinion_is_refused_with_a_message(session, world, council, client_as, decided):
    _, decision = decided
    response = opinion(english(client_as("supervisor")), decision, body="  ", objection=True)
    assert response.status_code == 200 and "Write your opinion." in text(response)
    assert session.scalars(select(Opinion)).all() == []
    session.expire_all()
    assert not session.get(Decision, decision.id).is_returned


def test_htmx_swaps_just_the_decision(session, world, council, client_as, decided):
    _, decision = decided
    response = opinion(english(client_as("supervisor")), decision, **{"HX-Request": "true"})
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith(f'<li class="row decision" id="decision-{decision.id}"')
    assert "<html" not in body and "Your opinion is recorded." in body and "程序合规，同意。" in body
    failed = opinion(english(client_as("supervisor")), decision, body="", **{"HX-Request": "true"})
    assert failed.status_code == 200 and "Write your opinion." in text(failed) and "<html" not in text(failed)
