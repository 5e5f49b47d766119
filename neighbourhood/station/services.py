"""The station's verbs: keeping the four lists, and finding the people the station and councils are."""
from __future__ import annotations

from datetime import date
from typing import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from neighbourhood.accounts.models import COUNCIL_ROLES, Role, RoleAssignment, User
from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError, utcnow
from neighbourhood.places.models import Community
from neighbourhood.station.models import FourListEntry, ListKind

NAME_MAX = 80
DESCRIPTION_MAX = 1000


# --- the four lists --------------------------------------------------------------------------------------

def list_entries(session: Session, *, community_id: int, active_only: bool = False) -> list[FourListEntry]:
    """A community's entries, list by list, in the station's order (one query)."""
    statement = select(FourListEntry).where(FourListEntry.community_id == community_id)
    if active_only:
        statement = statement.where(FourListEntry.active.is_(True))
    kinds = list(ListKind)
    entries = list(session.scalars(statement.order_by(FourListEntry.sort_order, FourListEntry.id)))
    return sorted(entries, key=lambda e: kinds.index(e.kind))


def entries_by_kind(entries: Iterable[FourListEntry]) -> dict[ListKind, list[FourListEntry]]:
    grouped: dict[ListKind, list[FourListEntry]] = {kind: [] for kind in ListKind}
    for entry in entries:
        grouped[entry.kind].append(entry)
    return grouped


def _clean(kind, name: str, description: str) -> tuple[ListKind, str, str]:
    try:
        kind = ListKind(kind)
    except ValueError:
        raise DomainError(_l("Choose one of the four lists.")) from None
    name = " ".join((name or "").split())
    description = (description or "").strip()
    if not name:
        raise DomainError(_l("Give the entry a name."))
    if len(name) > NAME_MAX:
        raise DomainError(_l("Keep the name under %(n)s characters.", n=NAME_MAX))
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(_l("Keep the description under %(n)s characters.", n=DESCRIPTION_MAX))
    return kind, name, description


def add_list_entry(session: Session, *, community: Community, by, kind, name: str, description: str = "",
                   sort_order: int | None = None) -> FourListEntry:
    kind, name, description = _clean(kind, name, description)
    if sort_order is None:
        sort_order = len([e for e in list_entries(session, community_id=community.id) if e.kind is kind]) * 10
    entry = FourListEntry(community_id=community.id, kind=kind, name=name, description=description,
                          sort_order=sort_order, active=True)
    session.add(entry)
    session.flush()
    audit.record(session, actor=by, action="four_list.entry_added", subject=entry, community_id=community.id,
                 data={"kind": kind.value, "name": name})
    return entry


def update_list_entry(session: Session, *, entry: FourListEntry, by, kind, name: str, description: str,
                      sort_order: int | None, active: bool) -> dict:
    """Change an entry (deactivating it keeps it for the needs already classified under it). Returns what
    changed, as written to the audit log."""
    kind, name, description = _clean(kind, name, description)
    before = {"kind": entry.kind.value, "name": entry.name, "description": entry.description,
              "sort_order": entry.sort_order, "active": entry.active}
    entry.kind, entry.name, entry.description, entry.active = kind, name, description, bool(active)
    if sort_order is not None:
        entry.sort_order = sort_order
    after = {"kind": entry.kind.value, "name": entry.name, "description": entry.description,
             "sort_order": entry.sort_order, "active": entry.active}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changed:
        entry.updated_at = utcnow()
        audit.record(session, actor=by, action="four_list.entry_changed", subject=entry,
                     community_id=entry.community_id, data=changed)
    return changed


# --- people -----------------------------------------------------------------------------------------------

def _active(statement, today: date):
    return statement.where(
        RoleAssignment.ended_at.is_(None), RoleAssignment.term_start <= today,
        or_(RoleAssignment.term_end.is_(None), RoleAssignment.term_end >= today),
    )


def station_staff(session: Session, community_ids: Iterable[int]) -> dict[int, list[User]]:
    """Current station staff of each community, by community id (one query)."""
    ids = set(community_ids)
    found: dict[int, list[User]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = session.scalars(_active(
        select(RoleAssignment).where(RoleAssignment.role == Role.STATION_STAFF,
                                     RoleAssignment.community_id.in_(ids),
                                     RoleAssignment.compound_id.is_(None)), date.today())
        .options(selectinload(RoleAssignment.user)))
    for assignment in rows:
        found[assignment.community_id].append(assignment.user)
    return found


def council_members(session: Session, compound_ids: Iterable[int]) -> dict[int, list[User]]:
    """Current council members of each compound, by compound id (one query)."""
    ids = set(compound_ids)
    found: dict[int, list[User]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = session.scalars(_active(
        select(RoleAssignment).where(RoleAssignment.role.in_(COUNCIL_ROLES),
                                     RoleAssignment.compound_id.in_(ids)), date.today())
        .options(selectinload(RoleAssignment.user)))
    for assignment in rows:
        found[assignment.compound_id].append(assignment.user)
    return found


def communities_served(session: Session, user) -> list[Community]:
    """The communities whose station the user works for (every community for admins)."""
    from neighbourhood.accounts.permissions import active_roles, is_admin

    if is_admin(user):
        return list(session.scalars(select(Community).order_by(Community.id)))
    ids = {r.community_id for r in active_roles(user) if r.role is Role.STATION_STAFF and r.compound_id is None}
    if not ids:
        return []
    return list(session.scalars(select(Community).where(Community.id.in_(ids)).order_by(Community.id)))
