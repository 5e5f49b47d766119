"""Photos attached to content. Files live under UPLOAD_DIR with random names; rows say whose they are."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from neighbourhood.db import utcnow
from neighbourhood.extensions import db


class Photo(db.Model):
    __tablename__ = "photos"
    __table_args__ = (Index("ix_photos_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random file name (token + ".jpg"): unguessable, and nothing the uploader chose.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A content kind from moderation.content ("need", "proposal", ...) or another owner ("need_resolution").
    subject_type: Mapped[str] = mapped_column(String(24))
    subject_id: Mapped[int] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    size_bytes: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def filename(self) -> str:
        return f"{self.token}.jpg"
