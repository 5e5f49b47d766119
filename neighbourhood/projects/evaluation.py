"""问效于民: residents rate an accepted project; a poor average opens a rectification the station tracks."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from neighbourhood.projects.models import Project, ProjectRating

# An average below this flags the project to the station for rectification (评议整改).
FLAG_BELOW = Decimal("3.0")
TENTH = Decimal("0.1")


def open_rating(session: Session, *, project: Project, now: datetime) -> None:
    """Acceptance opens the window in which the compound's residents rate the project."""
    project.rating_closes_at = now + timedelta(days=project.rating_window_days)


def average(total: int, count: int) -> Decimal | None:
    """The mean score to one decimal, rounded half up (2.95 → 3.0); None when nobody has rated."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(TENTH, ROUND_HALF_UP)


def averages(session: Session, project_ids: list[int]) -> dict[int, tuple[Decimal | None, int]]:
    """(average, number of ratings) per project, in one query; (None, 0) for a project nobody rated."""
    found: dict[int, tuple[Decimal | None, int]] = {pid: (None, 0) for pid in project_ids}
    if not project_ids:
        return found
    rows = session.execute(
        select(ProjectRating.project_id, func.sum(ProjectRating.score), func.count())
        .where(ProjectRating.project_id.in_(project_ids)).group_by(ProjectRating.project_id))
    for project_id, total, count in rows:
        found[project_id] = (average(int(total), count), count)
    return found


def on_page(session: Session, project: Project, user):
    return None
