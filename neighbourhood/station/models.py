"""What the party-mass service station keeps for its community: the four lists (四张清单).

Each community keeps its own entries per list. Needs are classified against them at triage; later work
(project funding, the station's approvals) checks the negative list the same way, so nothing here knows
about needs."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from neighbourhood.db import enum_type, utcnow
from neighbourhood.extensions import db
from neighbourhood.places.models import Community


class ListKind(enum.StrEnum):
    SELF_GOVERNANCE = "self_governance"            # 自治事项
    ASSISTING_GOVERNMENT = "assisting_government"  # 协助政府事项
    PURCHASABLE_SERVICES = "purchasable_services"  # 购买服务事项
    NEGATIVE = "negative"                          # 负面清单


class FourListEntry(db.Model):
    """One matter on one of a community's four lists. Entries are deactivated, never deleted: needs and
    decisions classified against them keep pointing at them."""

    __tablename__ = "four_list_entries"
    __table_args__ = (Index("ix_four_list_entries_community_kind", "community_id", "kind", "sort_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"))
    kind: Mapped[ListKind] = mapped_column(enum_type(ListKind))
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    sort_order: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column()

    community: Mapped[Community] = relationship()

    @property
    def is_negative(self) -> bool:
        return self.kind is ListKind.NEGATIVE
