"""How people, dates and areas are shown."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from flask_babel import format_date, format_datetime, gettext, lazy_gettext as _l

from neighbourhood.accounts.models import Relation

RELATION_LABELS = {
    Relation.OWNER: _l("Owner"),
    Relation.TENANT: _l("Tenant"),
    Relation.FAMILY: _l("Family member"),
}


def public_name(user) -> str:
    """What neighbours see: building and chosen name (3栋 王女士), never a phone number."""
    if user is None:
        return ""
    if user.is_deleted:
        return gettext("Deleted user")
    verified = user.verified_memberships
    if verified:
        return f"{verified[0].household.building.name} {user.display_name}"
    return user.display_name


def local_datetime(value: datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value.replace(tzinfo=timezone.utc), fmt)


def local_date(value: date | None, fmt: str = "medium") -> str:
    return "" if value is None else format_date(value, fmt)


def area(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f} m²"


def relation_label(relation: Relation) -> str:
    return str(RELATION_LABELS[relation])
