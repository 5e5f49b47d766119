"""Micro-projects (民生微项目): the community's annual fund, projects with their funding requests, implementers'
bids, milestones, ledger, the supervisors' objections and reports, and the residents' ratings (问效) with the
rectification a poor rating starts.

Every row carries its compound (and community) id. Amounts are Numeric(12, 2): exact yuan to the fen."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from neighbourhood.accounts.models import IllegalTransition, User
from neighbourhood.db import enum_type, utcnow
from neighbourhood.extensions import db
from neighbourhood.needs.categories import Category
from neighbourhood.places.models import Community, Compound
from neighbourhood.projects.rules import CommunityType


class CommunityFund(db.Model):
    """One community's micro-project fund for one year, as station staff set it (type and resident count)."""

    __tablename__ = "community_funds"
    __table_args__ = (UniqueConstraint("community_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    year: Mapped[int] = mapped_column()
    community_type: Mapped[CommunityType] = mapped_column(enum_type(CommunityType))
    residents: Mapped[int] = mapped_column()
    # The formula's amount when it was set; kept so a later change of formula does not rewrite history.
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)

    community: Mapped[Community] = relationship()


class FundingSource(enum.StrEnum):
    COMMUNITY_FUND = "community_fund"      # 社区保障资金 (requested from the station)
    COMMON_INCOME = "common_income"        # the compound's income from common parts
    DONATION = "donation"
    SOCIAL_ENTERPRISE = "social_enterprise"


class ImplementerKind(enum.StrEnum):
    COUNCIL = "council"
    ENTERPRISE = "enterprise"              # a registered community social enterprise
    OTHER = "other"


class ProjectStatus(enum.StrEnum):
    PLANNING = "planning"        # budget, funding and implementer being settled
    UNDER_WAY = "under_way"
    COMPLETED = "completed"      # the lead reports it done; waiting for the supervisors' acceptance (验收)
    ACCEPTED = "accepted"        # accepted by a supervisor; residents rate it (问效)
    CANCELLED = "cancelled"


class Project(db.Model):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    # What adopted it: the proposal, and the council decision or the passed ballot.
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), unique=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("council_decisions.id"))
    ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballots.id"))
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[Category] = mapped_column(enum_type(Category))
    lead_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    budget: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    funding_source: Mapped[FundingSource] = mapped_column(enum_type(FundingSource))
    planned_start: Mapped[date] = mapped_column(Date)
    planned_end: Mapped[date] = mapped_column(Date)
    status: Mapped[ProjectStatus] = mapped_column(enum_type(ProjectStatus), default=ProjectStatus.PLANNING,
                                                  index=True)
    progress_percent: Mapped[int] = mapped_column(default=0, server_default="0")
    implementer_kind: Mapped[ImplementerKind] = mapped_column(enum_type(ImplementerKind),
                                                              default=ImplementerKind.COUNCIL)
    implementer_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # The council's public reasons for its choice of implementer.
    implementer_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column()
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acceptance_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Residents choosing the implementer from the bids: a single-choice ballot, settled when it closes.
    implementer_ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballots.id"))
    implementer_chosen_at: Mapped[datetime | None] = mapped_column()
    # 问效: residents rate the project for this many days after acceptance; the window is fixed at acceptance.
    rating_window_days: Mapped[int] = mapped_column(default=14, server_default="14")
    rating_closes_at: Mapped[datetime | None] = mapped_column()
    # When the closed window was counted (and a rectification opened if the average fell below 3.0).
    rating_settled_at: Mapped[datetime | None] = mapped_column()

    compound: Mapped[Compound] = relationship()
    lead: Mapped[User] = relationship(foreign_keys=[lead_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])

    def start(self, *, at: datetime) -> None:
        if self.status is not ProjectStatus.PLANNING:
            raise IllegalTransition(f"cannot start a {self.status} project")
        self.status = ProjectStatus.UNDER_WAY
        self.started_at = at

    def complete(self, *, at: datetime) -> None:
        if self.status is not ProjectStatus.UNDER_WAY:
            raise IllegalTransition(f"cannot complete a {self.status} project")
        self.status = ProjectStatus.COMPLETED
        self.completed_at = at
        self.progress_percent = 100

    def accept(self, *, by: User, at: datetime, note: str) -> None:
        if self.status is not ProjectStatus.COMPLETED:
            raise IllegalTransition(f"cannot accept a {self.status} project")
        self.status = ProjectStatus.ACCEPTED
        self.accepted_by = by
        self.accepted_at = at
        self.acceptance_note = note.strip()


class FundRequestStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    RETURNED = "returned"        # returned by the station with reasons


class FundRequest(db.Model):
    """A project asks the station for money from the community's fund for a year."""

    __tablename__ = "fund_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    year: Mapped[int] = mapped_column()
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    # The four-list matter the request falls under (a negative-list matter cannot be submitted).
    list_entry_id: Mapped[int] = mapped_column(ForeignKey("four_list_entries.id"))
    status: Mapped[FundRequestStatus] = mapped_column(enum_type(FundRequestStatus),
                                                      default=FundRequestStatus.REQUESTED, index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    project: Mapped[Project] = relationship()

    def decide(self, *, approve: bool, by: User, at: datetime, reason: str) -> None:
        if self.status is not FundRequestStatus.REQUESTED:
            raise IllegalTransition(f"this request was already {self.status}")
        if not approve and not reason.strip():
            raise IllegalTransition("a returned request needs reasons")
        self.status = FundRequestStatus.APPROVED if approve else FundRequestStatus.RETURNED
        self.decided_by_id = by.id
        self.decided_at = at
        self.reason = reason.strip()


class EntryKind(enum.StrEnum):
    INCOME = "income"
    SPENDING = "spending"


class EntryStatus(enum.StrEnum):
    PENDING = "pending"          # spending waiting for a supervisor's approval
    APPROVED = "approved"
    REJECTED = "rejected"


class LedgerEntry(db.Model):
    """One income or spending entry. Spending counts once a supervisor other than its author approves it."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    kind: Mapped[EntryKind] = mapped_column(enum_type(EntryKind))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    occurred_on: Mapped[date] = mapped_column(Date)
    counterparty: Mapped[str] = mapped_column(String(120))
    # A private individual is shown masked to residents (王**); organisations by name.
    counterparty_is_person: Mapped[bool] = mapped_column(default=False)
    purpose: Mapped[str] = mapped_column(String(200))
    # Set on the income entry the station's approval of a funding request makes.
    fund_request_id: Mapped[int | None] = mapped_column(ForeignKey("fund_requests.id"))
    status: Mapped[EntryStatus] = mapped_column(enum_type(EntryStatus), index=True)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    reject_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    project: Mapped[Project] = relationship()
    entered_by: Mapped[User] = relationship(foreign_keys=[entered_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def decide(self, *, approve: bool, by: User, at: datetime, reason: str = "") -> None:
        if self.status is not EntryStatus.PENDING:
            raise IllegalTransition(f"this entry was already {self.status}")
        if by.id == self.entered_by_id:
            raise IllegalTransition("whoever entered spending cannot approve it")
        if not approve and not reason.strip():
            raise IllegalTransition("a rejected entry needs a reason")
        self.status = EntryStatus.APPROVED if approve else EntryStatus.REJECTED
        self.decided_by_id = by.id
        self.decided_at = at
        self.reject_reason = reason.strip()


class ObjectionStatus(enum.StrEnum):
    OPEN = "open"                # spending on the project is paused
    ANSWERED = "answered"        # the council answered; still paused until the supervisor accepts
    ACCEPTED = "accepted"        # the supervisor accepted the answer
    RULED = "ruled"              # the station ruled on it


class Objection(db.Model):
    """A supervisor's objection to a project. While it stands, no spending on the project is approved."""

    __tablename__ = "project_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[ObjectionStatus] = mapped_column(enum_type(ObjectionStatus), default=ObjectionStatus.OPEN,
                                                    index=True)
    answer: Mapped[str] = mapped_column(Text, default="", server_default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column()
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    settled_at: Mapped[datetime | None] = mapped_column()
    ruling: Mapped[str] = mapped_column(Text, default="", server_default="")

    project: Mapped[Project] = relationship()
    raised_by: Mapped[User] = relationship(foreign_keys=[raised_by_id])

    @property
    def pauses_spending(self) -> bool:
        return self.status in (ObjectionStatus.OPEN, ObjectionStatus.ANSWERED)

    def answer_with(self, *, text: str, by: User, at: datetime) -> None:
        if self.status is not ObjectionStatus.OPEN:
            raise IllegalTransition(f"cannot answer a {self.status} objection")
        self.status = ObjectionStatus.ANSWERED
        self.answer = text.strip()
        self.answered_by_id = by.id
        self.answered_at = at

    def accept_answer(self, *, by: User, at: datetime) -> None:
        if self.status is not ObjectionStatus.ANSWERED:
            raise IllegalTransition(f"cannot accept the answer to a {self.status} objection")
        self.status = ObjectionStatus.ACCEPTED
        self.settled_by_id = by.id
        self.settled_at = at

    def rule(self, *, text: str, by: User, at: datetime) -> None:
        if not self.pauses_spending:
            raise IllegalTransition(f"cannot rule on a {self.status} objection")
        self.status = ObjectionStatus.RULED
        self.ruling = text.strip()
        self.settled_by_id = by.id
        self.settled_at = at


class Milestone(db.Model):
    """A step of the public timeline, with its photos (media subject "milestone") and the progress it brings."""

    __tablename__ = "project_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    progress_percent: Mapped[int] = mapped_column()
    reached_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BidStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    CHOSEN = "chosen"
    NOT_CHOSEN = "not_chosen"
    WITHDRAWN = "withdrawn"


class Bid(db.Model):
    """An implementer's offer to carry out a project: a quote and a plan. The council chooses one with public
    reasons, or puts the bids to the residents as a single-choice ballot (one option per bid)."""

    __tablename__ = "project_bids"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    bidder_kind: Mapped[ImplementerKind] = mapped_column(enum_type(ImplementerKind))
    bidder_name: Mapped[str] = mapped_column(String(120))
    quote: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    plan: Mapped[str] = mapped_column(Text)
    status: Mapped[BidStatus] = mapped_column(enum_type(BidStatus), default=BidStatus.SUBMITTED, index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The bid's option on the implementer ballot, when the residents choose.
    option_id: Mapped[int | None] = mapped_column(ForeignKey("ballot_options.id"))

    project: Mapped[Project] = relationship()


class ProjectRating(db.Model):
    """One resident's satisfaction with an accepted project (问效于民): 1–5 and a comment, once each."""

    __tablename__ = "project_ratings"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),
                      CheckConstraint("score BETWEEN 1 AND 5", name="score_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The rater's household when they rated, so responses can be set against the compound's households.
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    score: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class RectificationStatus(enum.StrEnum):
    OPEN = "open"                # flagged to the station; the council owes a rectification report
    REPORTED = "reported"        # the council reported what it put right; the station checks it
    CLOSED = "closed"            # the station confirmed the rectification


class Rectification(db.Model):
    """评议整改: a project residents rated below 3.0, flagged to the station and tracked to closure."""

    __tablename__ = "project_rectifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    # The rating that triggered it, as counted when the window closed.
    average: Mapped[Decimal] = mapped_column(Numeric(3, 2))
    responses: Mapped[int] = mapped_column()
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[RectificationStatus] = mapped_column(enum_type(RectificationStatus),
                                                        default=RectificationStatus.OPEN, index=True)
    report: Mapped[str] = mapped_column(Text, default="", server_default="")
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reported_at: Mapped[datetime | None] = mapped_column()
    # The station's word: why a report was sent back, or its confirmation when closing.
    station_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column()

    project: Mapped[Project] = relationship()


class OversightReport(db.Model):
    """A periodic report of the supervisory committee to the residents, in limited Markdown (sanitised)."""

    __tablename__ = "oversight_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    # The period it covers, as the committee names it (2026年第三季度).
    period: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    published_by: Mapped[User] = relationship()
