"""Bookings: a resident requests a slot (or sends an inquiry without one); the enterprise accepts, declines with a
reason, or completes; either side cancels within the rules; both are told at each step.

A slot's places move by conditional UPDATEs (taken < capacity), so parallel requests never overbook it; a request
holds its place until declined or cancelled. A service priced in time coins takes them at request and gives them
back if the booking is declined or cancelled, through the time bank, so a balance never goes negative."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from neighbourhood.accounts.models import User
from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError, give_back_places, take_place, utcnow
from neighbourhood.enterprises import rules
from neighbourhood.enterprises.models import (
    Booking, BookingStatus, EnterpriseOperator, PriceKind, ServiceListing, ServiceSlot,
)
from neighbourhood.notifications.services import notify
from neighbourhood.volunteering import timebank

MESSAGE_MAX = 500
FULL = _l("This slot is fully booked. Choose another time.")
ALREADY_ANSWERED = _l("This booking has changed in the meantime: nothing was done.")


def booking_url(booking: Booking) -> str:
    return f"/bookings/{booking.id}"


def _record(session: Session, booking: Booking, by, action: str, data: dict | None = None) -> None:
    audit.record(session, actor=by, action=action, subject=booking, compound_id=booking.compound_id,
                 community_id=booking.community_id,
                 data={"enterprise": booking.enterprise_id, "listing": booking.listing_id, **(data or {})})


def _operators(session: Session, enterprise_id: int) -> list[User]:
    return list(session.scalars(select(User).join(EnterpriseOperator, EnterpriseOperator.user_id == User.id)
                                .where(EnterpriseOperator.enterprise_id == enterprise_id)))


def _tell(session: Session, booking: Booking, kind: str, by, *, to_enterprise: bool) -> None:
    recipients = _operators(session, booking.enterprise_id) if to_enterprise else [booking.user]
    notify(session, recipients=recipients, kind=kind, url=booking_url(booking),
           params={"title": booking.listing.title, "enterprise": booking.enterprise.name, "reason": booking.reason},
           compound_id=booking.compound_id, actor=by)


def _free_place(session: Session, slot_id: int | None) -> None:
    if slot_id is not None:
        give_back_places(session, ServiceSlot, slot_id)


def _resident_compound_id(user: User, community_id: int) -> int:
    homes = [m for m in user.verified_memberships if m.compound.community_id == community_id]
    if not homes:
        raise DomainError(_l("Services here are booked by verified residents of the community."))
    return homes[0].compound_id


def request(session: Session, *, listing: ServiceListing, user: User, slot: ServiceSlot | None = None,
            message: str = "", now: datetime | None = None) -> Booking:
    """Book a place on `slot`, or send an inquiry when there is none. The slot must be the listing's, still ahead,
    with a place free; a service in time coins takes them now (returned if declined or cancelled)."""
    now = now or utcnow()
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise DomainError(_l("Keep the message to %(max)s characters or fewer.", max=MESSAGE_MAX))
    enterprise = listing.enterprise
    if not listing.published or not enterprise.on_circle:
        raise DomainError(_l("This service is not offered at the moment."))
    compound_id = _resident_compound_id(user, enterprise.community_id)
    if any(link.enterprise_id == enterprise.id for link in user.enterprise_links):
        raise DomainError(_l("You run this enterprise: residents book its services, not its operators."))
    if slot is None and not message:
        raise DomainError(_l("Choose a time, or write what you would like to ask."))
    if slot is not None and (slot.listing_id != listing.id or slot.starts_at <= now or slot.withdrawn_at is not None):
        raise DomainError(_l("This time is no longer open. Choose another."))
    booking = Booking(listing_id=listing.id, slot_id=slot.id if slot else None, enterprise_id=enterprise.id,
                      community_id=enterprise.community_id,
                      compound_id=compound_id, user_id=user.id,
                      status=BookingStatus.REQUESTED, message=message, price_kind=listing.price_kind,
                      price=listing.price, requested_at=now)
    booking.listing, booking.enterprise, booking.user = listing, enterprise, user
    if slot is not None and not take_place(session, ServiceSlot, slot.id, ServiceSlot.withdrawn_at.is_(None)):
        raise DomainError(FULL)
    session.add(booking)
    session.flush()
    if slot is not None and listing.price_kind is PriceKind.TIME_COINS:
        timebank.pay_service(session, user=user, amount=listing.price, compound_id=booking.compound_id,
                             community_id=booking.community_id, note=listing.title[:timebank.NOTE_MAX])
    _record(session, booking, user, "booking.requested", {"slot": booking.slot_id})
    _tell(session, booking, "booking.requested", user, to_enterprise=True)
    return booking


def _move(session: Session, booking: Booking, *, from_states, to: BookingStatus, **values) -> None:
    """Change the status only from the expected states, in one statement: two tabs never both act."""
    moved = session.execute(update(Booking).where(Booking.id == booking.id, Booking.status.in_(from_states))
                            .values(status=to, **values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise DomainError(ALREADY_ANSWERED)
    session.refresh(booking)


def _refund(session: Session, booking: Booking) -> None:
    if booking.slot_id is not None and booking.price_kind is PriceKind.TIME_COINS:
        timebank.refund_service(session, user=booking.user, amount=booking.price, compound_id=booking.compound_id,
                                community_id=booking.community_id, note=booking.listing.title[:timebank.NOTE_MAX])


def accept(session: Session, *, booking: Booking, by: User, now: datetime | None = None) -> Booking:
    _move(session, booking, from_states=[BookingStatus.REQUESTED], to=BookingStatus.ACCEPTED,
          answered_at=now or utcnow())
    _record(session, booking, by, "booking.accepted")
    _tell(session, booking, "booking.accepted", by, to_enterprise=False)
    return booking


def decline(session: Session, *, booking: Booking, by: User, reason: str, now: datetime | None = None) -> Booking:
    reason = (reason or "").strip()
    if not reason or len(reason) > MESSAGE_MAX:
        raise DomainError(_l("Tell the resident why (up to %(max)s characters).", max=MESSAGE_MAX))
    _move(session, booking, from_states=[BookingStatus.REQUESTED], to=BookingStatus.DECLINED,
          answered_at=now or utcnow(), reason=reason)
    _free_place(session, booking.slot_id)
    _refund(session, booking)
    _record(session, booking, by, "booking.declined", {"reason": reason})
    _tell(session, booking, "booking.declined", by, to_enterprise=False)
    return booking


def complete(session: Session, *, booking: Booking, by: User, now: datetime | None = None) -> Booking:
    """The service was given: the resident may now review it."""
    _move(session, booking, from_states=[BookingStatus.ACCEPTED], to=BookingStatus.COMPLETED,
          completed_at=now or utcnow())
    _record(session, booking, by, "booking.completed")
    _tell(session, booking, "booking.completed", by, to_enterprise=False)
    return booking


def cancel(session: Session, *, booking: Booking, by: User, reason: str = "", now: datetime | None = None) \
        -> Booking:
    """The resident withdraws a request, or cancels an accepted booking until two hours before its slot; the
    enterprise cancels an accepted booking at any time, saying why. The place and any coins go back."""
    now = now or utcnow()
    reason = (reason or "").strip()
    by_resident = by.id == booking.user_id
    if len(reason) > MESSAGE_MAX:
        raise DomainError(_l("Keep the reason to %(max)s characters or fewer.", max=MESSAGE_MAX))
    if by_resident:
        slot_starts = booking.slot.starts_at if booking.slot else None
        if not rules.resident_may_cancel(booking.status, slot_starts, now):
            raise DomainError(_l("It is too late to cancel here: please call the enterprise."))
        allowed = [booking.status]    # the state the notice rule judged, not one a parallel accept made
    else:
        if not reason:
            raise DomainError(_l("Tell the resident why (up to %(max)s characters).", max=MESSAGE_MAX))
        allowed = [BookingStatus.ACCEPTED]
    _move(session, booking, from_states=allowed, to=BookingStatus.CANCELLED, cancelled_at=now,
          cancelled_by_id=by.id, reason=reason)
    _free_place(session, booking.slot_id)
    _refund(session, booking)
    _record(session, booking, by, "booking.cancelled", {"by_resident": by_resident, "reason": reason})
    _tell(session, booking, "booking.cancelled", by, to_enterprise=by_resident)
    return booking
