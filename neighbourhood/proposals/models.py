"""Proposals (问计), their supports, and comments on resident content."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from neighbourhood.accounts.models import IllegalTransition, User
from neighbourhood.db import enum_type, utcnow
from neighbourhood.extensions import db
from neighbourhood.moderation.content import Hideable
from neighbourhood.needs.categories import Category
from neighbourhood.places.models import Compound


class ProposalStatus(enum.StrEnum):
    OPEN = "open"              # gathering support
    QUALIFIED = "qualified"    # reached the threshold: on the council agenda
    TO_BALLOT = "to_ballot"    # the council put it to a residents' ballot
    ADOPTED = "adopted"        # adopted within the council's authority
    MERGED = "merged"          # merged into another proposal
    REJECTED = "rejected"      # rejected with public reasons
    WITHDRAWN = "withdrawn"    # withdrawn by its author, with a reason


# Longest comment, in characters.
COMMENT_MAX = 2000

COUNCIL_OUTCOMES = (ProposalStatus.TO_BALLOT, ProposalStatus.ADOPTED, ProposalStatus.MERGED,
                    ProposalStatus.REJECTED)


class Proposal(Hideable, db.Model):
    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    # Limited Markdown as the author typed it; rendered through the sanitiser on display.
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[Category] = mapped_column(enum_type(Category))
    estimated_cost: Mapped[object | None] = mapped_column(Numeric(12, 2))
    status: Mapped[ProposalStatus] = mapped_column(enum_type(ProposalStatus), default=ProposalStatus.OPEN,
                                                   index=True)
    # Kept in step with proposal_supports (one row per supporter) for sorting and listing without counting.
    support_count: Mapped[int] = mapped_column(default=0)
    source_need_id: Mapped[int | None] = mapped_column(index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime | None] = mapped_column()
    qualified_at: Mapped[datetime | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column()
    # Public reasons: the author's when withdrawing, the council's when rejecting or merging.
    outcome_reason: Mapped[str] = mapped_column(Text, default="")

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    compound: Mapped[Compound] = relationship()
    merged_into: Mapped[Proposal | None] = relationship(remote_side=[id])

    @property
    def is_editable(self) -> bool:
        return self.status is ProposalStatus.OPEN and self.support_count == 0

    @property
    def is_on_agenda(self) -> bool:
        return self.status is ProposalStatus.QUALIFIED

    @property
    def is_decided(self) -> bool:
        return self.status in COUNCIL_OUTCOMES

    @property
    def is_settled(self) -> bool:
        return self.status in COUNCIL_OUTCOMES or self.status is ProposalStatus.WITHDRAWN

    def qualify(self, *, at: datetime) -> None:
        if self.status is not ProposalStatus.OPEN:
            raise IllegalTransition(f"cannot qualify a {self.status} proposal")
        self.status = ProposalStatus.QUALIFIED
        self.qualified_at = at

    def withdraw(self, *, reason: str, at: datetime) -> None:
        if self.status not in (ProposalStatus.OPEN, ProposalStatus.QUALIFIED):
            raise IllegalTransition(f"cannot withdraw a {self.status} proposal")
        self.status = ProposalStatus.WITHDRAWN
        self.outcome_reason = reason.strip()
        self.decided_at = at

    def settle(self, outcome: ProposalStatus, *, at: datetime, reason: str = "",
               merged_into: Proposal | None = None) -> None:
        """The council's decision on a proposal on its agenda."""
        if self.status is not ProposalStatus.QUALIFIED:
            raise IllegalTransition(f"cannot decide on a {self.status} proposal")
        if outcome not in COUNCIL_OUTCOMES:
            raise IllegalTransition(f"{outcome} is not a council outcome")
        if (outcome is ProposalStatus.MERGED) != (merged_into is not None) or merged_into is self:
            raise IllegalTransition("a merge names one other proposal, and only a merge does")
        self.status = outcome
        self.decided_at = at
        self.outcome_reason = reason.strip()
        self.merged_into = merged_into

    def settle_by_ballot(self, *, passed: bool, at: datetime) -> None:
        """The residents' (or owners') ballot the council called decides the proposal."""
        if self.status is not ProposalStatus.TO_BALLOT:
            raise IllegalTransition(f"a {self.status} proposal is not waiting for a ballot")
        self.status = ProposalStatus.ADOPTED if passed else ProposalStatus.REJECTED
        self.decided_at = at

    def return_to_agenda(self) -> None:
        """A supervisor's objection sends a decision back for the council to take again."""
        if self.status not in COUNCIL_OUTCOMES:
            raise IllegalTransition(f"a {self.status} proposal is not decided")
        self.status = ProposalStatus.QUALIFIED
        self.decided_at = None
        self.merged_into = None


class ProposalSupport(db.Model):
    __tablename__ = "proposal_supports"
    # One support per resident, enforced by the database so parallel clicks count once.
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Comment(Hideable, db.Model):
    """A comment on a proposal or a need (subject_type is its content kind); replies are one level deep."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_subject", "subject_type", "subject_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    subject_type: Mapped[str] = mapped_column(String(24))
    subject_id: Mapped[int] = mapped_column()
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column()

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None


def _may_see_hidden(user, *, compound_id: int, author_id: int | None) -> bool:
    """Supervisors and station staff of the place, and the author, still read hidden content."""
    from neighbourhood.accounts.permissions import is_station_staff, is_supervisor

    if user is None or not user.is_authenticated:
        return False
    if author_id is not None and user.id == author_id:
        return True
    compound = db.session.get(Compound, compound_id)
    return compound is not None and (is_supervisor(user, compound)
                                     or is_station_staff(user, compound.community_id))


def _comment_url(comment: Comment) -> str:
    from neighbourhood.moderation.content import kinds

    subject = kinds().get(comment.subject_type)
    base = f"/{comment.subject_type}s/{comment.subject_id}"
    if subject is not None:
        item = db.session.get(subject.model, comment.subject_id)
        if item is not None:
            base = subject.url(item)
    return f"{base}#comment-{comment.id}"


def _register_content_kinds() -> None:
    from neighbourhood.moderation import content

    content.register(
        "proposal", Proposal, url=lambda p: f"/proposals/{p.id}",
        can_see_hidden=lambda user, p: _may_see_hidden(user, compound_id=p.compound_id, author_id=p.author_id),
    )
    content.register(
        "comment", Comment, url=_comment_url,
        can_see_hidden=lambda user, c: _may_see_hidden(user, compound_id=c.compound_id, author_id=c.author_id),
    )


_register_content_kinds()
