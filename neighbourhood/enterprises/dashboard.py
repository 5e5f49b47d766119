"""What an enterprise's operators read on their dashboard, and what a resident reads on /me/bookings: read-only
queries, each a fixed number of statements however many bookings, reviews, listings or activities there are."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from neighbourhood.accounts.models import HouseholdMembership, User
from neighbourhood.enterprises import reviews, rules
from neighbourhood.enterprises.models import (
    Booking, BookingStatus, Enterprise, EnterpriseOperator, Review, ServiceListing, ServiceSlot,
)
from neighbourhood.places.models import Household
from neighbourhood.voting.manage_forms import to_local, to_utc
from neighbourhood.volunteering.models import Activity

RECENT_REVIEWS = 10
ACTIVITIES_SHOWN = 20
MY_BOOKINGS_SHOWN = 50


@dataclass(frozen=True)
class Upcoming:
    """A listing's slots still ahead: how many, their free places, and the next one's start."""
    slots: int
    free: int
    next_starts_at: datetime | None


@dataclass(frozen=True)
class Dashboard:
    enterprise: Enterprise
    today: list[Booking]           # accepted or requested, slot starting today (Beijing time), earliest first
    pending: list[Booking]         # waiting for an answer, oldest first
    rating: reviews.Rating | None
    recent_reviews: list[Review]
    listings: list[tuple[ServiceListing, Upcoming | None]]   # None when no slot is ahead
    activities: list[Activity]


def operated_enterprises(session: Session, user: User) -> list[Enterprise]:
    """The enterprises the user runs, in the order they were registered."""
    return list(session.scalars(select(Enterprise).join(EnterpriseOperator,
                                                        EnterpriseOperator.enterprise_id == Enterprise.id)
                                .where(EnterpriseOperator.user_id == user.id).order_by(Enterprise.id)))


def local_day(now: datetime) -> tuple[datetime, datetime]:
    """Today in Beijing time as a naive UTC interval [start, end)."""
    midnight = to_local(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return to_utc(midnight), to_utc(midnight + timedelta(days=1))


def _bookings_to_answer(session: Session, enterprise_id: int, now: datetime) -> tuple[list[Booking], list[Booking]]:
    """(today's bookings, pending requests) in one query: every request, and accepted bookings of today's slots."""
    start, end = local_day(now)
    today_slot = and_(ServiceSlot.starts_at >= start, ServiceSlot.starts_at < end)
    rows = list(session.scalars(
        select(Booking).outerjoin(ServiceSlot, ServiceSlot.id == Booking.slot_id)
        .where(Booking.enterprise_id == enterprise_id,
               or_(Booking.status == BookingStatus.REQUESTED,
                   and_(Booking.status == BookingStatus.ACCEPTED, today_slot)))
        .options(joinedload(Booking.listing), joinedload(Booking.slot), joinedload(Booking.user))
        .order_by(Booking.requested_at, Booking.id)))
    today = sorted((b for b in rows if b.slot is not None and start <= b.slot.starts_at < end),
                   key=lambda b: (b.slot.starts_at, b.id))
    pending = [b for b in rows if b.status is BookingStatus.REQUESTED]
    return today, pending


def with_homes(session: Session, users) -> None:
    """Load the households and buildings public_name(user) shows, for all `users` in one query."""
    by_id = {user.id: user for user in users}
    if not by_id:
        return
    homes: dict[int, list[HouseholdMembership]] = {user_id: [] for user_id in by_id}
    for membership in session.scalars(select(HouseholdMembership).where(HouseholdMembership.user_id.in_(by_id))
                                      .options(joinedload(HouseholdMembership.household)
                                               .joinedload(Household.building))
                                      .order_by(HouseholdMembership.id)):
        homes[membership.user_id].append(membership)
    for user_id, memberships in homes.items():
        set_committed_value(by_id[user_id], "memberships", memberships)


def _listings(session: Session, enterprise_id: int, now: datetime) -> list[tuple[ServiceListing, Upcoming | None]]:
    """Every listing of the enterprise, published first, with its slots ahead, in one query."""
    ahead = (select(ServiceSlot.listing_id, func.count(ServiceSlot.id).label("slots"),
                    func.sum(ServiceSlot.capacity - ServiceSlot.taken).label("free"),
                    func.min(ServiceSlot.starts_at).label("first"))
             .where(ServiceSlot.starts_at > now, ServiceSlot.withdrawn_at.is_(None))
             .group_by(ServiceSlot.listing_id).subquery())
    rows = session.execute(select(ServiceListing, ahead.c.slots, ahead.c.free, ahead.c.first)
                           .outerjoin(ahead, ahead.c.listing_id == ServiceListing.id)
                           .where(ServiceListing.enterprise_id == enterprise_id)
                           .order_by(ServiceListing.published.desc(), ServiceListing.title, ServiceListing.id))
    return [(listing, Upcoming(slots, int(free or 0), first) if slots else None)
            for listing, slots, free, first in rows]


def dashboard(session: Session, enterprise: Enterprise, now: datetime) -> Dashboard:
    today, pending = _bookings_to_answer(session, enterprise.id, now)
    recent = list(session.scalars(select(Review).where(Review.enterprise_id == enterprise.id,
                                                       Review.hidden_at.is_(None))
                                  .options(joinedload(Review.author))
                                  .order_by(Review.created_at.desc(), Review.id.desc()).limit(RECENT_REVIEWS)))
    with_homes(session, [b.user for b in today + pending] + [r.author for r in recent])
    activities = list(session.scalars(select(Activity).where(Activity.enterprise_id == enterprise.id)
                                      .order_by(Activity.starts_at.desc(), Activity.id.desc())
                                      .limit(ACTIVITIES_SHOWN)))
    return Dashboard(enterprise=enterprise, today=today, pending=pending,
                     rating=reviews.ratings_of_enterprises(session, [enterprise.id]).get(enterprise.id),
                     recent_reviews=recent, listings=_listings(session, enterprise.id, now), activities=activities)


@dataclass(frozen=True)
class MyBookings:
    open: list[Booking]       # requested or accepted: soonest slot first, inquiries after them
    others: list[Booking]     # declined, completed or cancelled: newest first
    reviewed: set[int]        # ids of the completed bookings the resident has rated


def my_bookings(session: Session, user: User) -> MyBookings:
    loaded = (joinedload(Booking.listing), joinedload(Booking.enterprise), joinedload(Booking.slot))
    open_rows = list(session.scalars(
        select(Booking).outerjoin(ServiceSlot, ServiceSlot.id == Booking.slot_id)
        .where(Booking.user_id == user.id, Booking.status.in_(rules.OPEN))
        .options(*loaded)
        .order_by(ServiceSlot.starts_at.is_(None), ServiceSlot.starts_at, Booking.requested_at, Booking.id)
        .limit(MY_BOOKINGS_SHOWN)))
    rows = session.execute(
        select(Booking, Review.id).outerjoin(Review, Review.booking_id == Booking.id)
        .where(Booking.user_id == user.id, Booking.status.not_in(rules.OPEN)).options(*loaded)
        .order_by(Booking.requested_at.desc(), Booking.id.desc()).limit(MY_BOOKINGS_SHOWN)).unique().all()
    return MyBookings(open=open_rows, others=[booking for booking, _ in rows],
                      reviewed={booking.id for booking, review_id in rows if review_id is not None})
