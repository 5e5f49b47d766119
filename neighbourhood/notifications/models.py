"""A resident's inbox and how they want to hear about each kind of event."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from neighbourhood.db import enum_type, utcnow
from neighbourhood.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    compound_id: Mapped[int | None] = mapped_column(ForeignKey("compounds.id"))
    # A key of notifications.kinds.KINDS: the message is rendered in the reader's language when shown.
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column()
    # When an SMS (immediate or digest) carried it; None while it waits or when the resident wants inbox only.
    sms_sent_at: Mapped[datetime | None] = mapped_column()


class Channel(enum.StrEnum):
    INBOX = "inbox"
    SMS = "sms"


class Timing(enum.StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"


class NotificationPreference(db.Model):
    """Absent row = the default: inbox, daily digest."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[Channel] = mapped_column(enum_type(Channel), default=Channel.INBOX)
    timing: Mapped[Timing] = mapped_column(enum_type(Timing), default=Timing.DIGEST)
