"""What the disclosure board (公开栏) of one compound shows: decisions, ballot results, projects and their money,
the community's fund, the supervisors' reports and the audit chain's head. Read-only, in a fixed number of
queries whatever the compound's history, because the board is printed and reloaded often."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from neighbourhood.audit import chain
from neighbourhood.audit.models import AuditEntry
from neighbourhood.council.models import Decision, Meeting
from neighbourhood.places.models import Compound
from neighbourhood.projects import evaluation, rules, services as projects
from neighbourhood.projects.models import (
    CommunityFund, FundRequest, FundRequestStatus, OversightReport, Project, ProjectRating, Rectification,
    RectificationStatus,
)
from neighbourhood.voting.models import Ballot, BallotStatus

# Each section shows the newest this many on the board (on screen and on paper), with a link to all of them.
SHOWN = 10


@dataclass
class ChainHead:
    """The audit chain's latest entry: printing it daily puts any later rewrite of history on paper."""
    seq: int
    hash: str
    occurred_at: datetime | None


@dataclass
class ProjectLine:
    project: Project
    money: projects.Balance
    rating: Decimal | None          # residents' average satisfaction, once accepted and rated
    ratings: int
    rectification: Rectification | None   # a rectification still open (or reported, not yet confirmed)


@dataclass
class Board:
    compound: Compound
    decisions: list[Decision]
    ballots: list[Ballot]
    projects: list[ProjectLine]
    fund: projects.FundStatus
    reports: list[OversightReport]
    head: ChainHead


def board(session: Session, compound: Compound, *, year: int) -> Board:
    fund, head = _figures(session, compound.community_id, year)
    return Board(compound=compound, decisions=_decisions(session, compound), ballots=_ballots(session, compound),
                 projects=_project_lines(session, compound), fund=fund, reports=_reports(session, compound),
                 head=head)


def _decisions(session: Session, compound: Compound) -> list[Decision]:
    return list(session.scalars(
        select(Decision).join(Decision.meeting).where(Decision.compound_id == compound.id)
        .options(contains_eager(Decision.meeting), joinedload(Decision.proposal))
        .order_by(Meeting.held_on.desc(), Decision.id.desc()).limit(SHOWN)))


def _ballots(session: Session, compound: Compound) -> list[Ballot]:
    """Closed ballots only: their results are public to everyone alike, whatever the results visibility was."""
    return list(session.scalars(
        select(Ballot).where(Ballot.compound_id == compound.id, Ballot.status == BallotStatus.CLOSED)
        .options(joinedload(Ballot.options)).order_by(Ballot.closed_at.desc(), Ballot.id.desc()).limit(SHOWN)
    ).unique())


def _project_lines(session: Session, compound: Compound) -> list[ProjectLine]:
    """Every project, cancelled ones too (money may have moved before the cancellation), those with a
    rectification under way first so they never drop off the board, then the newest. Ratings come in the same
    query; the ledger's balances in one more."""
    of_project = ProjectRating.project_id == Project.id
    rating_total = select(func.coalesce(func.sum(ProjectRating.score), 0)).where(of_project).scalar_subquery()
    rating_count = select(func.count(ProjectRating.id)).where(of_project).scalar_subquery()
    open_rectification = and_(Rectification.project_id == Project.id,
                              Rectification.status != RectificationStatus.CLOSED)
    rows = session.execute(
        select(Project, Rectification, rating_total, rating_count)
        .outerjoin(Rectification, open_rectification).where(Project.compound_id == compound.id)
        .order_by(Rectification.id.is_(None), Project.created_at.desc(), Project.id.desc()).limit(SHOWN)).all()
    money = projects.balances(session, [row[0].id for row in rows])
    return [ProjectLine(project=project, money=money[project.id], rating=evaluation.average(int(total), count),
                        ratings=count, rectification=rectification)
            for project, rectification, total, count in rows]


def _reports(session: Session, compound: Compound) -> list[OversightReport]:
    return list(session.scalars(
        select(OversightReport).where(OversightReport.compound_id == compound.id)
        .order_by(OversightReport.published_at.desc(), OversightReport.id.desc()).limit(SHOWN)))


def _figures(session: Session, community_id: int, year: int) -> tuple[projects.FundStatus, ChainHead]:
    """The year's fund, counted as `projects.services.fund_status` counts it, and the chain's head, in one query:
    those take three, more than the board's query budget has left after its sections."""
    def requested(status: FundRequestStatus):
        return (select(func.coalesce(func.sum(FundRequest.amount), 0))
                .where(FundRequest.community_id == community_id, FundRequest.year == year,
                       FundRequest.status == status).scalar_subquery())

    def latest(column):
        return select(column).order_by(AuditEntry.seq.desc()).limit(1).scalar_subquery()

    amount = (select(CommunityFund.amount)
              .where(CommunityFund.community_id == community_id, CommunityFund.year == year).scalar_subquery())
    row = session.execute(select(amount, requested(FundRequestStatus.APPROVED),
                                 requested(FundRequestStatus.REQUESTED), latest(AuditEntry.seq),
                                 latest(AuditEntry.hash), latest(AuditEntry.occurred_at))).one()
    fund_amount, allocated, waiting, seq, head_hash, occurred_at = row
    fund = projects.FundStatus(
        year=year, amount=Decimal(fund_amount).quantize(rules.FEN) if fund_amount is not None else Decimal("0.00"),
        allocated=Decimal(allocated).quantize(rules.FEN), requested=Decimal(waiting).quantize(rules.FEN),
        is_set=fund_amount is not None)
    if seq is None:
        return fund, ChainHead(seq=0, hash=chain.GENESIS_HASH, occurred_at=None)
    return fund, ChainHead(seq=seq, hash=head_hash, occurred_at=occurred_at)

