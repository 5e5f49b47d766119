"""What every piece of resident content shares so moderation can hide it, and a registry of content kinds.

Needs, proposals and comments each register their model under a kind ("need", "proposal", "comment");
moderation, reports and notifications then refer to content as (kind, id) without importing the domains."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class Hideable:
    """Hidden content stays in the database and stays visible, with its reason, to supervisors and station staff."""

    hidden_at: Mapped[datetime | None] = mapped_column()
    # One of moderation.reasons (a fixed list) plus the moderator's own words.
    hidden_reason: Mapped[str | None] = mapped_column(String(24))
    hidden_note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # True while hidden automatically by residents' reports, until the council reviews it (keeps or restores).
    hidden_by_reports: Mapped[bool] = mapped_column(default=False, server_default=false())

    @declared_attr
    def hidden_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


@dataclass(frozen=True)
class ContentKind:
    kind: str
    model: type
    # Where the content is seen, for links from notifications and the moderation log.
    url: Callable[[object], str]
    # Who may still read it while it is hidden (supervisors and station staff of its place, its author).
    can_see_hidden: Callable[[object, object], bool]


_KINDS: dict[str, ContentKind] = {}


def register(kind: str, model: type, url: Callable[[object], str],
             can_see_hidden: Callable[[object, object], bool]) -> None:
    _KINDS[kind] = ContentKind(kind, model, url, can_see_hidden)


def kind_of(kind: str) -> ContentKind:
    return _KINDS[kind]


def kinds() -> dict[str, ContentKind]:
    return dict(_KINDS)


def may_see(user, kind: str, subject_id: int) -> bool:
    """Anyone may see visible content (and photos of things that are not content, like a resolution note);
    hidden content only those its registered `can_see_hidden` allows."""
    entry = _KINDS.get(kind)
    if entry is None:
        return True
    from neighbourhood.extensions import db

    item = db.session.get(entry.model, subject_id)
    if item is None:
        return False
    return not item.is_hidden or entry.can_see_hidden(user, item)
