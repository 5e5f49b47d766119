"""An enterprise's service listings and their bookable times (slots): create, correct, publish, add times (one, or
the same time on several days), and remove a time nobody has booked.

Prices are exact: yuan or time coins to the fen as Decimal, never floats; a free service has no price. Removing a
time is one conditional DELETE (no place taken, no booking ever made), so a booking arriving at the same moment
either takes its place first and the removal is refused, or finds the time gone. Every change is audited."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from neighbourhood.accounts.models import User
from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError, utcnow
from neighbourhood.enterprises.models import (
    Booking, Enterprise, PriceKind, ServiceCategory, ServiceListing, ServiceSlot,
)

TITLE_MAX = 80
UNIT_MAX = 20
SCHEDULE_MAX = 200
DESCRIPTION_MAX = 4000
PRICE_MAX = Decimal("99999.99")
FEN = Decimal("0.01")
CAPACITY_MAX = 200
REPEAT_MAX = 31
SLOT_LENGTH_MAX = timedelta(hours=24)
EDITABLE = ("title", "category", "price_kind", "price", "price_unit", "schedule", "description")


def _record(session: Session, listing: ServiceListing, by: User, action: str, data: dict | None = None,
            subject=None) -> None:
    enterprise = listing.enterprise
    audit.record(session, actor=by, action=action, subject=subject or listing, compound_id=enterprise.compound_id,
                 community_id=enterprise.community_id,
                 data={"enterprise": enterprise.id, "listing": listing.id, **(data or {})})


def _price(price_kind: PriceKind, price) -> Decimal | None:
    """The stored price: none when free; otherwise more than zero, exactly to the fen. A float is a programming
    error (money is never binary floating point), so it raises TypeError rather than a message."""
    if price_kind is PriceKind.FREE:
        return None
    if isinstance(price, (float, bool)):
        raise TypeError("a price is a Decimal, never a float")
    if price is None or price == "":
        raise DomainError(_l("Give the price, or choose a free service."))
    try:
        value = Decimal(price)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_l("Give the price as a number, e.g. 12 or 12.50.")) from None
    if not value.is_finite() or value != value.quantize(FEN):
        raise DomainError(_l("Give the price with at most two decimals."))
    if not Decimal("0") < value <= PRICE_MAX:
        raise DomainError(_l("The price must be more than 0 and at most %(max)s.", max=PRICE_MAX))
    return value.quantize(FEN)


def _clean(*, title, category, price_kind, price, price_unit, schedule, description) -> dict:
    """Every editable field, checked together (the price depends on its kind)."""
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise DomainError(_l("Give the service a title of up to %(max)s characters.", max=TITLE_MAX))
    price_kind = PriceKind(price_kind)
    price_unit, schedule = (price_unit or "").strip(), (schedule or "").strip()
    description = (description or "").strip()
    if len(price_unit) > UNIT_MAX or len(schedule) > SCHEDULE_MAX or len(description) > DESCRIPTION_MAX:
        raise DomainError(_l("The unit, schedule or description is too long."))
    return {"title": title, "category": ServiceCategory(category), "price_kind": price_kind,
            "price": _price(price_kind, price), "price_unit": "" if price_kind is PriceKind.FREE else price_unit,
            "schedule": schedule, "description": description}


def create_listing(session: Session, *, enterprise: Enterprise, by: User, title: str, category: ServiceCategory,
                   price_kind: PriceKind, price: Decimal | None = None, price_unit: str = "", schedule: str = "",
                   description: str = "", published: bool = False) -> ServiceListing:
    """A new service of the enterprise; residents see it once it is published and the enterprise is on the circle."""
    fields = _clean(title=title, category=category, price_kind=price_kind, price=price, price_unit=price_unit,
                    schedule=schedule, description=description)
    listing = ServiceListing(enterprise_id=enterprise.id, community_id=enterprise.community_id,
                             published=bool(published), created_at=utcnow(), **fields)
    listing.enterprise = enterprise
    session.add(listing)
    session.flush()
    _record(session, listing, by, "listing.created",
            {"title": listing.title, "price_kind": listing.price_kind.value,
             "price": str(listing.price) if listing.price is not None else None, "published": listing.published})
    return listing


def update_listing(session: Session, *, listing: ServiceListing, by: User, **changes) -> list[str]:
    """Correct the listing; returns the names of the fields that changed (audited with their new values). Bookings
    already made keep the price they were made at."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    fields = _clean(**{name: changes.get(name, getattr(listing, name)) for name in EDITABLE})
    changed = [name for name in EDITABLE if getattr(listing, name) != fields[name]]
    for name in changed:
        setattr(listing, name, fields[name])
    if changed:
        _record(session, listing, by, "listing.updated",
                {"changed": changed, **{name: str(fields[name]) if fields[name] is not None else None
                                        for name in changed if name in ("price", "price_kind")}})
    return changed


def set_published(session: Session, *, listing: ServiceListing, by: User, published: bool) -> None:
    """Show the listing to residents, or take it off the circle; bookings already made go on. Asking for the state
    it is in already changes nothing."""
    if listing.published == bool(published):
        return
    listing.published = bool(published)
    _record(session, listing, by, "listing.published" if published else "listing.unpublished")


def add_slots(session: Session, *, listing: ServiceListing, by: User, starts_at: datetime, ends_at: datetime,
              capacity: int, repeat_days: int = 1, now: datetime | None = None) -> list[ServiceSlot]:
    """One bookable time, or the same time on `repeat_days` consecutive days (at most 31), each with `capacity`
    places (1–200). Times are naive UTC, in the future, at most a day long."""
    now = now or utcnow()
    if ends_at <= starts_at:
        raise DomainError(_l("A time must end after it starts."))
    if ends_at - starts_at > SLOT_LENGTH_MAX:
        raise DomainError(_l("A time lasts at most a day. Repeat it on the following days instead."))
    if starts_at <= now:
        raise DomainError(_l("A time must be in the future."))
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= CAPACITY_MAX:
        raise DomainError(_l("A time takes from 1 to %(max)s people.", max=CAPACITY_MAX))
    if isinstance(repeat_days, bool) or not isinstance(repeat_days, int) or not 1 <= repeat_days <= REPEAT_MAX:
        raise DomainError(_l("Repeat a time on 1 to %(max)s days.", max=REPEAT_MAX))
    slots = [ServiceSlot(listing_id=listing.id, community_id=listing.community_id,
                         starts_at=starts_at + timedelta(days=day), ends_at=ends_at + timedelta(days=day),
                         capacity=capacity, taken=0) for day in range(repeat_days)]
    session.add_all(slots)
    session.flush()
    session.expire(listing, ["slots"])
    _record(session, listing, by, "listing.slots_added",
            {"count": len(slots), "first": starts_at.isoformat(), "capacity": capacity})
    return slots


def remove_slot(session: Session, *, slot: ServiceSlot, by: User) -> None:
    """Take a time off the listing while nobody holds a place on it. One conditional statement decides, so a
    parallel booking cannot slip in: a time never booked is deleted; one that declined or cancelled bookings name in
    their history is withdrawn (kept, no longer offered)."""
    listing = slot.listing
    slot_id, starts_at = slot.id, slot.starts_at
    removed = session.execute(
        delete(ServiceSlot).where(ServiceSlot.id == slot_id, ServiceSlot.taken == 0,
                                  ~exists().where(Booking.slot_id == slot_id))
        .execution_options(synchronize_session=False))
    if removed.rowcount != 1:
        withdrawn = session.execute(
            update(ServiceSlot).where(ServiceSlot.id == slot_id, ServiceSlot.taken == 0,
                                      ServiceSlot.withdrawn_at.is_(None))
            .values(withdrawn_at=utcnow()).execution_options(synchronize_session=False))
        if withdrawn.rowcount != 1:
            raise DomainError(_l("Someone has booked this time: answer or cancel the bookings first."))
        session.expire(slot)
    else:
        session.expunge(slot)
    session.expire(listing, ["slots"])
    _record(session, listing, by, "listing.slot_removed", {"slot": slot_id, "starts_at": starts_at.isoformat(),
                                                          "withdrawn": removed.rowcount != 1})
