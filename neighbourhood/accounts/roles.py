"""Assigning and ending roles per place, with the rules the reform sets on who may hold them."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from neighbourhood.accounts.models import (
    COUNCIL_ROLES,
    Role,
    RoleAssignment,
    User,
)
from neighbourhood.accounts.permissions import is_verified_in
from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError, utcnow
from neighbourhood.places.models import Community, Compound

# Council and supervisory committee members are residents elected from the compound.
RESIDENT_ONLY_ROLES = COUNCIL_ROLES | {Role.SUPERVISOR}

# Roles the platform ends by itself store one of these codes as the reason; people read the label.
ACCOUNT_DELETED = "account deleted"
LEFT_COMPOUND = "left the compound"
_SYSTEM_END_REASONS = {
    ACCOUNT_DELETED: _l("The account was deleted."),
    LEFT_COMPOUND: _l("No longer a verified resident of this compound."),
}


def end_reason_label(reason: str | None) -> str:
    return str(_SYSTEM_END_REASONS.get(reason, reason or ""))


def _overlaps(a: RoleAssignment, start: date, end: date | None) -> bool:
    a_end = a.term_end or date.max
    return a.ended_at is None and a.term_start <= (end or date.max) and start <= a_end


def assign_compound_role(
    session: Session, *, compound: Compound, user: User, role: Role, term_start: date,
    term_end: date | None, by: User,
) -> RoleAssignment:
    if role not in (Role.COUNCIL_MEMBER, Role.COUNCIL_CONVENER, Role.SUPERVISOR,
                    Role.ENTERPRISE_OPERATOR):
        raise DomainError(_l("This role is not held in a compound."))
    if term_end is not None and term_end < term_start:
        raise DomainError(_l("The term cannot end before it starts."))
    if role in RESIDENT_ONLY_ROLES and not is_verified_in(user, compound):
        raise DomainError(_l("Only a verified resident of this compound can hold this role."))
    current = [a for a in user.role_assignments
               if a.compound_id == compound.id and _overlaps(a, term_start, term_end)]
    if any(a.role is role for a in current):
        raise DomainError(_l("This person already holds this role for that term."))
    # The supervisory committee checks the council, so nobody sits on both (DESIGN §8).
    held = {a.role for a in current}
    if role is Role.SUPERVISOR and held & COUNCIL_ROLES or \
            role in COUNCIL_ROLES and Role.SUPERVISOR in held:
        raise DomainError(_l("A supervisor cannot also sit on the council of the same compound."))
    assignment = RoleAssignment(
        user=user, role=role, compound_id=compound.id, community_id=compound.community_id,
        term_start=term_start, term_end=term_end, assigned_by_id=by.id,
    )
    session.add(assignment)
    session.flush()
    audit.record(
        session, actor=by, action="role.assigned", subject=assignment,
        community_id=compound.community_id, compound_id=compound.id,
        data={"user_id": user.id, "role": role.value, "term_start": term_start.isoformat(),
              "term_end": term_end.isoformat() if term_end else None},
    )
    return assignment


def assign_station_staff(
    session: Session, *, community: Community, user: User, term_start: date,
    term_end: date | None, by: User | None,
) -> RoleAssignment:
    if term_end is not None and term_end < term_start:
        raise DomainError(_l("The term cannot end before it starts."))
    if any(a.role is Role.STATION_STAFF and a.community_id == community.id
           and a.compound_id is None and _overlaps(a, term_start, term_end)
           for a in user.role_assignments):
        raise DomainError(_l("This person already holds this role for that term."))
    assignment = RoleAssignment(
        user=user, role=Role.STATION_STAFF, community_id=community.id,
        term_start=term_start, term_end=term_end, assigned_by_id=getattr(by, "id", None),
    )
    session.add(assignment)
    session.flush()
    audit.record(
        session, actor=by, action="role.assigned", subject=assignment, community_id=community.id,
        data={"user_id": user.id, "role": Role.STATION_STAFF.value,
              "term_start": term_start.isoformat(),
              "term_end": term_end.isoformat() if term_end else None},
    )
    return assignment


def grant_admin(session: Session, *, user: User, by: User | None) -> RoleAssignment:
    assignment = RoleAssignment(user=user, role=Role.ADMIN, term_start=date.today(),
                                assigned_by_id=getattr(by, "id", None))
    session.add(assignment)
    session.flush()
    audit.record(session, actor=by, action="role.assigned", subject=assignment,
                 data={"user_id": user.id, "role": Role.ADMIN.value})
    return assignment


def end_role(session: Session, *, assignment: RoleAssignment, by: User, reason: str) -> None:
    if not reason.strip():
        raise DomainError(_l("Say why the role ends."))
    assignment.end_early(at=utcnow(), reason=reason)
    audit.record(
        session, actor=by, action="role.ended", subject=assignment,
        community_id=assignment.community_id, compound_id=assignment.compound_id,
        data={"user_id": assignment.user_id, "role": assignment.role.value,
              "reason": assignment.end_reason},
    )


def end_roles_of_former_resident(session: Session, *, user: User, compound: Compound, by: User) -> None:
    """Council and supervisory seats belong to residents: leaving one's last household here ends them."""
    if is_verified_in(user, compound):
        return
    for assignment in user.role_assignments:
        if assignment.compound_id == compound.id and assignment.ended_at is None \
                and assignment.role in RESIDENT_ONLY_ROLES:
            end_role(session, assignment=assignment, by=by, reason=LEFT_COMPOUND)


def compound_roles(session: Session, *, compound: Compound) -> list[RoleAssignment]:
    return list(session.scalars(
        select(RoleAssignment)
        .where(RoleAssignment.compound_id == compound.id)
        .options(joinedload(RoleAssignment.user))
        .order_by(RoleAssignment.ended_at.is_not(None), RoleAssignment.role, RoleAssignment.term_start)
    ))


def community_staff(session: Session, *, community: Community) -> list[RoleAssignment]:
    return list(session.scalars(
        select(RoleAssignment)
        .where(RoleAssignment.community_id == community.id, RoleAssignment.compound_id.is_(None),
               RoleAssignment.role == Role.STATION_STAFF)
        .options(joinedload(RoleAssignment.user))
        .order_by(RoleAssignment.ended_at.is_not(None), RoleAssignment.term_start)
    ))
