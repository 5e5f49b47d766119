"""Ballots, their frozen rolls, who took part, and the ballot box.

Who voted (`Participation`) and what was chosen (`Vote`) are separate tables. In public ballots a vote names its
elector; otherwise it carries only a keyed hash (`link`) that the application — holding the secret key — can
recompute to replace a changed vote or void a paper ballot, and that a copy of the database alone cannot
connect to anyone."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from neighbourhood.accounts.models import IllegalTransition, User
from neighbourhood.db import enum_type, utcnow
from neighbourhood.extensions import db
from neighbourhood.places.models import Compound
from neighbourhood.voting import methods
from neighbourhood.voting.statutory import matter_for_item


class BallotStatus(enum.StrEnum):
    DRAFT = "draft"            # the convenor is still setting it up; only managers see it
    SCHEDULED = "scheduled"    # setup fixed, announced as upcoming, opens at opens_at
    OPEN = "open"              # the roll is frozen and votes are taken
    CLOSED = "closed"          # counted, result signed and published
    CANCELLED = "cancelled"


class ElectorateKind(enum.StrEnum):
    RESIDENTS = "residents"    # each verified adult resident
    HOUSEHOLDS = "households"  # one vote per household: the first cast by a verified adult member counts
    OWNERS = "owners"          # the owners' roll (interpretation Art. 9 headcount, summed areas)


class Secrecy(enum.StrEnum):
    PUBLIC = "public"          # names with choices are published
    ANONYMOUS = "anonymous"    # choices apart from the who-voted list; a vote cannot be changed
    SECRET = "secret"          # choices apart; a vote can be changed until close; receipts published without choices


class ResultsVisibility(enum.StrEnum):
    AFTER_CLOSE = "after_close"
    LIVE = "live"


class Channel(enum.StrEnum):
    ONLINE = "online"
    PAPER = "paper"            # a signed paper ballot keyed in by the convenor, with its photo
    PROXY = "proxy"            # a written proxy voted for the owner, keyed in by the convenor, with its photo


class Ballot(db.Model):
    __tablename__ = "ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(String(24))
    electorate: Mapped[ElectorateKind] = mapped_column(enum_type(ElectorateKind))
    secrecy: Mapped[Secrecy] = mapped_column(enum_type(Secrecy))
    results_visibility: Mapped[ResultsVisibility] = mapped_column(enum_type(ResultsVisibility))
    # Statutory owners' decisions: the Civil Code Art. 278 item (1–9), which fixes the approval threshold.
    statutory_item: Mapped[int | None] = mapped_column()
    max_choices: Mapped[int | None] = mapped_column()
    seats: Mapped[int] = mapped_column(default=1, server_default="1")
    pass_rule: Mapped[str] = mapped_column(String(12), default="cast", server_default="cast")
    quorum_percent: Mapped[int | None] = mapped_column()
    budget: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    min_spend_percent: Mapped[int | None] = mapped_column()

    status: Mapped[BallotStatus] = mapped_column(enum_type(BallotStatus), default=BallotStatus.DRAFT,
                                                 index=True)
    opens_at: Mapped[datetime | None] = mapped_column()
    closes_at: Mapped[datetime | None] = mapped_column(index=True)
    # The closing time before its one extension, and the public notice that announced the extension.
    original_closes_at: Mapped[datetime | None] = mapped_column()
    extension_notice: Mapped[str] = mapped_column(Text, default="", server_default="")
    opened_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    reminded_at: Mapped[datetime | None] = mapped_column()

    # Frozen when the ballot opens: SHA-256 over the roll, its size and (owners) its total area.
    roll_hash: Mapped[str | None] = mapped_column(String(64))
    roll_size: Mapped[int | None] = mapped_column()
    roll_area: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # Written once at close: the count, SHA-256 over the counted ballots, and the signed result record.
    result: Mapped[dict | None] = mapped_column(JSON)
    ballots_hash: Mapped[str | None] = mapped_column(String(64))
    result_record: Mapped[str | None] = mapped_column(Text)
    result_signature: Mapped[str | None] = mapped_column(String(128))

    # Where it came from: a council "to ballot" decision on a proposal, or an election's run-off.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("council_decisions.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), index=True)
    runoff_of_id: Mapped[int | None] = mapped_column(ForeignKey("ballots.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    compound: Mapped[Compound] = relationship()
    created_by: Mapped[User | None] = relationship()
    options: Mapped[list[BallotOption]] = relationship(
        back_populates="ballot", order_by="BallotOption.position", cascade="all, delete-orphan")

    @property
    def is_statutory(self) -> bool:
        return self.method == "statutory"

    @property
    def matter(self) -> str | None:
        return matter_for_item(self.statutory_item) if self.statutory_item else None

    @property
    def is_open(self) -> bool:
        return self.status is BallotStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status is BallotStatus.CLOSED

    @property
    def is_editable(self) -> bool:
        return self.status is BallotStatus.DRAFT

    @property
    def allows_changes(self) -> bool:
        return self.secrecy is not Secrecy.ANONYMOUS

    @property
    def was_extended(self) -> bool:
        return self.original_closes_at is not None

    @property
    def results_public(self) -> bool:
        """Counts are shown live only when that was chosen before opening; otherwise after close, to everyone
        alike — council and station included."""
        return self.is_closed or (self.is_open and self.results_visibility is ResultsVisibility.LIVE)

    def tally_method(self) -> methods.Method:
        return methods.get(self.method)

    def setup(self) -> methods.Setup:
        return methods.Setup(
            options=tuple(methods.Option(o.key, o.label, o.cost) for o in self.options),
            max_choices=self.max_choices, seats=self.seats, pass_rule=self.pass_rule,
            quorum_percent=self.quorum_percent, budget=self.budget,
            min_spend_percent=self.min_spend_percent, matter=self.matter,
        )

    def schedule(self) -> None:
        if self.status is not BallotStatus.DRAFT:
            raise IllegalTransition(f"cannot schedule a {self.status} ballot")
        self.status = BallotStatus.SCHEDULED

    def unschedule(self) -> None:
        if self.status is not BallotStatus.SCHEDULED:
            raise IllegalTransition(f"cannot return a {self.status} ballot to draft")
        self.status = BallotStatus.DRAFT

    def open(self, *, at: datetime) -> None:
        if self.status not in (BallotStatus.DRAFT, BallotStatus.SCHEDULED):
            raise IllegalTransition(f"cannot open a {self.status} ballot")
        self.status = BallotStatus.OPEN
        self.opened_at = at
        self.opens_at = self.opens_at if self.opens_at and self.opens_at <= at else at

    def extend(self, *, until: datetime, notice: str) -> None:
        if self.status is not BallotStatus.OPEN:
            raise IllegalTransition(f"cannot extend a {self.status} ballot")
        if self.was_extended:
            raise IllegalTransition("a ballot's closing time can be extended once")
        if until <= self.closes_at:
            raise IllegalTransition("an extension moves the closing time later")
        self.original_closes_at = self.closes_at
        self.closes_at = until
        self.extension_notice = notice.strip()

    def close(self, *, at: datetime, early: bool = False) -> None:
        if self.status is not BallotStatus.OPEN:
            raise IllegalTransition(f"cannot close a {self.status} ballot")
        if early and self.is_statutory:
            raise IllegalTransition("a statutory owners' ballot cannot close early")
        self.status = BallotStatus.CLOSED
        self.closed_at = at

    def cancel(self, *, at: datetime, reason: str) -> None:
        if self.status not in (BallotStatus.DRAFT, BallotStatus.SCHEDULED):
            raise IllegalTransition("only a ballot that has not opened can be cancelled")
        self.status = BallotStatus.CANCELLED
        self.cancelled_at = at
        self.cancel_reason = reason.strip()


class BallotOption(db.Model):
    __tablename__ = "ballot_options"
    __table_args__ = (UniqueConstraint("ballot_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    key: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # Participatory budget: the project's cost in yuan.
    cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    position: Mapped[int] = mapped_column()
    # A budget project may come from a proposal.
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ballot: Mapped[Ballot] = relationship(back_populates="options")


class Elector(db.Model):
    """One entry of a frozen roll: a resident, a household, or an owner (with summed area)."""

    __tablename__ = "ballot_electors"
    __table_args__ = (UniqueConstraint("ballot_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    # "u:<user id>", "h:<household id>", or "developer" (all developer-held parts as one owner).
    key: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    # What the roll shows for this elector: the unit labels (owners, households) — never a phone number.
    label: Mapped[str] = mapped_column(String(400), default="")
    area: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    unit_count: Mapped[int] = mapped_column(default=1)


class ElectorVoter(db.Model):
    """Who may cast the elector's ballot online: the resident; a household's verified adults; an owner's
    verified owners (co-owners choose among themselves: the first ballot stands)."""

    __tablename__ = "ballot_elector_voters"
    __table_args__ = (
        UniqueConstraint("elector_id", "user_id"),
        Index("ix_ballot_elector_voters_ballot_user", "ballot_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"))
    elector_id: Mapped[int] = mapped_column(ForeignKey("ballot_electors.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    elector: Mapped[Elector] = relationship()


class Participation(db.Model):
    """The who-voted list: one standing row per elector (a void ends it, with a reason)."""

    __tablename__ = "ballot_participations"
    __table_args__ = (
        Index("uq_ballot_participations_standing", "ballot_id", "elector_id", unique=True,
              sqlite_where=db.text("voided_at IS NULL"), postgresql_where=db.text("voided_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    elector_id: Mapped[int] = mapped_column(ForeignKey("ballot_electors.id"), index=True)
    # Who cast it online; for paper ballots and proxies, the convenor who keyed it in is recorded_by.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel), default=Channel.ONLINE)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proxy_name: Mapped[str] = mapped_column(String(40), default="", server_default="")
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime | None] = mapped_column()
    # The receipt code, encrypted with a key derived from the app's secret, so the voter finds it again.
    receipt_sealed: Mapped[str] = mapped_column(Text)
    voided_at: Mapped[datetime | None] = mapped_column()
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    elector: Mapped[Elector] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    ballot: Mapped[Ballot] = relationship()

    @property
    def is_standing(self) -> bool:
        return self.voided_at is None


class Vote(db.Model):
    """The ballot box. The id is random, and votes carry no time, so their order says nothing about voters."""

    __tablename__ = "ballot_votes"
    __table_args__ = (
        UniqueConstraint("ballot_id", "receipt"),
        UniqueConstraint("ballot_id", "link"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), index=True)
    choice: Mapped[object] = mapped_column(JSON)
    # The owner's area in owners' ballots; 1 otherwise.
    weight: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(1))
    receipt: Mapped[str] = mapped_column(String(20))
    # Public ballots only: whose vote this is.
    elector_id: Mapped[int | None] = mapped_column(ForeignKey("ballot_electors.id"))
    # Other ballots: HMAC(secret key, ballot, elector), to replace or void this vote without storing who cast it.
    link: Mapped[str | None] = mapped_column(String(64))
    # False once voided (a paper ballot or an online one the convenor set aside, with its reason on record).
    counted: Mapped[bool] = mapped_column(default=True, server_default=true())
