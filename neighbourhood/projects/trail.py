"""What every project verb writes: the project's address for notices, and its audit entry (in the same
transaction). A module of its own so services, bids and evaluation share it without importing each other."""
from __future__ import annotations

from sqlalchemy.orm import Session

from neighbourhood.audit import services as audit
from neighbourhood.projects.models import Project


def project_url(project: Project) -> str:
    return f"/projects/{project.id}"


def record(session: Session, project: Project, by, action: str, data: dict | None = None, subject=None) -> None:
    audit.record(session, actor=by, action=action, subject=subject or project, compound_id=project.compound_id,
                 community_id=project.community_id, data={"project": project.id, **(data or {})})
