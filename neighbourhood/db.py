"""The declarative base with constraint names that migrations can rely on, and small query helpers."""
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import CheckConstraint, Enum as SAEnum, MetaData, update
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Naive UTC: SQLite and PostgreSQL `timestamp` columns both store it unchanged."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class DomainError(Exception):
    """A rule of the domain refused an action; the message is shown to the user (already translated)."""


def enum_type(enum_cls: type) -> SAEnum:
    """Store a StrEnum as its value in a VARCHAR, so adding a member needs no database type change."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


@dataclass
class Page:
    """One page of a list; `has_more` says whether a "more" link is due."""
    items: list
    page: int
    has_more: bool


def like_pattern(text: str) -> str:
    """A substring pattern for LIKE/ILIKE in which the user's % and _ mean themselves (escape char \\)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Places:
    """A time with a number of places (a volunteer shift, a service slot). `taken` moves only by the conditional
    UPDATEs below, and CHECKs keep it within the capacity, so parallel sign-ups or bookings never overfill it."""

    capacity: Mapped[int] = mapped_column()
    taken: Mapped[int] = mapped_column(default=0, server_default="0")

    @declared_attr.directive
    def __table_args__(cls):
        return (CheckConstraint("capacity > 0", name="capacity_positive"),
                CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
                CheckConstraint("ends_at > starts_at", name="ends_after_start"))

    @property
    def free(self) -> int:
        return self.capacity - self.taken


def take_place(session, model: type[Places], row_id: int, *conditions) -> bool:
    """Take one place if one is free (and `conditions` hold), in one statement: False when full."""
    taken = session.execute(update(model).where(model.id == row_id, model.taken < model.capacity, *conditions)
                            .values(taken=model.taken + 1).execution_options(synchronize_session=False))
    return taken.rowcount == 1


def give_back_places(session, model: type[Places], row_id: int, places: int = 1) -> None:
    """Give `places` back (a cancellation, a decline); never below zero."""
    session.execute(update(model).where(model.id == row_id, model.taken >= places)
                    .values(taken=model.taken - places).execution_options(synchronize_session=False))
