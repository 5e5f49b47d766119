"""The place tree. Every row below a community carries its compound id, so a city can be sharded later."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from neighbourhood.db import enum_type, utcnow
from neighbourhood.extensions import db


class Community(db.Model):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    district: Mapped[str] = mapped_column(String(80), default="")
    centre_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    compounds: Mapped[list[Compound]] = relationship(
        back_populates="community", order_by="Compound.id"
    )


class Compound(db.Model):
    __tablename__ = "compounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(200), default="")
    station_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Its main gate (WGS-84): the 15-minute circle measures walking distance from here.
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    # The compound's own rules (议事规则), set by station staff; defaults follow common practice.
    triage_limit_days: Mapped[int] = mapped_column(default=7, server_default="7")
    # Supports a proposal needs to reach the council agenda; None means max(10, 5% of households).
    support_threshold: Mapped[int | None] = mapped_column()
    # A council meeting is quorate when strictly more than this share (in %) of the council attends.
    council_quorum_percent: Mapped[int] = mapped_column(default=50, server_default="50")

    community: Mapped[Community] = relationship(back_populates="compounds")
    buildings: Mapped[list[Building]] = relationship(
        back_populates="compound", order_by="Building.sort_key"
    )


class Building(db.Model):
    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("compound_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    # Natural order: "2栋" before "10栋".
    sort_key: Mapped[str] = mapped_column(String(80), default="")

    compound: Mapped[Compound] = relationship(back_populates="buildings")


class AreaBasis(enum.StrEnum):
    """Which figure the area is (SPC interpretation Art. 8: registered, else surveyed, else contract)."""

    REGISTERED = "registered"
    SURVEYED = "surveyed"
    CONTRACT = "contract"


class Household(db.Model):
    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("building_id", "unit", "room"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    compound_id: Mapped[int] = mapped_column(ForeignKey("compounds.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    unit: Mapped[str] = mapped_column(String(10), default="")
    room: Mapped[str] = mapped_column(String(20))
    area: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    area_basis: Mapped[AreaBasis] = mapped_column(
        enum_type(AreaBasis), default=AreaBasis.REGISTERED,
    )
    # Unsold or undelivered: all such parts together count as one owner, the developer (interpretation Art. 9).
    developer_held: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    building: Mapped[Building] = relationship()
    compound: Mapped[Compound] = relationship()

    @property
    def label(self) -> str:
        return household_label(self.building.name, self.unit, self.room)


def household_label(building: str, unit: str, room: str) -> str:
    """The address residents write on parcels: 3栋2单元501, or 3栋501 where there are no units."""
    return f"{building}{unit}单元{room}" if unit else f"{building}{room}"
