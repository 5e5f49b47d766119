"""What moderators did (public, without the content) and what residents reported."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from neighbourhood.accounts.models import User
from neighbourhood.db import enum_type, utcnow
from neighbourhood.extensions import db


class ModerationKind(enum.StrEnum):
    HIDE = "hide"
    RESTORE = "restore"
    AUTO_HIDE = "auto_hide"    # reported by enough different residents: hidden pending the council's review
    DISMISS = "dismiss"        # the council reviewed reports and kept the content up


class ModerationAction(db.Model):
    """One line of the public moderation log. It names the kind and links to the content, never copies it."""

    __tablename__ = "moderation_actions"
    __table_args__ = (Index("ix_moderation_actions_compound_at", "compound_id", "at"),
                      Index("ix_moderation_actions_subject", "kind", "subject_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    kind: Mapped[str] = mapped_column(String(24))           # content kind: need, proposal, comment
    subject_id: Mapped[int] = mapped_column()
    action: Mapped[ModerationKind] = mapped_column(enum_type(ModerationKind))
    reason: Mapped[str | None] = mapped_column(String(24))  # a moderation.reasons.Reason value
    note: Mapped[str] = mapped_column(String(500), default="")
    # Where the content is read, stored at the time so the log links without loading the content.
    url: Mapped[str] = mapped_column(String(200), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()


class ContentReport(db.Model):
    """A resident's report of content; one per resident and piece of content."""

    __tablename__ = "content_reports"
    __table_args__ = (UniqueConstraint("reporter_id", "kind", "subject_id"),
                      Index("ix_content_reports_open", "compound_id", "resolved_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    subject_id: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the council decides on the content (hides or restores it): the report leaves the review queue.
    resolved_at: Mapped[datetime | None] = mapped_column()

    reporter: Mapped[User] = relationship()
