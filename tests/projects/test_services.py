"""Micro-projects through the services: a project only from an adopted proposal, funding from the community's
fund, a ledger where every yuan spent needs a second person, objections that pause spending, and acceptance."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from neighbourhood.accounts.models import Role
from neighbourhood.audit.models import AuditEntry
from neighbourhood.audit.services import verify_chain
from neighbourhood.db import DomainError, utcnow
from neighbourhood.projects import services
from neighbourhood.projects.models import (
    EntryKind, EntryStatus, FundingSource, FundRequestStatus, LedgerEntry, ProjectStatus,
)
from neighbourhood.proposals.models import ProposalStatus
from tests import factories
from tests.projects.helpers import (
    adopted_proposal, ballot_adopted_proposal, council_decision, entry_input, fund, project,
    second_supervisor, spend, under_way,
)

YEAR = utcnow().year


@pytest.fixture(autouse=True)
def in_english(app):
    """Refusals are read in English here, so `match=` can name them."""
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        yield


def actions(session):
    query = select(AuditEntry.action).order_by(AuditEntry.seq)
    return list(session.scalars(query))


def matter(session, world, **overrides):
    return factories.four_list_entry(session, world.community, **overrides)


def request(session, world, project_obj, amount="20000.00", *, entry=None, year=YEAR):
    return services.request_funding(session, project=project_obj, by=world.users["council"], amount=Decimal(amount),
                                    year=year, list_entry=entry or matter(session, world))


# --- the community's fund ------------------------------------------------------------------------------------------

def test_station_sets_the_years_fund_from_the_formula_and_can_correct_it(session, world):
    first = fund(session, world, residents=12800)
    assert first.amount == Decimal("292000.00")
    again = fund(session, world, residents=3456, kind="rural")
    assert again.id == first.id and again.amount == Decimal("388240.00")
    status = services.fund_status(session, world.community.id, YEAR)
    assert status.is_set and status.remaining == Decimal("388240.00")
    assert actions(session).count("fund.set") == 2


@pytest.mark.parametrize("residents", [-3, True, 12.5])
def test_a_bad_resident_count_is_refused_and_no_fund_is_set(session, world, residents):
    with pytest.raises(DomainError, match="whole number"):
        fund(session, world, residents=residents)
    assert not services.fund_status(session, world.community.id, YEAR).is_set


# --- projects ------------------------------------------------------------------------------------------------------

def test_a_proposal_the_council_adopted_becomes_a_planning_project(session, world):
    proposal = adopted_proposal(session, world)
    assert services.adopted_without_project(session, world.compound.id) == [proposal]
    made = project(session, world, proposal=proposal)
    assert made.status is ProjectStatus.PLANNING and made.title == proposal.title
    assert made.decision_id is not None and made.ballot_id is None
    assert made.lead is world.users["council"] and made.budget == Decimal("50000.00")
    assert services.adopted_without_project(session, world.compound.id) == []
    assert "project.created" in actions(session)


def test_a_proposal_adopted_by_a_passed_ballot_becomes_a_project(session, world):
    proposal, ballot = ballot_adopted_proposal(session, world)
    assert proposal.status is ProposalStatus.ADOPTED
    made = project(session, world, proposal=proposal)
    assert made.ballot_id == ballot.id


def test_a_proposal_rejected_by_its_ballot_cannot_become_a_project(session, world):
    proposal, _ = ballot_adopted_proposal(session, world, passed=False)
    with pytest.raises(DomainError, match="Only an adopted proposal"):
        project(session, world, proposal=proposal)


@pytest.mark.parametrize("status", [ProposalStatus.OPEN, ProposalStatus.QUALIFIED, ProposalStatus.REJECTED,
                                    ProposalStatus.TO_BALLOT])
def test_a_proposal_not_adopted_cannot_become_a_project(session, world, status):
    proposal = factories.proposal(session, world.compound, world.users["resident"], status=status)
    with pytest.raises(DomainError, match="Only an adopted proposal"):
        project(session, world, proposal=proposal)


def test_a_proposal_marked_adopted_without_a_decision_or_ballot_is_refused(session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"], status=ProposalStatus.ADOPTED)
    with pytest.raises(DomainError, match="Neither a council decision nor a passed ballot"):
        project(session, world, proposal=proposal)


def test_a_decision_returned_by_a_supervisors_objection_no_longer_adopts(session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"])
    council_decision(session, proposal, world.users["council"]).returned_at = utcnow()
    with pytest.raises(DomainError, match="Neither a council decision"):
        project(session, world, proposal=proposal)


def test_a_proposal_gets_only_one_project(session, world):
    proposal = adopted_proposal(session, world)
    project(session, world, proposal=proposal)
    with pytest.raises(DomainError, match="already has its project"):
        project(session, world, proposal=proposal)


@pytest.mark.parametrize("lead", ["supervisor", "resident", "station", "other_council"])
def test_the_lead_must_be_a_council_member_of_the_compound(session, world, lead):
    with pytest.raises(DomainError, match="lead must be a council member"):
        project(session, world, lead=world.users[lead])
    assert "project.created" not in actions(session)


def test_the_planned_end_cannot_come_before_the_start(session, world):
    with pytest.raises(DomainError, match="planned end comes after the planned start"):
        project(session, world, planned_start=date(2026, 6, 1), planned_end=date(2026, 5, 31))
    same_day = project(session, world, planned_start=date(2026, 6, 1), planned_end=date(2026, 6, 1))
    assert same_day.planned_end == same_day.planned_start


@pytest.mark.parametrize("budget, message", [(Decimal("0"), "more than zero"), (Decimal("-10"), "more than zero"),
                                             (Decimal("10.001"), "at most two decimals"),
                                             (10.5, "at most two decimals")])
def test_the_budget_is_a_positive_amount_to_the_fen(session, world, budget, message):
    with pytest.raises(DomainError, match=message):
        project(session, world, budget=budget)


# --- funding -------------------------------------------------------------------------------------------------------

def test_a_negative_list_matter_is_refused_with_the_stations_own_reasons(session, world):
    fund(session, world)
    made = project(session, world)
    banned = matter(session, world, kind="negative", name="商业经营活动",
                    description="保障资金不得用于营利性经营。")
    with pytest.raises(DomainError, match="“商业经营活动” is on the community's negative list") as refused:
        request(session, world, made, entry=banned)
    assert "保障资金不得用于营利性经营。" in str(refused.value)
    assert services.fund_status(session, world.community.id, YEAR).requested == 0


def test_an_inactive_or_another_communitys_matter_is_refused(session, world):
    fund(session, world)
    made = project(session, world)
    with pytest.raises(DomainError, match="one of this community's listed matters"):
        request(session, world, made, entry=matter(session, world, active=False))
    elsewhere = factories.community(session, name="芳草社区")
    with pytest.raises(DomainError, match="one of this community's listed matters"):
        request(session, world, made, entry=factories.four_list_entry(session, elsewhere))


def test_a_project_not_paid_from_the_fund_cannot_ask_it(session, world):
    fund(session, world)
    made = project(session, world, funding_source=FundingSource.DONATION)
    with pytest.raises(DomainError, match="not funded from the community's fund"):
        request(session, world, made)


def test_a_request_cannot_take_the_project_over_its_budget(session, world):
    fund(session, world)
    made = project(session, world, budget=Decimal("30000.00"))
    with pytest.raises(DomainError, match="exceed its budget of 30000.00 yuan"):
        request(session, world, made, "30000.01")
    first = request(session, world, made, "20000.00")
    services.decide_funding(session, request=first, by=world.users["station"], approve=True, reason="")
    with pytest.raises(DomainError, match="exceed its budget"):
        request(session, world, made, "10000.01")
    assert request(session, world, made, "10000.00").amount == Decimal("10000.00")


def test_a_request_cannot_exceed_what_is_left_of_the_fund_counting_requests_waiting(session, world):
    fund(session, world, residents=0)  # ¥100,000.00
    first = project(session, world, budget=Decimal("90000.00"))
    second = project(session, world, budget=Decimal("90000.00"), proposal=adopted_proposal(session, world,
                                                                                          title="楼道扶手"))
    request(session, world, first, "70000.00")  # waiting, not yet approved
    with pytest.raises(DomainError, match="The fund has 30000.00 yuan left that is not already requested"):
        request(session, world, second, "30000.01")
    assert request(session, world, second, "30000.00").status is FundRequestStatus.REQUESTED


def test_no_request_before_the_station_sets_the_years_fund(session, world):
    made = project(session, world)
    with pytest.raises(DomainError, match=f"has not set the community's fund for {YEAR}"):
        request(session, world, made)
    fund(session, world, year=YEAR - 1)
    with pytest.raises(DomainError, match="has not set"):
        request(session, world, made)


def test_one_request_at_a_time_waits_for_the_station(session, world):
    fund(session, world)
    made = project(session, world)
    first = request(session, world, made, "10000.00")
    with pytest.raises(DomainError, match="already waiting for the station"):
        request(session, world, made, "5000.00")
    services.decide_funding(session, request=first, by=world.users["station"], approve=False, reason="预算不清")
    assert request(session, world, made, "5000.00").status is FundRequestStatus.REQUESTED


@pytest.mark.parametrize("amount, message", [("0", "more than zero"), ("-1.00", "more than zero"),
                                             ("1.005", "at most two decimals")])
def test_the_requested_amount_is_positive_and_to_the_fen(session, world, amount, message):
    fund(session, world)
    made = project(session, world)
    with pytest.raises(DomainError, match=message):
        request(session, world, made, amount)


def test_approval_pays_the_project_an_approved_income_entry_and_lowers_whats_left(session, world):
    fund(session, world)  # ¥292,000.00
    made = project(session, world)
    asked = request(session, world, made, "35000.00")
    status = services.fund_status(session, world.community.id, YEAR)
    assert (status.requested, status.allocated, status.remaining) == \
        (Decimal("35000.00"), Decimal("0.00"), Decimal("292000.00"))
    services.decide_funding(session, request=asked, by=world.users["station"], approve=True, reason="")
    assert asked.status is FundRequestStatus.APPROVED and asked.decided_by_id == world.users["station"].id
    status = services.fund_status(session, world.community.id, YEAR)
    assert (status.requested, status.allocated, status.remaining) == \
        (Decimal("0.00"), Decimal("35000.00"), Decimal("257000.00"))
    [income] = session.scalars(select(LedgerEntry).where(LedgerEntry.project_id == made.id))
    assert income.kind is EntryKind.INCOME and income.status is EntryStatus.APPROVED
    assert income.amount == Decimal("35000.00") and income.fund_request_id == asked.id
    assert income.counterparty == world.community.name
    assert services.shown_purpose(income) == "Micro-project fund granted by the station"
    assert services.balances(session, [made.id])[made.id].balance == Decimal("35000.00")
    assert actions(session)[-2:] == ["fund.requested", "fund.approved"]
    with pytest.raises(DomainError, match="already decided"):
        services.decide_funding(session, request=asked, by=world.users["station"], approve=True, reason="")


def test_returning_a_request_needs_reasons_and_pays_nothing(session, world):
    fund(session, world)
    made = project(session, world)
    asked = request(session, world, made)
    with pytest.raises(DomainError, match="Give the reasons for returning"):
        services.decide_funding(session, request=asked, by=world.users["station"], approve=False, reason="  ")
    assert asked.status is FundRequestStatus.REQUESTED
    services.decide_funding(session, request=asked, by=world.users["station"], approve=False,
                            reason="  请补充报价单  ")
    assert asked.status is FundRequestStatus.RETURNED and asked.reason == "请补充报价单"
    assert session.scalars(select(LedgerEntry)).all() == []
    assert services.fund_status(session, world.community.id, YEAR).requested == 0
    assert actions(session)[-1] == "fund.returned"


def test_approval_is_refused_when_the_fund_has_since_run_short(session, world):
    fund(session, world, residents=0)  # ¥100,000.00
    made = project(session, world, budget=Decimal("80000.00"))
    asked = request(session, world, made, "60000.00")
    fund(session, world, residents=0, kind="city").amount = Decimal("50000.00")  # the station lowered it
    with pytest.raises(DomainError, match="The fund has only 50000.00 yuan left"):
        services.decide_funding(session, request=asked, by=world.users["station"], approve=True, reason="")
    assert asked.status is FundRequestStatus.REQUESTED


# --- the ledger ----------------------------------------------------------------------------------------------------

def test_spending_waits_for_a_supervisor_and_income_counts_at_once(session, world):
    made = under_way(session, world)
    services.add_entry(session, project=made, by=world.users["council"],
                       data=entry_input(EntryKind.INCOME, "5000.00", counterparty="院落公共收益"))
    entry = spend(session, world, made, "1200.00")
    assert entry.status is EntryStatus.PENDING
    balance = services.balances(session, [made.id])[made.id]
    assert (balance.income, balance.spent, balance.pending, balance.balance) == \
        (Decimal("5000.00"), Decimal("0.00"), Decimal("1200.00"), Decimal("5000.00"))
    services.decide_entry(session, entry=entry, by=world.users["supervisor"], approve=True)
    assert entry.status is EntryStatus.APPROVED and entry.decided_by_id == world.users["supervisor"].id
    balance = services.balances(session, [made.id])[made.id]
    assert (balance.spent, balance.pending, balance.balance) == \
        (Decimal("1200.00"), Decimal("0.00"), Decimal("3800.00"))
    assert actions(session)[-1] == "ledger.approved"


def test_whoever_entered_spending_cannot_approve_it_even_as_a_supervisor(app, session, world):
    council = world.users["council"]
    factories.role(session, council, Role.SUPERVISOR, compound_obj=world.compound)
    made = under_way(session, world)
    entry = spend(session, world, made, by=council)
    with pytest.raises(DomainError, match="Whoever entered the spending cannot approve it"):
        services.decide_entry(session, entry=entry, by=council, approve=True)
    with pytest.raises(DomainError, match="Whoever entered"):
        services.decide_entry(session, entry=entry, by=council, approve=False, reason="搞错了")
    assert entry.status is EntryStatus.PENDING
    other = second_supervisor(session, app, world)
    services.decide_entry(session, entry=entry, by=other, approve=True)
    assert entry.status is EntryStatus.APPROVED


def test_a_supervisors_own_spending_is_approved_by_another_supervisor(app, session, world):
    made = under_way(session, world)
    entry = spend(session, world, made, by=world.users["supervisor"])
    with pytest.raises(DomainError, match="Whoever entered"):
        services.decide_entry(session, entry=entry, by=world.users["supervisor"], approve=True)
    services.decide_entry(session, entry=entry, by=second_supervisor(session, app, world), approve=True)
    assert entry.status is EntryStatus.APPROVED


def test_rejecting_spending_needs_a_reason_and_it_then_counts_nowhere(session, world):
    made = under_way(session, world)
    entry = spend(session, world, made, "800.00")
    with pytest.raises(DomainError, match="Say why the spending is rejected"):
        services.decide_entry(session, entry=entry, by=world.users["supervisor"], approve=False, reason=" ")
    services.decide_entry(session, entry=entry, by=world.users["supervisor"], approve=False, reason=" 没有发票 ")
    assert entry.status is EntryStatus.REJECTED and entry.reject_reason == "没有发票"
    balance = services.balances(session, [made.id])[made.id]
    assert (balance.spent, balance.pending) == (Decimal("0.00"), Decimal("0.00"))
    with pytest.raises(DomainError, match="already decided"):
        services.decide_entry(session, entry=entry, by=world.users["supervisor"], approve=True)
    assert actions(session)[-1] == "ledger.rejected"


def test_an_entry_needs_a_counterparty_a_purpose_and_an_amount_to_the_fen(session, world):
    made = under_way(session, world)
    with pytest.raises(DomainError, match="Name the counterparty and the purpose"):
        spend(session, world, made, counterparty=" ")
    with pytest.raises(DomainError, match="Name the counterparty and the purpose"):
        spend(session, world, made, purpose="")
    with pytest.raises(DomainError, match="at most two decimals"):
        spend(session, world, made, "12.345")
    with pytest.raises(DomainError, match="more than zero"):
        spend(session, world, made, "0.00")
    assert session.scalars(select(LedgerEntry)).all() == []


def test_a_private_person_is_masked_for_residents_but_named_for_the_council(session, world):
    made = under_way(session, world)
    entry = spend(session, world, made, person=True)
    assert services.shown_counterparty(entry, may_see_names=False) == "王**"
    assert services.shown_counterparty(entry, may_see_names=True) == "王秀英"
    company = spend(session, world, made)
    assert services.shown_counterparty(company, may_see_names=False) == "成都明亮照明有限公司"
    assert services.shown_purpose(company) == "路灯两盏及安装"


def test_an_open_or_answered_objection_pauses_approvals_until_the_supervisor_accepts_the_answer(session, world):
    made = under_way(session, world)
    entry = spend(session, world, made)
    objection = services.object_to(session, project=made, by=world.users["supervisor"], body="报价偏高")
    assert services.paused(session, made)
    with pytest.raises(DomainError, match="An objection pauses spending"):
        services.decide_entry(session, entry=entry, by=world.users["supervisor"], approve=True)
    services.answer_objection(session, objection=objection, by=world.users["council"], text="已比价三家")
    with pytest.raises(DomainError, match="An objection pauses spending"):
        services.decide_entry(session, entry=entry, by=world.users["supervisor"], approve=True)
    assert entry.status is EntryStatus.PENDING
    services.accept_answer(session, objection=objection, by=world.users["supervisor"])
    assert not services.paused(session, made)
    services.decide_entry(session, entry=entry, by=world.users["supervisor"], approve=True)
    assert entry.status is EntryStatus.APPROVED
    assert actions(session)[-4:] == ["objection.raised", "objection.answered", "objection.accepted",
                                     "ledger.approved"]


def test_rejecting_spending_is_still_possible_while_an_objection_stands(session, world):
    made = under_way(session, world)
    entry = spend(session, world, made)
    services.object_to(session, project=made, by=world.users["supervisor"], body="报价偏高")
    services.decide_entry(session, entry=entry, by=world.users["supervisor"], approve=False, reason="暂停")
    assert entry.status is EntryStatus.REJECTED


def test_the_stations_ruling_settles_an_objection_and_releases_approvals(session, world):
    made = under_way(session, world)
    entry = spend(session, world, made)
    objection = services.object_to(session, project=made, by=world.users["supervisor"], body="报价偏高")
    with pytest.raises(DomainError, match="Write the station's ruling"):
        services.rule_on(session, objection=objection, by=world.users["station"], text="")
    services.rule_on(session, objection=objection, by=world.users["station"], text="价格合理，继续实施")
    assert not services.paused(session, made)
    services.decide_entry(session, entry=entry, by=world.users["supervisor"], approve=True)
    assert entry.status is EntryStatus.APPROVED
    with pytest.raises(DomainError, match="already settled"):
        services.rule_on(session, objection=objection, by=world.users["station"], text="再议")


def test_an_answer_must_be_written_and_only_an_answered_objection_is_accepted(session, world):
    made = under_way(session, world)
    objection = services.object_to(session, project=made, by=world.users["supervisor"], body="报价偏高")
    with pytest.raises(DomainError, match="Only an answered objection"):
        services.accept_answer(session, objection=objection, by=world.users["supervisor"])
    with pytest.raises(DomainError, match="Write the council's answer"):
        services.answer_objection(session, objection=objection, by=world.users["council"], text=" ")
    with pytest.raises(DomainError, match="Say what you object to"):
        services.object_to(session, project=made, by=world.users["supervisor"], body="")


def test_balances_are_read_for_many_projects_at_once_and_empty_projects_show_zero(session, world):
    first = under_way(session, world)
    second = under_way(session, world, proposal=adopted_proposal(session, world, title="楼道扶手"))
    spend(session, world, first, "10.00")
    found = services.balances(session, [first.id, second.id])
    assert found[first.id].pending == Decimal("10.00")
    assert (found[second.id].income, found[second.id].spent, found[second.id].pending) == (0, 0, 0)
    assert services.balances(session, []) == {}


ENTRY = st.tuples(st.sampled_from([EntryKind.INCOME, EntryKind.SPENDING]),
                  st.integers(min_value=1, max_value=10_000_000),      # fen: ¥0.01 to ¥100,000.00
                  st.sampled_from(["approve", "reject", "leave"]))


# One test database for all examples: each example works on a project of its own, so nothing carries over.
@settings(max_examples=50, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(ENTRY, max_size=12))
def test_balances_always_equal_the_sums_of_the_entries_themselves(session, world, entries):
    made = under_way(session, world, proposal=adopted_proposal(session, world))  # a new project each example
    for kind, amount_fen, fate in entries:
        amount = (Decimal(amount_fen) / 100).quantize(Decimal("0.01"))
        entry = services.add_entry(session, project=made, by=world.users["council"],
                                   data=entry_input(kind, str(amount)))
        if kind is EntryKind.SPENDING and fate != "leave":
            services.decide_entry(session, entry=entry, by=world.users["supervisor"], approve=fate == "approve",
                                  reason="不符合" if fate == "reject" else "")
    rows = session.scalars(select(LedgerEntry).where(LedgerEntry.project_id == made.id)).all()

    def total(kind, status):
        return sum((e.amount for e in rows if e.kind is kind and e.status is status), Decimal("0.00"))

    found = services.balances(session, [made.id])[made.id]
    assert found.income == total(EntryKind.INCOME, EntryStatus.APPROVED)
    assert found.spent == total(EntryKind.SPENDING, EntryStatus.APPROVED)
    assert found.pending == total(EntryKind.SPENDING, EntryStatus.PENDING)
    assert found.balance == found.income - found.spent
    expected_income = sum((Decimal(a) / 100 for k, a, _ in entries if k is EntryKind.INCOME), Decimal("0"))
    assert found.income == expected_income
    # The project page adds up the entries it has loaded; it must agree with the database's sums.
    assert services.balance_of(rows) == found


# --- who is told -----------------------------------------------------------------------------------------------------

def told(session, kind):
    from neighbourhood.notifications.models import Notification

    return {n.user_id for n in session.scalars(select(Notification).where(Notification.kind == kind))}


def test_the_right_people_are_told_at_each_step(session, world):
    users = world.users
    fund(session, world)
    made = under_way(session, world)
    services.decide_funding(session, request=request(session, world, made, "1000.00"), by=users["station"],
                            approve=False, reason="请补充报价单")
    assert told(session, "project.funding") == {users["council"].id}
    spend(session, world, made)
    assert told(session, "ledger.pending") == {users["supervisor"].id}
    objection = services.object_to(session, project=made, by=users["supervisor"], body="报价偏高")
    assert told(session, "project.objection") == {users["council"].id}
    services.answer_objection(session, objection=objection, by=users["council"], text="已比价")
    assert told(session, "project.objection_answered") == {users["supervisor"].id}
    services.complete(session, project=made, by=users["council"])
    assert told(session, "project.completed") == {users["supervisor"].id}


# --- milestones, completion and acceptance ---------------------------------------------------------------------------

def test_milestones_are_recorded_while_under_way_and_raise_progress_never_lower_it(session, world):
    made = project(session, world)
    with pytest.raises(DomainError, match="while the project is under way"):
        services.add_milestone(session, project=made, by=world.users["council"], title="采购", progress_percent=10,
                               reached_on=date(2026, 3, 5))
    services.start(session, project=made, by=world.users["council"])
    services.add_milestone(session, project=made, by=world.users["council"], title="安装完成",
                           progress_percent=60, reached_on=date(2026, 3, 20))
    services.add_milestone(session, project=made, by=world.users["council"], title="补拍照片",
                           progress_percent=30, reached_on=date(2026, 3, 21))
    assert made.progress_percent == 60
    with pytest.raises(DomainError, match="between 0 and 100 per cent"):
        services.add_milestone(session, project=made, by=world.users["council"], title="超额",
                               progress_percent=101, reached_on=date(2026, 3, 22))
    with pytest.raises(DomainError, match="Name the milestone"):
        services.add_milestone(session, project=made, by=world.users["council"], title=" ",
                               progress_percent=70, reached_on=date(2026, 3, 22))


def completed(session, world, **overrides):
    made = under_way(session, world, **overrides)
    services.complete(session, project=made, by=world.users["council"])
    assert made.status is ProjectStatus.COMPLETED and made.progress_percent == 100
    return made


def test_a_supervisor_accepts_a_completed_project_with_a_note_of_what_was_checked(session, world):
    made = completed(session, world)
    services.accept(session, project=made, by=world.users["supervisor"], note="  路灯两盏均已点亮  ")
    assert made.status is ProjectStatus.ACCEPTED and made.accepted_by is world.users["supervisor"]
    assert made.acceptance_note == "路灯两盏均已点亮"
    with pytest.raises(DomainError, match="ledger is closed"):
        spend(session, world, made)
    with pytest.raises(DomainError, match="This project is closed"):
        services.object_to(session, project=made, by=world.users["supervisor"], body="晚了")
    assert actions(session)[-1] == "project.accepted"
    assert verify_chain(session).ok


def test_the_lead_cannot_accept_their_own_project_even_as_a_supervisor(session, world):
    council = world.users["council"]
    factories.role(session, council, Role.SUPERVISOR, compound_obj=world.compound)
    made = completed(session, world)
    with pytest.raises(DomainError, match="lead cannot accept their own project"):
        services.accept(session, project=made, by=council, note="已完成")
    assert made.status is ProjectStatus.COMPLETED


def test_acceptance_needs_a_note(session, world):
    made = completed(session, world)
    with pytest.raises(DomainError, match="Write what was checked"):
        services.accept(session, project=made, by=world.users["supervisor"], note="  ")
    assert made.status is ProjectStatus.COMPLETED


def test_no_acceptance_while_an_objection_stands(session, world):
    made = completed(session, world)
    objection = services.object_to(session, project=made, by=world.users["supervisor"], body="有一盏不亮")
    with pytest.raises(DomainError, match="An objection stands on this project"):
        services.accept(session, project=made, by=world.users["supervisor"], note="验收")
    services.answer_objection(session, objection=objection, by=world.users["council"], text="已更换灯泡")
    with pytest.raises(DomainError, match="An objection stands"):
        services.accept(session, project=made, by=world.users["supervisor"], note="验收")
    services.accept_answer(session, objection=objection, by=world.users["supervisor"])
    services.accept(session, project=made, by=world.users["supervisor"], note="复查合格")
    assert made.status is ProjectStatus.ACCEPTED


def test_a_project_not_yet_completed_cannot_be_accepted_and_steps_are_not_repeated(session, world):
    made = under_way(session, world)
    with pytest.raises(DomainError, match="changed since the page was loaded"):
        services.accept(session, project=made, by=world.users["supervisor"], note="验收")
    with pytest.raises(DomainError, match="changed since the page was loaded"):
        services.start(session, project=made, by=world.users["council"])


def test_the_whole_life_of_a_funded_project_leaves_a_verifiable_audit_chain(app, session, world):
    fund(session, world)
    made = project(session, world)
    asked = request(session, world, made, "30000.00")
    services.decide_funding(session, request=asked, by=world.users["station"], approve=True, reason="")
    services.start(session, project=made, by=world.users["council"])
    entry = spend(session, world, made, "12000.00")
    objection = services.object_to(session, project=made, by=world.users["supervisor"], body="请出示报价")
    services.answer_objection(session, objection=objection, by=world.users["council"], text="附三家报价")
    services.accept_answer(session, objection=objection, by=world.users["supervisor"])
    services.decide_entry(session, entry=entry, by=world.users["supervisor"], approve=True)
    services.add_milestone(session, project=made, by=world.users["council"], title="安装完成",
                           progress_percent=90, reached_on=date(2026, 4, 1))
    services.complete(session, project=made, by=world.users["council"])
    services.accept(session, project=made, by=second_supervisor(session, app, world), note="验收合格")
    session.commit()
    assert actions(session) == [
        "fund.set", "project.created", "fund.requested", "fund.approved", "project.started", "ledger.entered",
        "objection.raised", "objection.answered", "objection.accepted", "ledger.approved", "project.milestone",
        "project.completed", "project.accepted"]
    balance = services.balances(session, [made.id])[made.id]
    assert balance.balance == Decimal("18000.00")
    assert verify_chain(session).ok



def test_an_accepted_project_cannot_ask_the_fund_for_money(session, world):
    fund(session, world)
    made = completed(session, world)
    matter = factories.four_list_entry(session, world.community)
    services.accept(session, project=made, by=world.users["supervisor"], note="验收合格")
    with pytest.raises(DomainError, match="This project is closed"):
        services.request_funding(session, project=made, by=world.users["council"], amount=Decimal("100.00"),
                                 year=YEAR, list_entry=matter)


def test_the_fund_cannot_be_set_below_what_was_already_granted(session, world):
    fund(session, world, residents=10_000)
    made = project(session, world, budget=Decimal("200000.00"))
    matter = factories.four_list_entry(session, world.community)
    request = services.request_funding(session, project=made, by=world.users["council"],
                                       amount=Decimal("200000.00"), year=YEAR, list_entry=matter)
    services.decide_funding(session, request=request, by=world.users["station"], approve=True, reason="")
    with pytest.raises(DomainError, match="below the 200000.00 yuan"):
        fund(session, world, residents=0)
    assert services.fund_status(session, world.community.id, YEAR).remaining == Decimal("50000.00")
