"""Building a ballot's roll from the register at the moment it opens. Grouping is pure; one query feeds it."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from neighbourhood.accounts.models import HouseholdMembership, MembershipStatus, Relation
from neighbourhood.places.models import Building, Household, household_label
from neighbourhood.voting.integrity import sha256_hex
from neighbourhood.voting.models import ElectorateKind
from neighbourhood.voting.statutory import DEVELOPER


@dataclass
class RollEntry:
    key: str
    voters: list[int]                 # user ids who may cast this elector's ballot online
    label: str = ""
    area: Decimal = Decimal(0)
    unit_count: int = 1
    user_id: int | None = None
    household_id: int | None = None


@dataclass(frozen=True)
class RegisterUnit:
    household_id: int
    label: str
    area: Decimal | None
    developer_held: bool
    owners: tuple[int, ...] = ()      # verified owner user ids
    adults: tuple[int, ...] = ()      # verified adult member user ids


@dataclass
class _Group:
    units: list[RegisterUnit] = field(default_factory=list)
    owners: set[int] = field(default_factory=set)


def group_owners(units: list[RegisterUnit]) -> list[RollEntry]:
    """The owners' roll (interpretation Art. 9): units that share an owner are one owner with the summed
    area — so co-owners of a flat are one owner, and one person's flat and parking space are one owner; units
    nobody has claimed on the platform are one owner each (they vote on paper); all developer-held units
    are one owner, the developer."""
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        while parent.setdefault(i, i) != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_unit_of_owner: dict[int, int] = {}
    ordinary = [u for u in units if not u.developer_held]
    for unit in ordinary:
        find(unit.household_id)
        for owner in unit.owners:
            if owner in first_unit_of_owner:
                parent[find(unit.household_id)] = find(first_unit_of_owner[owner])
            else:
                first_unit_of_owner[owner] = unit.household_id
    groups: dict[int, _Group] = {}
    for unit in ordinary:
        group = groups.setdefault(find(unit.household_id), _Group())
        group.units.append(unit)
        group.owners.update(unit.owners)
    entries = []
    for group in groups.values():
        lead = min(group.units, key=lambda u: u.household_id)
        entries.append(RollEntry(
            key=f"h:{lead.household_id}", voters=sorted(group.owners),
            label="、".join(u.label for u in sorted(group.units, key=lambda u: u.household_id)),
            area=sum((u.area or Decimal(0) for u in group.units), Decimal(0)),
            unit_count=len(group.units), household_id=lead.household_id,
        ))
    developer_units = [u for u in units if u.developer_held]
    if developer_units:
        entries.append(RollEntry(
            key=DEVELOPER, voters=[], label="", unit_count=len(developer_units),
            area=sum((u.area or Decimal(0) for u in developer_units), Decimal(0)),
        ))
    entries.sort(key=lambda e: e.key)
    return entries


def residents_roll(units: list[RegisterUnit]) -> list[RollEntry]:
    seen: dict[int, RollEntry] = {}
    for unit in units:
        for user_id in unit.adults:
            seen.setdefault(user_id, RollEntry(key=f"u:{user_id}", voters=[user_id], user_id=user_id,
                                               label=unit.label, household_id=unit.household_id))
    return sorted(seen.values(), key=lambda e: e.key)


def households_roll(units: list[RegisterUnit]) -> list[RollEntry]:
    return [RollEntry(key=f"h:{u.household_id}", voters=sorted(u.adults), label=u.label,
                      household_id=u.household_id, area=u.area or Decimal(0))
            for u in sorted(units, key=lambda u: u.household_id) if u.adults]


ROLLS = {
    ElectorateKind.RESIDENTS: residents_roll,
    ElectorateKind.HOUSEHOLDS: households_roll,
    ElectorateKind.OWNERS: group_owners,
}


def register_units(session: Session, compound_id: int) -> list[RegisterUnit]:
    """Every household of the compound with its verified owners and adults, in one query."""
    rows = session.execute(
        select(Household.id, Building.name, Household.unit, Household.room, Household.area,
               Household.developer_held, HouseholdMembership.user_id, HouseholdMembership.relation,
               HouseholdMembership.minor)
        .join(Building, Building.id == Household.building_id)
        .outerjoin(HouseholdMembership, (HouseholdMembership.household_id == Household.id)
                   & (HouseholdMembership.status == MembershipStatus.VERIFIED))
        .where(Household.compound_id == compound_id)
        .order_by(Household.id)
    ).all()
    units: dict[int, dict] = {}
    for row in rows:
        unit = units.setdefault(row[0], {
            "household_id": row[0], "label": household_label(row[1], row[2], row[3]), "area": row[4],
            "developer_held": bool(row[5]), "owners": [], "adults": []})
        if row.user_id is None:
            continue
        if row.relation is Relation.OWNER:
            unit["owners"].append(row.user_id)
        if not row.minor:
            unit["adults"].append(row.user_id)
    return [RegisterUnit(**{**u, "owners": tuple(u["owners"]), "adults": tuple(u["adults"])})
            for u in units.values()]


def build(session: Session, compound_id: int, kind: ElectorateKind) -> list[RollEntry]:
    return ROLLS[kind](register_units(session, compound_id))


def roll_hash(ballot_id: int, kind: ElectorateKind, entries: list[RollEntry]) -> str:
    """SHA-256 over the frozen roll: who is on it, with what area, and who may vote for them."""
    return sha256_hex({
        "ballot": ballot_id, "electorate": str(kind),
        "roll": [{"key": e.key, "area": str(e.area), "units": e.unit_count, "voters": e.voters}
                 for e in entries],
    })
