"""`flask seed-demo` leaves a micro-project in every stage a visitor can follow: one in planning with bids and the
council's choice, the 四点半课堂 under way, one completed and waiting for acceptance, one accepted with residents
rating it, one rated poorly with a rectification reported — each with a ledger that adds up — and the
supervisory committee's report."""
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from neighbourhood.audit import services as audit
from neighbourhood.db import utcnow
from neighbourhood.demo import DEMO_ACCOUNTS
from neighbourhood.media.models import Photo
from neighbourhood.projects import evaluation, services
from neighbourhood.projects.models import (
    Bid, BidStatus, EntryKind, EntryStatus, FundingSource, FundRequest, FundRequestStatus, ImplementerKind,
    LedgerEntry, Milestone, Objection, ObjectionStatus, OversightReport, Project, ProjectRating, ProjectStatus,
    Rectification, RectificationStatus,
)
from neighbourhood.proposals.models import Proposal, ProposalStatus

CLASSROOM = "1栋架空层改造成四点半课堂"


@pytest.fixture
def seeded(app, session):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return {p.title: p for p in session.scalars(select(Project))}


def _entries(session, project):
    return session.scalars(select(LedgerEntry).where(LedgerEntry.project_id == project.id)
                           .order_by(LedgerEntry.occurred_on, LedgerEntry.id)).all()


def test_the_demo_has_a_project_in_every_stage(session, seeded):
    by_status = {}
    for project in seeded.values():
        by_status.setdefault(project.status, []).append(project)
    assert {s: len(p) for s, p in by_status.items()} == {
        ProjectStatus.PLANNING: 1, ProjectStatus.UNDER_WAY: 1, ProjectStatus.COMPLETED: 1, ProjectStatus.ACCEPTED: 2}

    [planning] = by_status[ProjectStatus.PLANNING]
    bids = session.scalars(select(Bid).where(Bid.project_id == planning.id)).all()
    assert len(bids) == 3 and {b.bidder_kind for b in bids} == {ImplementerKind.ENTERPRISE, ImplementerKind.OTHER}
    [chosen] = [b for b in bids if b.status is BidStatus.CHOSEN]
    assert chosen.bidder_kind is ImplementerKind.ENTERPRISE and planning.implementer_name == chosen.bidder_name
    assert planning.implementer_reason and planning.implementer_chosen_at < utcnow()
    [waiting] = session.scalars(select(FundRequest).where(FundRequest.project_id == planning.id)).all()
    assert waiting.status is FundRequestStatus.REQUESTED and waiting.amount == chosen.quote

    [under_way] = by_status[ProjectStatus.UNDER_WAY]
    assert under_way.title == CLASSROOM and under_way.progress_percent == 65
    balance = services.balances(session, [under_way.id])[under_way.id]
    assert (balance.income, balance.spent, balance.pending) == \
        (Decimal("35000.00"), Decimal("18760.00"), Decimal("6240.00"))
    entries = _entries(session, under_way)
    assert sum(e.status is EntryStatus.PENDING for e in entries) == 1
    person = next(e for e in entries if e.counterparty_is_person)
    assert services.shown_counterparty(person, may_see_names=False) == "李**"
    [objection] = session.scalars(select(Objection)).all()
    assert objection.project_id == under_way.id and objection.status is ObjectionStatus.ACCEPTED
    # The supervisor approved the volunteers' allowance only once the objection to it was settled.
    assert objection.raised_at < objection.answered_at < objection.settled_at < person.decided_at

    [completed] = by_status[ProjectStatus.COMPLETED]
    assert completed.funding_source is FundingSource.COMMON_INCOME and completed.accepted_at is None
    assert services.balances(session, [completed.id])[completed.id].pending == 0

    open_window, rectified = sorted(by_status[ProjectStatus.ACCEPTED], key=lambda p: p.rating_closes_at,
                                    reverse=True)
    now = utcnow()
    assert evaluation.window_is_open(open_window, now)
    (average, count), = evaluation.averages(session, [open_window.id]).values()
    assert 10 <= count <= 20 and average >= Decimal("4.0")
    visitors = {DEMO_ACCOUNTS["resident"].phone, DEMO_ACCOUNTS["owner"].phone}
    raters = session.scalars(select(ProjectRating).where(ProjectRating.project_id == open_window.id)).all()
    assert not any(r.user.phone in visitors for r in raters)

    assert not evaluation.window_is_open(rectified, now) and rectified.rating_settled_at is not None
    [rectification] = session.scalars(select(Rectification)).all()
    assert rectification.project_id == rectified.id and rectification.status is RectificationStatus.REPORTED
    assert rectification.average < Decimal("3.0") and rectification.report
    assert rectified.rating_closes_at < rectification.opened_at < rectification.reported_at < now

    [report] = session.scalars(select(OversightReport)).all()
    assert "监督报告" in report.title and rectified.title in report.body
    assert audit.verify_chain(session).ok


def test_every_demo_ledger_adds_up_and_the_fund_has_money_left(session, seeded):
    money = services.balances(session, [p.id for p in seeded.values()])
    for project in seeded.values():
        entries = _entries(session, project)
        approved = [e for e in entries if e.status is EntryStatus.APPROVED]
        income = sum((e.amount for e in approved if e.kind is EntryKind.INCOME), Decimal("0.00"))
        spent = sum((e.amount for e in approved if e.kind is EntryKind.SPENDING), Decimal("0.00"))
        balance = money[project.id]
        assert (balance.income, balance.spent, balance.balance) == (income, spent, income - spent), project.title
        running = Decimal("0.00")
        for entry in approved:
            running += entry.amount if entry.kind is EntryKind.INCOME else -entry.amount
            assert running >= 0, (project.title, entry.purpose)
        assert balance.balance - balance.pending >= 0 and spent <= project.budget
        # Two people for every yuan: whoever entered spending never approved it.
        assert all(e.decided_by_id != e.entered_by_id for e in approved if e.kind is EntryKind.SPENDING)
        if project.status is not ProjectStatus.PLANNING:
            assert income > 0 and spent > 0, project.title

    fund = services.fund_status(session, next(iter(seeded.values())).community_id, utcnow().year)
    assert fund.amount == Decimal("292000.00")
    assert fund.allocated == Decimal("66600.00") and fund.requested == Decimal("24800.00")
    assert fund.remaining == Decimal("225400.00")
    photographed = session.scalar(select(func.count(func.distinct(Photo.subject_id))).where(
        Photo.subject_type == "ledger_entry"))
    assert photographed == session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.fund_request_id.is_(None)))


def test_the_demo_timelines_read_in_order(session, seeded):
    for project in seeded.values():
        steps = [project.created_at, project.started_at, project.completed_at, project.accepted_at]
        reached = [s for s in steps if s is not None]
        assert reached == sorted(reached), project.title
        milestones = session.scalars(select(Milestone).where(Milestone.project_id == project.id)).all()
        for milestone in milestones:
            on = datetime.combine(milestone.reached_on, datetime.min.time())
            assert project.started_at.date() <= milestone.reached_on, project.title
            assert project.completed_at is None or on <= project.completed_at, project.title
        for entry in _entries(session, project):
            assert entry.decided_at is None or entry.entered_at <= entry.decided_at, project.title
        ratings = session.scalars(select(ProjectRating).where(ProjectRating.project_id == project.id)).all()
        assert all(project.accepted_at <= r.created_at < project.rating_closes_at for r in ratings)
    # The 四点半课堂's adoption is the governance demo's recent meeting; the others were adopted before they began.
    for project in seeded.values():
        proposal = session.get(Proposal, project.proposal_id)
        assert proposal.status is ProposalStatus.ADOPTED
        if project.title != CLASSROOM:
            assert proposal.decided_at < project.created_at, project.title

