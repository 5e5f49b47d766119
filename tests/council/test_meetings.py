"""Recording a council meeting: attendance, quorum, one decision per agenda item, votes, and what follows."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from neighbourhood.audit import services as audit_services
from neighbourhood.audit.models import AuditEntry
from neighbourhood.council.models import Attendance, Capacity, Decision, Meeting
from neighbourhood.notifications import kinds
from neighbourhood.notifications.models import Notification
from neighbourhood.proposals.models import Proposal, ProposalStatus
from tests import factories
from tests.accounts.helpers import english, form_errors, page, text
from tests.council.conftest import decide, meeting_form


def _council_client(client_as):
    return english(client_as("council"))


def _url(compound):
    return f"/council/meetings/new?compound={compound.id}"


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_a_meeting_decides_every_outcome_and_each_proposal_shows_it(session, world, council, client_as):
    c = council
    ballot = factories.council_proposal(session, c.compound, c.author, title="加装路灯", supporters=c.supporters)
    adopt = factories.council_proposal(session, c.compound, c.author, title="楼道清洁排班")
    merge = factories.council_proposal(session, c.compound, c.author, title="再加一盏路灯")
    reject = factories.council_proposal(session, c.compound, c.author, title="拆除花坛建车位")
    from_need = factories.council_proposal(session, c.compound, c.author, title="修理单元门禁",
                                           status=ProposalStatus.OPEN, source_need_id=42)
    session.commit()
    client = _council_client(client_as)
    agenda_page = text(client.get(_url(c.compound)))
    for p in (ballot, adopt, merge, reject, from_need):
        assert p.title in agenda_page

    response = client.post(_url(c.compound), data=meeting_form(
        present=c.members[:4], supervisors=[c.supervisor],
        decisions={
            ballot.id: decide("to_ballot", 3, 1, 0),
            adopt.id: decide("adopted", 4, 0, 0),
            merge.id: decide("merged", 3, 0, 1, merge_into=ballot.id, reason="与加装路灯重复，合并讨论。"),
            reject.id: decide("rejected", 3, 1, 0, reason="花坛属于共有部分，需业主大会表决。"),
            from_need.id: decide("adopted", 4, 0, 0),
        }))
    assert response.status_code == 302, form_errors(response)
    meeting = session.scalars(select(Meeting)).one()
    assert response.headers["Location"].endswith(f"/council/meetings/{meeting.id}")
    assert (meeting.council_size, meeting.present_count, meeting.quorum_needed, meeting.is_quorate) == (5, 4, 3, True)

    session.expire_all()
    assert session.get(Proposal, ballot.id).status is ProposalStatus.TO_BALLOT
    assert session.get(Proposal, adopt.id).status is ProposalStatus.ADOPTED
    merged = session.get(Proposal, merge.id)
    assert merged.status is ProposalStatus.MERGED and merged.merged_into_id == ballot.id
    assert merged.outcome_reason == "与加装路灯重复，合并讨论。"
    rejected = session.get(Proposal, reject.id)
    assert rejected.status is ProposalStatus.REJECTED and rejected.outcome_reason.startswith("花坛")
    assert session.get(Proposal, from_need.id).status is ProposalStatus.ADOPTED

    waiting = session.scalars(select(Decision).where(Decision.outcome == ProposalStatus.TO_BALLOT,
                                                     Decision.ballot_id.is_(None))).all()
    assert [d.proposal_id for d in waiting] == [ballot.id]
    votes = {d.proposal_id: (d.votes_for, d.votes_against, d.votes_abstain)
             for d in session.scalars(select(Decision))}
    assert votes[merge.id] == (3, 0, 1)
    supervisors = session.scalars(select(Attendance).where(Attendance.capacity == Capacity.SUPERVISOR)).all()
    assert [a.user_id for a in supervisors] == [c.supervisor.id]

    # The agenda is empty now, and the meeting is listed.
    index = text(client.get(f"/council/?compound={c.compound.id}"))
    assert "Nothing is waiting for the council" in index
    assert f"/council/meetings/{meeting.id}" in index


def test_the_meeting_page_shows_attendance_by_public_name_and_decisions_with_votes(
        session, world, council, client_as):
    c = council
    p = factories.council_proposal(session, c.compound, c.author, title="拆除花坛建车位")
    session.commit()
    _council_client(client_as).post(_url(c.compound), data=meeting_form(
        present=c.members[:3], supervisors=[c.supervisor],
        decisions={p.id: decide("rejected", 2, 1, 0, reason="需业主大会表决。")}))
    meeting = session.scalars(select(Meeting)).one()
    body = text(english(client_as("resident")).get(f"/council/meetings/{meeting.id}"))
    assert "3栋 张老师" in body and "3栋 刘阿姨" in body and "郑大爷" not in body
    assert "3栋 陈姐" in body and "a voice, no vote" in body
    assert "3 of 5 council members" in body and "Quorate" in body
    assert "拆除花坛建车位" in body and "Rejected" in body and "需业主大会表决。" in body
    assert "For 2 · against 1 · abstain 0" in body
    assert world.users["council"].phone not in body and "王秀英" not in body  # no phone, no real name


def test_an_inquorate_meeting_records_minutes_but_takes_no_decision(session, world, council, client_as):
    c = council
    p = factories.council_proposal(session, c.compound, c.author)
    session.commit()
    client = _council_client(client_as)
    # 2 of 5 is not more than half.
    refused = client.post(_url(c.compound), data=meeting_form(
        present=c.members[:2], supervisors=[c.supervisor], decisions={p.id: decide("adopted", 2, 0, 0)}))
    assert refused.status_code == 200
    assert "not quorate: 2 of 5 council members present, 3 needed" in form_errors(refused)
    assert "cannot take decisions" in form_errors(refused)
    filled = page(refused)
    assert filled.values["place"] == "党群服务站会议室" and filled.values["items-0-outcome"] == "adopted"
    assert _count(session, Meeting) == 0
    session.expire_all()
    assert session.get(Proposal, p.id).status is ProposalStatus.QUALIFIED

    # Minutes only: saved, the proposal stays on the agenda.
    saved = client.post(_url(c.compound), data=meeting_form(present=c.members[:2],
                                                             decisions={p.id: {"outcome": ""}}))
    assert saved.status_code == 302
    meeting = session.scalars(select(Meeting)).one()
    assert not meeting.is_quorate and meeting.decisions == []
    assert "Not quorate" in text(client.get(f"/council/meetings/{meeting.id}"))
    session.expire_all()
    assert session.get(Proposal, p.id).status is ProposalStatus.QUALIFIED
    assert "not quorate" in text(client.get(f"/council/?compound={c.compound.id}"))


def test_supervisors_never_count_towards_quorum(session, world, council, client_as):
    c = council
    p = factories.council_proposal(session, c.compound, c.author)
    session.commit()
    # Two members and the supervisor ticked among the members: the supervisor is not on the council roster.
    response = _council_client(client_as).post(_url(c.compound), data=meeting_form(
        present=[*c.members[:2], c.supervisor], decisions={p.id: decide("adopted", 3, 0, 0)}))
    assert response.status_code == 200
    assert "Only members of the council on the meeting date" in text(response)
    assert _count(session, Meeting) == 0


def test_vote_counts_are_checked(session, world, council, client_as):
    c = council
    p = factories.council_proposal(session, c.compound, c.author)
    session.commit()
    client = _council_client(client_as)

    def attempt(**votes):
        response = client.post(_url(c.compound), data=meeting_form(
            present=c.members[:3], decisions={p.id: {"outcome": "adopted", **votes}}))
        assert response.status_code == 200
        assert _count(session, Meeting) == 0
        return text(response)

    assert "More votes than members present (3)" in attempt(votes_for=3, votes_against=1, votes_abstain=0)
    assert "Not carried: a decision needs 2 votes" in attempt(votes_for=1, votes_against=1, votes_abstain=1)
    assert "Enter how many members voted for this decision" in attempt(votes_for="")
    assert "Enter a whole number from 0 to 99" in attempt(votes_for=-1)
    assert "Not a valid integer value" in attempt(votes_for="abc")
    session.expire_all()
    assert session.get(Proposal, p.id).status is ProposalStatus.QUALIFIED
    # Exactly a majority of those present carries it.
    ok = client.post(_url(c.compound), data=meeting_form(
        present=c.members[:3], decisions={p.id: {"outcome": "adopted", "votes_for": 2, "votes_against": 1}}))
    assert ok.status_code == 302


def test_reject_and_merge_need_public_reasons(session, world, council, client_as):
    c = council
    a = factories.council_proposal(session, c.compound, c.author, title="甲")
    b = factories.council_proposal(session, c.compound, c.author, title="乙")
    session.commit()
    response = _council_client(client_as).post(_url(c.compound), data=meeting_form(
        present=c.members, decisions={a.id: decide("rejected"), b.id: decide("merged", merge_into=a.id)}))
    assert response.status_code == 200
    assert text(response).count("Give the public reasons for this decision.") == 2
    assert _count(session, Decision) == 0


def test_merge_targets_must_be_open_proposals_of_the_same_compound(session, world, council, client_as):
    c = council
    p = factories.council_proposal(session, c.compound, c.author, title="甲")
    settled = factories.council_proposal(session, c.compound, c.author, title="已采纳",
                                         status=ProposalStatus.ADOPTED)
    elsewhere = factories.council_proposal(session, world.other_compound, None, title="别的小区")
    other = factories.council_proposal(session, c.compound, c.author, title="乙")
    open_one = factories.council_proposal(session, c.compound, c.author, title="还在征集",
                                          status=ProposalStatus.OPEN)
    session.commit()
    client = _council_client(client_as)

    def merge(target_id, more=None):
        decisions = {p.id: decide("merged", merge_into=target_id, reason="重复")}
        decisions.update(more or {})
        return client.post(_url(c.compound), data=meeting_form(present=c.members, decisions=decisions))

    assert "Choose the proposal to merge into" in text(merge(""))
    assert "cannot be merged into itself" in text(merge(p.id))
    assert "already settled" in text(merge(settled.id))
    assert "Merge only into a proposal of this compound" in text(merge(elsewhere.id))
    chain = merge(other.id, {other.id: decide("merged", merge_into=open_one.id, reason="重复")})
    assert "itself merged at this meeting" in text(chain)
    assert _count(session, Decision) == 0
    # The form offers only this compound's open proposals, never the proposal itself.
    options = text(client.get(_url(c.compound)))
    assert "还在征集" in options and "别的小区" not in options and "已采纳" not in options

    assert merge(open_one.id).status_code == 302
    session.expire_all()
    assert session.get(Proposal, p.id).merged_into_id == open_one.id


def test_the_date_cannot_be_in_the_future_and_sets_the_roster(app, session, world, council, client_as):
    c = council
    client = _council_client(client_as)
    future = client.post(_url(c.compound), data=meeting_form(present=c.members,
                                                              held_on=date.today() + timedelta(days=2)))
    assert future.status_code == 200 and "cannot be in the future" in text(future)
    bad = client.post(_url(c.compound), data=meeting_form(present=c.members, held_on="2026-13-45"))
    assert bad.status_code == 200 and "Enter a valid date" in text(bad)
    assert _count(session, Meeting) == 0

    # A member elected later was not on the council at an earlier meeting.
    household = factories.household(session, world.building, "3", "301")
    newcomer = factories.council_seat(session, app.config, c.compound, household, "新委员",
                                      term_start=date.today())
    session.commit()
    roster = text(client.post(_url(c.compound), data=meeting_form(
        present=[], held_on=date(2021, 3, 1), refresh="1")))
    assert "新委员" not in roster and "5 members" in roster
    assert _count(session, Meeting) == 0
    late = client.post(_url(c.compound), data=meeting_form(present=[*c.members, newcomer],
                                                            held_on=date(2021, 3, 1)))
    assert "Only members of the council on the meeting date" in text(late)
    today_roster = text(client.get(_url(c.compound)))
    assert "新委员" in today_roster and "6 members" in today_roster


def test_the_quorum_follows_the_compounds_rules_of_procedure(session, world, council, client_as):
    c = council
    c.compound.council_quorum_percent = 66  # more than two thirds: 4 of 5
    p = factories.council_proposal(session, c.compound, c.author)
    session.commit()
    client = _council_client(client_as)
    three = client.post(_url(c.compound), data=meeting_form(present=c.members[:3],
                                                             decisions={p.id: decide("adopted", 3, 0, 0)}))
    assert "3 of 5 council members present, 4 needed" in form_errors(three)
    assert client.post(_url(c.compound), data=meeting_form(
        present=c.members[:4], decisions={p.id: decide("adopted", 3, 0, 0)})).status_code == 302


def test_a_proposal_decided_meanwhile_is_not_decided_twice(session, world, council, client_as):
    c = council
    p = factories.council_proposal(session, c.compound, c.author)
    session.commit()
    form = meeting_form(present=c.members, decisions={p.id: decide("adopted")})
    client = _council_client(client_as)
    assert client.post(_url(c.compound), data=form).status_code == 302
    again = client.post(_url(c.compound), data=form)
    assert again.status_code == 200 and "decided meanwhile" in form_errors(again)
    assert _count(session, Decision) == 1 and _count(session, Meeting) == 1


def test_decisions_are_audited_and_the_chain_holds(session, world, council, client_as):
    c = council
    a = factories.council_proposal(session, c.compound, c.author, title="甲")
    b = factories.council_proposal(session, c.compound, c.author, title="乙")
    session.commit()
    _council_client(client_as).post(_url(c.compound), data=meeting_form(
        present=c.members[:4], supervisors=[c.supervisor],
        decisions={a.id: decide("to_ballot", 3, 1, 0), b.id: decide("rejected", 4, 0, 0, reason="超出职权")}))
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action.like("council.%"))
                              .order_by(AuditEntry.seq)).all()
    assert [e.action for e in entries] == ["council.meeting_recorded", "council.decision", "council.decision"]
    recorded, first, second = entries
    assert recorded.actor_id == world.users["council"].id and recorded.compound_id == c.compound.id
    assert recorded.data["present"] == sorted(u.id for u in c.members[:4])
    assert recorded.data["supervisors"] == [c.supervisor.id] and recorded.data["quorate"] is True
    assert {k: first.data[k] for k in ("proposal_id", "outcome", "votes_for", "votes_against",
                                       "votes_abstain", "present")} == {
        "proposal_id": a.id, "outcome": "to_ballot", "votes_for": 3, "votes_against": 1, "votes_abstain": 0,
        "present": 4}
    assert second.data["outcome"] == "rejected" and second.data["reason"] == "超出职权"
    assert audit_services.verify_chain(session).ok


def test_the_author_and_supporters_hear_of_the_decision(app, session, world, council, client_as):
    c = council
    p = factories.council_proposal(session, c.compound, c.author, title="加装路灯",
                                   supporters=[world.users["resident"], world.users["council"]])
    session.commit()
    _council_client(client_as).post(_url(c.compound), data=meeting_form(
        present=c.members, decisions={p.id: decide("adopted")}))
    notes = session.scalars(select(Notification).where(Notification.kind == "proposal.decision")).all()
    # The author and the resident supporter; never the council member who recorded it.
    assert sorted(n.user_id for n in notes) == sorted([c.author.id, world.users["resident"].id])
    assert all(n.url == f"/proposals/{p.id}" and n.params == {"title": "加装路灯", "outcome": "adopted"}
               for n in notes)
    # The stored code reads as words in the reader's language.
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert kinds.render("proposal.decision", notes[0].params) == \
            "The council decided on “加装路灯”: Adopted by the council"


def test_a_bad_meeting_changes_nothing_and_comes_back_filled_in(session, world, council, client_as):
    c = council
    a = factories.council_proposal(session, c.compound, c.author, title="甲", supporters=c.supporters)
    b = factories.council_proposal(session, c.compound, c.author, title="乙")
    session.commit()
    before = _count(session, AuditEntry)
    response = _council_client(client_as).post(_url(c.compound), data=meeting_form(
        present=c.members[:4], place="",
        decisions={a.id: decide("adopted", 4, 0, 0), b.id: decide("rejected", 1, 3, 0, reason="理由")}))
    assert response.status_code == 200
    body = text(response)
    assert "This field is required." in body
    assert "Not carried: a decision needs 3 votes" in body  # every problem at once, not one per attempt
    filled = page(response)
    assert filled.values["items-0-outcome"] == "adopted" and filled.values["items-1-reason"].strip() == "理由"
    assert filled.values["minutes"].strip() == "讨论了路灯和停车。"
    assert (_count(session, Meeting), _count(session, Decision), _count(session, Notification),
            _count(session, AuditEntry)) == (0, 0, 0, before)


def test_a_member_whose_seat_ended_is_on_the_roster_only_before(app, session, world, council, client_as):
    from neighbourhood.council import services

    c = council
    seat = next(r for r in c.members[4].role_assignments)
    seat.end_early(at=datetime(2024, 6, 1, 2, 0), reason="moved away")
    session.commit()
    before, _ = services.roles_on(session, c.compound, date(2024, 5, 31))
    after, supervisors = services.roles_on(session, c.compound, date(2024, 6, 1))
    # (compare ids: Flask-Login's UserMixin makes users equal by session token)
    assert [u.id for u in before] == [u.id for u in c.members]
    assert [u.id for u in after] == [u.id for u in c.members[:4]]
    assert [u.id for u in supervisors] == [c.supervisor.id]
    # With four on the council, three present is a quorum.
    p = factories.council_proposal(session, c.compound, c.author)
    session.commit()
    assert _council_client(client_as).post(_url(c.compound), data=meeting_form(
        present=c.members[:3], decisions={p.id: decide("adopted", 2, 0, 1)})).status_code == 302
    assert session.scalars(select(Meeting)).one().council_size == 4
