"""Place verbs for station staff: communities, compounds, buildings, households, CSV import."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError
from neighbourhood.places.importing import CENT, ParsedCsv, normalise_unit
from neighbourhood.places.models import AreaBasis, Building, Community, Compound, Household, household_label


SORT_KEY_LENGTH = 80  # Building.sort_key's column length


def natural_key(name: str) -> str:
    """'2栋' sorts before '10栋': numbers are zero-padded in the key (cut to fit Building.sort_key)."""
    return re.sub(r"\d+", lambda m: m.group().zfill(6), name)[:SORT_KEY_LENGTH]


def create_community(session: Session, *, by, name: str, district: str, centre_name: str) -> Community:
    community = Community(name=name.strip(), district=district.strip(), centre_name=centre_name.strip())
    session.add(community)
    session.flush()
    audit.record(session, actor=by, action="community.created", subject=community,
                 community_id=community.id, data={"name": community.name})
    return community


def create_compound(
    session: Session, *, by, community: Community, name: str, address: str, station_name: str
) -> Compound:
    compound = Compound(community=community, name=name.strip(), address=address.strip(),
                        station_name=station_name.strip())
    session.add(compound)
    session.flush()
    audit.record(session, actor=by, action="compound.created", subject=compound,
                 community_id=community.id, compound_id=compound.id, data={"name": compound.name})
    return compound


def update_compound(session: Session, *, by, compound: Compound, name: str, address: str,
                    station_name: str) -> None:
    before = {"name": compound.name, "address": compound.address, "station_name": compound.station_name}
    compound.name, compound.address, compound.station_name = name.strip(), address.strip(), station_name.strip()
    after = {"name": compound.name, "address": compound.address, "station_name": compound.station_name}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changed:
        audit.record(session, actor=by, action="compound.updated", subject=compound,
                     community_id=compound.community_id, compound_id=compound.id, data=changed)


def _building_named(session: Session, compound: Compound, name: str) -> Building | None:
    return session.scalar(select(Building).where(Building.compound_id == compound.id,
                                                 Building.name == name))


def add_building(session: Session, *, by, compound: Compound, name: str) -> Building:
    name = name.strip()
    duplicate = DomainError(_l("This compound already has a building called %(name)s.", name=name))
    if _building_named(session, compound, name) is not None:
        raise duplicate
    building = Building(compound=compound, name=name, sort_key=natural_key(name))
    session.add(building)
    try:
        with session.begin_nested():  # another clerk may have added it a moment ago
            session.flush()
    except IntegrityError:
        raise duplicate from None
    audit.record(session, actor=by, action="building.created", subject=building,
                 community_id=compound.community_id, compound_id=compound.id, data={"name": name})
    return building


def add_household(session: Session, *, by, building: Building, unit: str, room: str,
                  area: Decimal | None, area_basis: AreaBasis) -> Household:
    area = _rounded(area)
    household = Household(building=building, compound_id=building.compound_id, unit=normalise_unit(unit),
                          room=room.strip(), area=area, area_basis=area_basis)
    session.add(household)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise DomainError(_l("This household is already registered.")) from None
    audit.record(session, actor=by, action="household.created", subject=household,
                 community_id=building.compound.community_id, compound_id=building.compound_id,
                 data={"label": household.label, "area": _text(area), "area_basis": area_basis.value})
    return household


def _text(area: Decimal | None) -> str | None:
    return None if area is None else str(area)


def _rounded(area: Decimal | None) -> Decimal | None:
    """What the Numeric(10, 2) column will hold, so comparisons and the audit entry match it."""
    return None if area is None else area.quantize(CENT)


def update_household_area(session: Session, *, by, household: Household, area: Decimal | None,
                          area_basis: AreaBasis) -> None:
    area = _rounded(area)
    if household.area == area and household.area_basis is area_basis:
        return
    data = {"area": [_text(household.area), _text(area)],
            "area_basis": [household.area_basis.value, area_basis.value]}
    household.area, household.area_basis = area, area_basis
    audit.record(session, actor=by, action="household.area_changed", subject=household,
                 community_id=household.compound.community_id, compound_id=household.compound_id,
                 data=data)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def import_households(session: Session, *, by, compound: Compound, parsed: ParsedCsv) -> ImportResult:
    """Apply a parsed file all at once, or refuse it whole: half an import is worse than none."""
    if parsed.errors:
        raise DomainError(_l("The file has errors; nothing was imported."))
    buildings = {b.name: b for b in session.scalars(
        select(Building).where(Building.compound_id == compound.id))}
    existing = {
        (b_name, h.unit, h.room): h
        for h, b_name in session.execute(
            select(Household, Building.name).join(Building, Household.building_id == Building.id)
            .where(Household.compound_id == compound.id)
        ).all()
    }
    # A file without the 面积 (or 面积依据) column says nothing about areas: keep the ones on record.
    has_area, has_basis = "area" in parsed.columns, "area_basis" in parsed.columns
    created = unchanged = 0
    # Areas weigh owners' votes, so every change is kept with its before and after, as a single edit is.
    changes: list[dict] = []
    for row in parsed.rows:
        household = existing.get((row.building, row.unit, row.room))
        if household is not None:
            area = row.area if has_area else household.area
            basis = row.area_basis if has_basis else household.area_basis
            if household.area == area and household.area_basis is basis:
                unchanged += 1
            else:
                changes.append({"household_id": household.id,
                                "label": household_label(row.building, row.unit, row.room),
                                "area": [_text(household.area), _text(area)],
                                "area_basis": [household.area_basis.value, basis.value]})
                household.area, household.area_basis = area, basis
            continue
        building = buildings.get(row.building)
        if building is None:
            building = Building(compound=compound, name=row.building, sort_key=natural_key(row.building))
            session.add(building)
            buildings[row.building] = building
        session.add(Household(building=building, compound_id=compound.id, unit=row.unit,
                              room=row.room, area=row.area, area_basis=row.area_basis))
        created += 1
    session.flush()
    audit.record(session, actor=by, action="households.imported", subject=compound,
                 community_id=compound.community_id, compound_id=compound.id,
                 data={"created": created, "updated": len(changes), "unchanged": unchanged,
                       "changes": changes})
    return ImportResult(created, len(changes), unchanged)


@dataclass(frozen=True)
class CompoundSummary:
    compound: Compound
    buildings: int
    households: int
    registered_area: Decimal


def compound_summaries(session: Session, *, community: Community,
                       compound_ids: list[int] | None = None) -> list[CompoundSummary]:
    """Buildings, households and area per compound of the community (or just the ones named)."""
    compounds = select(Compound.id).where(Compound.community_id == community.id)
    if compound_ids is not None:
        compounds = compounds.where(Compound.id.in_(compound_ids))
    households = {
        row.compound_id: row for row in session.execute(
            select(Household.compound_id, func.count(Household.id).label("households"),
                   func.coalesce(func.sum(Household.area), 0).label("area"))
            .where(Household.compound_id.in_(compounds))
            .group_by(Household.compound_id)
        )
    }
    # Counted on their own: a building with no households yet is still a building.
    buildings = dict(session.execute(
        select(Building.compound_id, func.count(Building.id))
        .where(Building.compound_id.in_(compounds))
        .group_by(Building.compound_id)
    ).all())
    result = []
    for compound in session.scalars(select(Compound).where(Compound.id.in_(compounds))
                                    .order_by(Compound.id)):
        row = households.get(compound.id)
        result.append(CompoundSummary(compound, buildings.get(compound.id, 0),
                                      row.households if row else 0,
                                      Decimal(row.area) if row else Decimal(0)))
    return result


def building_households(session: Session, *, building: Building) -> list[Household]:
    rows = session.scalars(select(Household).where(Household.building_id == building.id))
    return sorted(rows, key=lambda h: (natural_key(h.unit), natural_key(h.room)))


@dataclass(frozen=True)
class BuildingCount:
    building: Building
    households: int


def building_counts(session: Session, *, compound: Compound) -> list[BuildingCount]:
    rows = session.execute(
        select(Building, func.count(Household.id))
        .outerjoin(Household, Household.building_id == Building.id)
        .where(Building.compound_id == compound.id)
        .group_by(Building.id)
        .order_by(Building.sort_key)
    )
    return [BuildingCount(building, count) for building, count in rows.all()]

