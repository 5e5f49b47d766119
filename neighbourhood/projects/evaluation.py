"""问效于民: residents rate an accepted project; a poor average opens a rectification the station tracks."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from neighbourhood.projects.models import Project


def open_rating(session: Session, *, project: Project, now: datetime) -> None:
    """Acceptance opens the window in which the compound's residents rate the project."""
    project.rating_closes_at = now + timedelta(days=project.rating_window_days)


def on_page(session: Session, project: Project, user):
    return None
