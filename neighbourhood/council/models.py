"""Council meetings, who attended, the decisions taken on proposals, and supervisors' opinions on them.

The outcome itself lives on the Proposal (`proposal.settle`), which every page about the proposal shows; a
Decision keeps what only the council's record needs: the meeting, the vote count, and whether a supervisor's
objection sent it back to the agenda."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from neighbourhood.accounts.models import IllegalTransition, User
from neighbourhood.db import enum_type, utcnow
from neighbourhood.extensions import db
from neighbourhood.places.models import Compound
from neighbourhood.proposals.models import COUNCIL_OUTCOMES, Proposal, ProposalStatus


class Meeting(db.Model):
    """One sitting of a compound's council (居民议事会), recorded afterwards by a council member."""

    __tablename__ = "council_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(120))
    minutes: Mapped[str] = mapped_column(Text, default="")
    # The roster and rule as they stood for this meeting, so the record explains itself later.
    council_size: Mapped[int] = mapped_column()
    present_count: Mapped[int] = mapped_column()
    quorum_percent: Mapped[int] = mapped_column()
    quorum_needed: Mapped[int] = mapped_column()
    is_quorate: Mapped[bool] = mapped_column()
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    compound: Mapped[Compound] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    attendances: Mapped[list[Attendance]] = relationship(back_populates="meeting", order_by="Attendance.id")
    decisions: Mapped[list[Decision]] = relationship(back_populates="meeting", order_by="Decision.id")


class Capacity(enum.StrEnum):
    MEMBER = "member"          # a council member: counts for quorum and votes
    SUPERVISOR = "supervisor"  # a supervisory committee member: a voice, no vote, never counted


class Attendance(db.Model):
    __tablename__ = "council_attendances"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    capacity: Mapped[Capacity] = mapped_column(enum_type(Capacity))

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    user: Mapped[User] = relationship()


class Decision(db.Model):
    """The council's decision on one proposal at one meeting, with its own vote count.

    A "to ballot" decision waits for the voting domain: `outcome == TO_BALLOT and ballot_id is None`."""

    __tablename__ = "council_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    outcome: Mapped[ProposalStatus] = mapped_column(enum_type(ProposalStatus), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    # Public reasons (required for reject and merge); the same text is stored on the proposal.
    reason: Mapped[str] = mapped_column(Text, default="")
    votes_for: Mapped[int] = mapped_column()
    votes_against: Mapped[int] = mapped_column(default=0)
    votes_abstain: Mapped[int] = mapped_column(default=0)
    # Set by the voting domain when it opens the residents' ballot for a "to ballot" decision.
    ballot_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A supervisor's objection sends the proposal back to the agenda; the decision stays on record.
    returned_at: Mapped[datetime | None] = mapped_column()
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")
    proposal: Mapped[Proposal] = relationship(foreign_keys=[proposal_id])
    merged_into: Mapped[Proposal | None] = relationship(foreign_keys=[merged_into_id])
    returned_by: Mapped[User | None] = relationship(foreign_keys=[returned_by_id])
    opinions: Mapped[list[Opinion]] = relationship(back_populates="decision", order_by="Opinion.id")

    def __init__(self, **fields):
        super().__init__(**fields)
        if self.outcome not in COUNCIL_OUTCOMES:
            raise IllegalTransition(f"{self.outcome} is not a council outcome")

    @property
    def is_returned(self) -> bool:
        return self.returned_at is not None

    @property
    def awaits_ballot(self) -> bool:
        return self.outcome is ProposalStatus.TO_BALLOT and self.ballot_id is None and not self.is_returned

    @property
    def can_be_returned(self) -> bool:
        """Standing decisions can be objected to until the residents' ballot they led to exists."""
        return not self.is_returned and self.ballot_id is None

    def return_by_objection(self, *, by: User, at: datetime) -> None:
        if self.is_returned:
            raise IllegalTransition("this decision was already returned to the agenda")
        if self.ballot_id is not None:
            raise IllegalTransition("this decision has become a residents' ballot")
        self.returned_at = at
        self.returned_by = by


class Opinion(db.Model):
    """A supervisor's opinion on a decision (监委会: a voice, no vote); an objection returns the decision."""

    __tablename__ = "council_opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("council_decisions.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    is_objection: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    decision: Mapped[Decision] = relationship(back_populates="opinions")
    author: Mapped[User | None] = relationship()
