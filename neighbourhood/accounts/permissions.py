"""Who may do what, as pure predicates over the user's roles and memberships.

Roles are data: a RoleAssignment in a place for a term. Every view and template asks these functions;
nothing else looks at roles directly."""
from __future__ import annotations

from datetime import date
from typing import Iterable

from neighbourhood.accounts.models import (
    COUNCIL_ROLES,
    HouseholdMembership,
    MembershipStatus,
    Role,
    RoleAssignment,
)
from neighbourhood.places.models import Community, Compound


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def active_roles(user, today: date | None = None) -> list[RoleAssignment]:
    if not _signed_in(user):
        return []
    today = today or date.today()
    return [r for r in user.role_assignments if r.is_active(today)]


def _holds(user, roles: Iterable[Role], *, compound_id=None, community_id=None) -> bool:
    wanted = set(roles)
    for assignment in active_roles(user):
        if assignment.role not in wanted:
            continue
        if compound_id is not None and assignment.compound_id == compound_id:
            return True
        if community_id is not None and assignment.community_id == community_id \
                and assignment.compound_id is None:
            return True
    return False


def is_admin(user) -> bool:
    return any(r.role is Role.ADMIN for r in active_roles(user))


def is_station_staff(user, community: Community | int) -> bool:
    community_id = community if isinstance(community, int) else community.id
    return is_admin(user) or _holds(user, [Role.STATION_STAFF], community_id=community_id)


def is_council_member(user, compound: Compound) -> bool:
    return _holds(user, COUNCIL_ROLES, compound_id=compound.id)


def is_convener(user, compound: Compound) -> bool:
    return _holds(user, [Role.COUNCIL_CONVENER], compound_id=compound.id)


def is_supervisor(user, compound: Compound) -> bool:
    return _holds(user, [Role.SUPERVISOR], compound_id=compound.id)


def is_verified_in(user, compound: Compound) -> bool:
    return _signed_in(user) and any(
        m.compound_id == compound.id for m in user.verified_memberships
    )


def is_owner_in(user, compound: Compound) -> bool:
    return _signed_in(user) and any(
        m.compound_id == compound.id and m.relation == "owner" for m in user.verified_memberships
    )


def can_take_part(user, compound: Compound) -> bool:
    """Posting, supporting, voting: only verified residents. Everyone signed in may read."""
    return is_verified_in(user, compound)


def can_use_station(user) -> bool:
    return any(r.role in (Role.STATION_STAFF, Role.ADMIN) for r in active_roles(user))


def can_manage_places(user, community: Community | int) -> bool:
    return is_station_staff(user, community)


def can_manage_compound(user, compound: Compound) -> bool:
    return is_station_staff(user, compound.community_id)


def can_create_community(user) -> bool:
    return is_admin(user)


def can_assign_station_staff(user, community: Community) -> bool:
    return is_admin(user)


def can_assign_roles(user, compound: Compound) -> bool:
    return is_station_staff(user, compound.community_id)


def can_review_memberships(user, compound: Compound) -> bool:
    return is_council_member(user, compound) or is_station_staff(user, compound.community_id)


def can_decide_membership(user, membership: HouseholdMembership) -> bool:
    return membership.status is MembershipStatus.PENDING and can_review_memberships(
        user, membership.compound
    )


def can_view_personal_details(user, compound: Compound) -> bool:
    """Real names and phone numbers: council, supervisors and station staff of that place only."""
    return (
        is_council_member(user, compound)
        or is_supervisor(user, compound)
        or is_station_staff(user, compound.community_id)
    )


def can_verify_audit(user) -> bool:
    return is_admin(user) or any(
        r.role in (Role.SUPERVISOR, Role.STATION_STAFF) for r in active_roles(user)
    )


def can_withdraw_membership(user, membership: HouseholdMembership) -> bool:
    return (
        _signed_in(user)
        and membership.user_id == user.id
        and membership.status in (MembershipStatus.PENDING, MembershipStatus.VERIFIED)
    )


def compounds_of(user) -> list[Compound]:
    """The compounds a user belongs to or serves, for choosing what home shows."""
    if not _signed_in(user):
        return []
    seen: dict[int, Compound] = {}
    for membership in user.verified_memberships:
        seen.setdefault(membership.compound_id, membership.compound)
    for assignment in active_roles(user):
        if assignment.compound is not None:
            seen.setdefault(assignment.compound_id, assignment.compound)
        elif assignment.role is Role.STATION_STAFF and assignment.community is not None:
            for compound in assignment.community.compounds:
                seen.setdefault(compound.id, compound)
    return list(seen.values())


PREDICATES = {
    name: value for name, value in dict(globals()).items()
    if name.startswith(("can_", "is_")) and callable(value)
}
