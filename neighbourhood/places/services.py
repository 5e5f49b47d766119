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
from neighbourhood.places.importing import ParsedCsv
from neighbourhood.places.models import AreaBasis, Building, Community, Compound, Household


def natural_key(name: str) -> str:
    """'2栋' sorts before '10栋': numbers are zero-padded in the key."""
    return re.sub(r"\d+", lambda m: m.group().zfill(6), name)


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
    if _building_named(session, compound, name) is not None:
        raise DomainError(_l("This compound already has a building called %(name)s.", name=name))
    building = Building(compound=compound, name=name, sort_key=natural_key(name))
    session.add(building)
    session.flush()
    audit.record(session, actor=by, action="building.created", subject=building,
                 community_id=compound.community_id, compound_id=compound.id, data={"name": name})
    return building


def add_household(session: Session, *, by, building: Building, unit: str, room: str,
                  area: Decimal | None, area_basis: AreaBasis) -> Household:
    household = Household(building=building, compound_id=building.compound_id, unit=unit.strip(),
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


def update_household_area(session: Session, *, by, household: Household, area: Decimal | None,
                          area_basis: AreaBasis) -> None:
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
    created = updated = unchanged = 0
    for row in parsed.rows:
        household = existing.get((row.building, row.unit, row.room))
        if household is not None:
            if household.area == row.area and household.area_basis is row.area_basis:
                unchanged += 1
            else:
                household.area, household.area_basis = row.area, row.area_basis
                updated += 1
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
                 data={"created": created, "updated": updated, "unchanged": unchanged})
    return ImportResult(created, updated, unchanged)


@dataclass(frozen=True)
class CompoundSummary:
    compound: Compound
    buildings: int
    households: int
    registered_area: Decimal


def compound_summaries(session: Session, *, community: Community) -> list[CompoundSummary]:
    counts = {
        row.compound_id: row for row in session.execute(
            select(Household.compound_id, func.count(Household.id).label("households"),
                   func.coalesce(func.sum(Household.area), 0).label("area"),
                   func.count(func.distinct(Household.building_id)).label("buildings"))
            .join(Compound, Household.compound_id == Compound.id)
            .where(Compound.community_id == community.id)
            .group_by(Household.compound_id)
        )
    }
    result = []
    for compound in session.scalars(select(Compound).where(Compound.community_id == community.id)
                                    .order_by(Compound.id)):
        row = counts.get(compound.id)
        result.append(CompoundSummary(compound, row.buildings if row else 0,
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

