"""Implementers' bids on a project and the choice between them."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from neighbourhood.projects.models import Bid, Project


def on_page(session: Session, project: Project) -> list[Bid]:
    return list(session.scalars(select(Bid).where(Bid.project_id == project.id).order_by(Bid.submitted_at, Bid.id)))
