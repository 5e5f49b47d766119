"""Needs (问需): what residents raise, who says "me too", and the public timeline of each need."""
from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from neighbourhood.accounts.models import IllegalTransition, User
from neighbourhood.db import enum_type, utcnow
from neighbourhood.extensions import db
from neighbourhood.moderation.content import Hideable
from neighbourhood.needs.categories import Category
from neighbourhood.places.models import Building, Compound
from neighbourhood.station.models import FourListEntry

TITLE_MAX = 80
DESCRIPTION_MAX = 2000
PLACE_MAX = 40
NOTE_MAX = 2000


class NeedStatus(enum.StrEnum):
    OPEN = "open"              # waiting for the council's triage
    RESOLVED = "resolved"      # dealt with directly (note, optional photo)
    REFERRED = "referred"      # handed to property management
    CONVERTED = "converted"    # became a proposal
    ESCALATED = "escalated"    # out of the compound's scope: with the station
    DECLINED = "declined"      # declined with a reason


# The outcomes the council chooses from at triage.
OUTCOMES = (NeedStatus.RESOLVED, NeedStatus.REFERRED, NeedStatus.CONVERTED, NeedStatus.ESCALATED,
            NeedStatus.DECLINED)
# How the station closes an escalated need.
STATION_OUTCOMES = (NeedStatus.RESOLVED, NeedStatus.DECLINED)
# Needs neighbours can still add "me too" to (and take it back from): someone is still working on them.
ACTIVE = (NeedStatus.OPEN, NeedStatus.REFERRED, NeedStatus.ESCALATED)


class EventKind(enum.StrEnum):
    RAISED = "raised"
    TRIAGED = "triaged"              # the council chose an outcome (status says which)
    STATION_REPLY = "station_reply"  # the station answered an escalated need
    CLOSED = "closed"                # the station closed an escalated need (status says how)
    OVERDUE = "overdue"              # flagged to council and station: waited too long for triage


def is_overdue(status: NeedStatus, created_at: datetime, limit_days: int, now: datetime) -> bool:
    """An OPEN need older than the compound's triage limit."""
    return status is NeedStatus.OPEN and now - created_at > timedelta(days=limit_days)


def overdue_cutoff(limit_days: int, now: datetime) -> datetime:
    """Needs raised before this moment are overdue while still OPEN."""
    return now - timedelta(days=limit_days)


class Need(Hideable, db.Model):
    __tablename__ = "needs"
    __table_args__ = (Index("ix_needs_compound_status_created", "compound_id", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text)
    # Where: a building of the compound, or a common area in the resident's words (东门, 地下车库, 中心花园).
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    place: Mapped[str] = mapped_column(String(PLACE_MAX), default="", server_default="")
    category: Mapped[Category] = mapped_column(enum_type(Category))
    status: Mapped[NeedStatus] = mapped_column(enum_type(NeedStatus), default=NeedStatus.OPEN)
    # Kept in step with need_supports by atomic UPDATEs, for sorting and listing without counting.
    me_too_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Triage: which of the community's four lists the matter falls under, who decided, when, and why.
    list_entry_id: Mapped[int | None] = mapped_column(ForeignKey("four_list_entries.id"))
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    triaged_at: Mapped[datetime | None] = mapped_column()
    triage_note: Mapped[str] = mapped_column(Text, default="")
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    # When the station closed an escalated need (RESOLVED or DECLINED by the station).
    closed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set once when council and station are told the need waited too long for triage.
    overdue_flagged_at: Mapped[datetime | None] = mapped_column()

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    triaged_by: Mapped[User | None] = relationship(foreign_keys=[triaged_by_id])
    compound: Mapped[Compound] = relationship()
    building: Mapped[Building | None] = relationship()
    list_entry: Mapped[FourListEntry | None] = relationship()

    @property
    def location(self) -> str:
        return self.building.name if self.building is not None else self.place

    @property
    def is_closed(self) -> bool:
        return self.status not in ACTIVE

    def overdue(self, limit_days: int, now: datetime | None = None) -> bool:
        return is_overdue(self.status, self.created_at, limit_days, now or utcnow())

    def triage(self, outcome: NeedStatus, *, by_id: int | None, at: datetime, note: str,
               list_entry_id: int | None) -> None:
        """The council's one decision on an OPEN need."""
        if self.status is not NeedStatus.OPEN:
            raise IllegalTransition(f"cannot triage a {self.status} need")
        if outcome not in OUTCOMES:
            raise IllegalTransition(f"{outcome} is not a triage outcome")
        self.status = outcome
        self.triaged_by_id = by_id
        self.triaged_at = at
        self.triage_note = note.strip()
        self.list_entry_id = list_entry_id

    def close_by_station(self, outcome: NeedStatus, *, at: datetime) -> None:
        """An escalated need stays with the station until it resolves or declines it."""
        if self.status is not NeedStatus.ESCALATED:
            raise IllegalTransition(f"the station closes escalated needs, not {self.status} ones")
        if outcome not in STATION_OUTCOMES:
            raise IllegalTransition(f"the station cannot close a need as {outcome}")
        self.status = outcome
        self.closed_at = at


class NeedSupport(db.Model):
    """One "me too" per resident, enforced by the database so parallel clicks count once."""

    __tablename__ = "need_supports"
    __table_args__ = (UniqueConstraint("need_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class NeedEvent(db.Model):
    """One line of a need's public timeline. Every change to a need appends one; none is ever changed."""

    __tablename__ = "need_events"
    __table_args__ = (Index("ix_need_events_need_at", "need_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"))
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"))
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind))
    # The need's status after this event.
    status: Mapped[NeedStatus] = mapped_column(enum_type(NeedStatus))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    list_entry_id: Mapped[int | None] = mapped_column(ForeignKey("four_list_entries.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()
    list_entry: Mapped[FourListEntry | None] = relationship()


def _may_see_hidden(user, need: Need) -> bool:
    """Its author, and supervisors and station staff of its place."""
    from neighbourhood.accounts.permissions import is_station_staff, is_supervisor

    if user is None or not user.is_authenticated:
        return False
    if need.author_id is not None and need.author_id == user.id:
        return True
    compound = need.compound if need.compound is not None else db.session.get(Compound, need.compound_id)
    return is_supervisor(user, compound) or is_station_staff(user, need.community_id)


def _register_content_kind() -> None:
    from neighbourhood.moderation import content

    content.register("need", Need, url=lambda need: f"/needs/{need.id}", can_see_hidden=_may_see_hidden)


_register_content_kind()
