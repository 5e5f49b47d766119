"""Who may do what with micro-projects, as pure predicates (also Jinja globals)."""
from __future__ import annotations

from neighbourhood.accounts.permissions import (
    can_view_personal_details, is_council_member, is_station_staff, is_supervisor,
)
from neighbourhood.projects import bid_permissions, evaluation_permissions, report_permissions
from neighbourhood.projects.models import LedgerEntry, Objection, ObjectionStatus, Project, ProjectStatus


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def can_read_projects(user) -> bool:
    """Every yuan is public: everyone signed in reads projects and their ledgers (private names masked)."""
    return _signed_in(user)


def can_see_counterparty_names(user, project: Project) -> bool:
    return can_view_personal_details(user, project.compound)


def can_create_project(user, compound) -> bool:
    return compound is not None and is_council_member(user, compound)


def can_run_project(user, project: Project) -> bool:
    """The council runs its projects: milestones, ledger entries, funding requests, completion."""
    return is_council_member(user, project.compound) and project.status is not ProjectStatus.CANCELLED


def can_decide_spending(user, entry: LedgerEntry) -> bool:
    return is_supervisor(user, entry.project.compound) and entry.entered_by_id != getattr(user, "id", None)


def can_object(user, project: Project) -> bool:
    return is_supervisor(user, project.compound)


def can_answer_objection(user, objection: Objection) -> bool:
    return objection.status is ObjectionStatus.OPEN and is_council_member(user, objection.project.compound)


def can_accept_answer(user, objection: Objection) -> bool:
    return objection.status is ObjectionStatus.ANSWERED and is_supervisor(user, objection.project.compound)


def can_rule_on(user, objection: Objection) -> bool:
    return objection.pauses_spending and is_station_staff(user, objection.project.community_id)


def can_accept_project(user, project: Project) -> bool:
    return (project.status is ProjectStatus.COMPLETED and is_supervisor(user, project.compound)
            and project.lead_id != getattr(user, "id", None))


def can_decide_funding(user, community_id: int) -> bool:
    return is_station_staff(user, community_id)


def can_set_fund(user, community_id: int) -> bool:
    return is_station_staff(user, community_id)


def can_see_oversight(user, compound) -> bool:
    return compound is not None and (is_supervisor(user, compound) or is_station_staff(user, compound.community_id))


PREDICATES = {
    "can_create_project": can_create_project,
    "can_run_project": can_run_project,
    "can_decide_spending": can_decide_spending,
    "can_object_to_project": can_object,
    "can_answer_objection": can_answer_objection,
    "can_accept_answer": can_accept_answer,
    "can_rule_on": can_rule_on,
    "can_accept_project": can_accept_project,
    "can_decide_funding": can_decide_funding,
    "can_set_fund": can_set_fund,
    "can_see_oversight": can_see_oversight,
    "can_see_counterparty_names": can_see_counterparty_names,
    **bid_permissions.PREDICATES,
    **evaluation_permissions.PREDICATES,
    **report_permissions.PREDICATES,
}
