"""What each reader sees on the council pages, and that the pages' query counts do not grow with rows."""
from __future__ import annotations

from datetime import date

from neighbourhood.council import services
from neighbourhood.db import utcnow
from neighbourhood.proposals.models import ProposalStatus
from tests import factories
from tests.accounts.helpers import english, text
from tests.council.conftest import YESTERDAY

CEILING = 12


def measure(count_queries, client, path):
    client.get(path)  # warm up
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements), text(response)


def add_proposals(app, session, council, start, stop, **overrides):
    """Each by a different author in a different building: the worst case for N+1."""
    made = []
    for n in range(start, stop):
        building = factories.building(session, council.compound, f"{n + 20}栋")
        household = factories.household(session, building, "1", f"{n + 1}01")
        author = factories.user(session, app.config, display_name=f"作者{n}")
        factories.membership(session, author, household)
        made.append(factories.council_proposal(session, council.compound, author, title=f"议题{n}号",
                                               **overrides))
    session.commit()
    return made


def test_the_agenda_lists_qualified_and_converted_proposals_oldest_first(session, world, council, client_as):
    c = council
    newer = factories.council_proposal(session, c.compound, c.author, title="较新的议题", qualified_at=utcnow())
    older = factories.council_proposal(session, c.compound, c.author, title="较早的议题",
                                       qualified_at=utcnow().replace(year=2025))
    converted = factories.council_proposal(session, c.compound, c.author, title="由需求转来",
                                           status=ProposalStatus.OPEN, source_need_id=9)
    factories.council_proposal(session, c.compound, c.author, title="还在征集支持", status=ProposalStatus.OPEN)
    factories.council_proposal(session, c.compound, c.author, title="已经采纳", status=ProposalStatus.ADOPTED)
    factories.council_proposal(session, world.other_compound, None, title="别的小区的议题")
    session.commit()
    body = text(english(client_as("council")).get("/council/"))
    assert body.index("较早的议题") < body.index("较新的议题")
    assert "由需求转来" in body and "From a need" in body
    for absent in ("还在征集支持", "已经采纳", "别的小区的议题"):
        assert absent not in body
    assert "Record a meeting" in body and f'id="agenda-{older.id}"' in body and f'id="agenda-{newer.id}"' in body
    assert f'id="agenda-{converted.id}"' in body


def test_station_and_supervisors_read_the_agenda_but_do_not_record(session, world, council, client_as):
    factories.council_proposal(session, council.compound, council.author, title="加装路灯")
    session.commit()
    for role in ("station", "supervisor"):
        body = text(english(client_as(role)).get(f"/council/?compound={council.compound.id}"))
        assert "加装路灯" in body and "Record a meeting" not in body


def test_residents_see_decisions_not_the_agenda(session, world, council, client_as):
    factories.council_proposal(session, council.compound, council.author, title="加装路灯")
    session.commit()
    services.record_meeting(session, compound=council.compound, by=council.members[0], today=date.today(),
                            data=services.MeetingInput(held_on=YESTERDAY, place="会议室",
                                                       present_ids=[u.id for u in council.members]))
    session.commit()
    body = text(english(client_as("resident")).get("/council/"))
    assert 'id="agenda"' not in body and "加装路灯" not in body
    assert "Meetings and decisions" in body and "/council/meetings/" in body


def test_someone_with_no_compound_gets_an_explanation(client_as):
    body = text(english(client_as("unverified")).get("/council/"))
    assert "Verify your household" in body


def test_a_hidden_proposal_is_not_named_to_residents_on_the_meeting_page(session, world, council, client_as):
    p = factories.council_proposal(session, council.compound, council.author, title="不当内容的议题")
    session.commit()
    meeting = services.record_meeting(
        session, compound=council.compound, by=council.members[0], today=date.today(),
        data=services.MeetingInput(held_on=YESTERDAY, place="会议室", present_ids=[u.id for u in council.members],
                                   decisions=[services.DecisionInput(p.id, ProposalStatus.REJECTED, "违反公约",
                                                                     votes_for=5)]))
    p.hidden_at = utcnow()
    p.hidden_reason = "abuse"
    session.commit()
    resident = text(english(client_as("resident")).get(f"/council/meetings/{meeting.id}"))
    assert "不当内容的议题" not in resident and "hidden by moderation" in resident and "违反公约" in resident
    assert "不当内容的议题" in text(client_as("supervisor").get(f"/council/meetings/{meeting.id}"))


def test_agenda_queries_do_not_grow_with_items(app, session, world, council, client_as, count_queries):
    def decide_and_object(proposals):
        meeting = services.record_meeting(
            session, compound=council.compound, by=council.members[0], today=date.today(),
            data=services.MeetingInput(
                held_on=YESTERDAY, place="会议室", present_ids=[u.id for u in council.members],
                decisions=[services.DecisionInput(p.id, ProposalStatus.ADOPTED, votes_for=5) for p in proposals]))
        session.commit()
        for decision in meeting.decisions:
            services.give_opinion(session, decision=decision, by=council.supervisor, body="异议",
                                  objection=True, today=date.today())
        session.commit()

    client = english(client_as("council"))
    decide_and_object(add_proposals(app, session, council, 0, 2)[:1])
    with_two, body = measure(count_queries, client, "/council/")
    assert body.count('class="row agenda-item"') == 2 and body.count("status-returned") == 1
    decide_and_object(add_proposals(app, session, council, 2, 20)[:5])
    with_twenty, body = measure(count_queries, client, "/council/")
    assert body.count('class="row agenda-item"') == 20 and body.count("status-returned") == 6
    assert with_twenty == with_two <= CEILING


def test_meeting_page_queries_do_not_grow_with_decisions(app, session, world, council, client_as,
                                                         count_queries):
    def meeting_with(proposals):
        meeting = services.record_meeting(
            session, compound=council.compound, by=council.members[0], today=date.today(),
            data=services.MeetingInput(
                held_on=YESTERDAY, place="会议室", present_ids=[u.id for u in council.members],
                supervisor_ids=[council.supervisor.id],
                decisions=[services.DecisionInput(p.id, ProposalStatus.ADOPTED, votes_for=5) for p in proposals]))
        session.commit()
        for decision in meeting.decisions:
            services.give_opinion(session, decision=decision, by=council.supervisor, body="同意",
                                  objection=False, today=date.today())
        session.commit()
        return meeting

    small = meeting_with(add_proposals(app, session, council, 0, 2))
    big = meeting_with(add_proposals(app, session, council, 2, 20))
    for role in ("resident", "supervisor"):
        client = client_as(role)
        with_two, body = measure(count_queries, client, f"/council/meetings/{small.id}")
        assert body.count('class="row decision"') == 2
        with_twenty, body = measure(count_queries, client, f"/council/meetings/{big.id}")
        assert body.count('class="row decision"') == 18
        assert with_twenty == with_two <= CEILING, role


def test_new_meeting_page_queries_do_not_grow_with_the_agenda(app, session, world, council, client_as,
                                                              count_queries):
    client = client_as("council")
    add_proposals(app, session, council, 0, 2)
    with_two, _ = measure(count_queries, client, "/council/meetings/new")
    add_proposals(app, session, council, 2, 20)
    with_twenty, body = measure(count_queries, client, "/council/meetings/new")
    assert body.count('class="agenda-decision"') == 20
    assert with_twenty == with_two <= CEILING
