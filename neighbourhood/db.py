"""The declarative base with constraint names that migrations can rely on, and small query helpers."""
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Enum as SAEnum, MetaData
from sqlalchemy.orm import DeclarativeBase

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
