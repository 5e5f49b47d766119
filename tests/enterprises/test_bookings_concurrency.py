"""Bookings at the same moment, on real threads with their own connections and transactions (SQLite: a file
database; PostgreSQL when DATABASE_URL is set): a slot never takes more than its capacity, an accept and a cancel of
one booking never both happen, time coins never go below zero, and a booking is reviewed once."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from neighbourhood.accounts.models import User
from neighbourhood.audit.services import verify_chain
from neighbourhood.db import DomainError, utcnow
from neighbourhood.enterprises import bookings, reviews
from neighbourhood.enterprises.models import (
    Booking, BookingStatus, EnterpriseStatus, PriceKind, Review, ServiceListing, ServiceSlot,
)
from neighbourhood.extensions import db
from neighbourhood.volunteering import timebank
from neighbourhood.volunteering.models import CoinEntry
from tests import factories
from tests.concurrency import file_database, run_together
from tests.enterprises.helpers import enterprise, listing
from tests.volunteering.helpers import activity, served


@pytest.fixture
def app_overrides(tmp_path):
    return file_database(tmp_path)


def _in_own_session(app, job):
    """Run `job(session)` in a fresh app context and session and commit; "refused" when a rule says no (rolled
    back, as the views do)."""
    def run():
        with app.app_context():
            session = db.session
            try:
                outcome = job(session)
                session.commit()
                return outcome
            except DomainError:
                session.rollback()
                return "refused"
            finally:
                session.remove()
    return run


def _request(listing_id, slot_id, user_id):
    def job(session):
        bookings.request(session, listing=session.get(ServiceListing, listing_id),
                         slot=session.get(ServiceSlot, slot_id), user=session.get(User, user_id))
        return "booked"
    return job


def _accept(booking_id, operator_id):
    def job(session):
        bookings.accept(session, booking=session.get(Booking, booking_id), by=session.get(User, operator_id))
        return "accepted"
    return job


def _withdraw(booking_id):
    def job(session):
        booking = session.get(Booking, booking_id)
        bookings.cancel(session, booking=booking, by=booking.user)
        return "cancelled"
    return job


def _review(booking_id, rating):
    def job(session):
        booking = session.get(Booking, booking_id)
        reviews.review(session, booking=booking, by=booking.user, rating=rating, body="饭菜可口")
        return "reviewed"
    return job


def _slot_taken(session, slot_id):
    session.expire_all()
    return session.get(ServiceSlot, slot_id).taken


def test_ten_residents_requesting_a_three_place_slot_at_once_get_three_places(app, session, world):
    lunch = listing(session, enterprise(session, world.compound, world.users["enterprise"]), capacity=3)
    people = [factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{i}")
              for i in range(10)]
    session.commit()
    listing_id, slot_id, people_ids = lunch.id, lunch.slots[0].id, [p.id for p in people]

    outcomes = run_together([_in_own_session(app, _request(listing_id, slot_id, user_id)) for user_id in people_ids])

    assert sorted(outcomes) == ["booked"] * 3 + ["refused"] * 7, outcomes
    assert _slot_taken(session, slot_id) == 3
    assert session.scalar(select(func.count()).select_from(Booking)) == 3
    assert verify_chain(session).ok


def _decline(booking_id, operator_id):
    def job(session):
        bookings.decline(session, booking=session.get(Booking, booking_id), by=session.get(User, operator_id),
                         reason="今天满了")
        return "declined"
    return job


def _request_for_the_next_hour(session, world):
    """A lunch request whose slot starts within the resident's two hours' notice: they may withdraw it while it is
    a request, but once accepted only a call cancels it."""
    lunch = listing(session, enterprise(session, world.compound, world.users["enterprise"]))
    booking = bookings.request(session, listing=lunch, user=world.users["resident"], slot=lunch.slots[0])
    booking.slot.starts_at = utcnow() + timedelta(hours=1)
    booking.slot.ends_at = booking.slot.starts_at + timedelta(hours=1)
    session.commit()
    return booking.id, booking.slot_id, world.users["enterprise"].id


@pytest.mark.parametrize("attempt", range(3))
def test_an_accept_and_a_withdrawal_at_once_only_one_wins(app, session, world, attempt):
    booking_id, slot_id, operator_id = _request_for_the_next_hour(session, world)

    outcomes = run_together([_in_own_session(app, _accept(booking_id, operator_id)),
                             _in_own_session(app, _withdraw(booking_id))])

    assert sorted(outcomes) in (["accepted", "refused"], ["cancelled", "refused"]), outcomes
    session.expire_all()
    status = session.get(Booking, booking_id).status
    if "accepted" in outcomes:
        assert (status, _slot_taken(session, slot_id)) == (BookingStatus.ACCEPTED, 1)
    else:
        assert (status, _slot_taken(session, slot_id)) == (BookingStatus.CANCELLED, 0)


@pytest.mark.parametrize("attempt", range(3))
def test_a_decline_and_a_withdrawal_at_once_free_the_place_once(app, session, world, attempt):
    booking_id, slot_id, operator_id = _request_for_the_next_hour(session, world)

    outcomes = run_together([_in_own_session(app, _decline(booking_id, operator_id)),
                             _in_own_session(app, _withdraw(booking_id))])

    assert sorted(outcomes) in (["declined", "refused"], ["cancelled", "refused"]), outcomes
    assert _slot_taken(session, slot_id) == 0
    assert session.get(Booking, booking_id).status.value == next(o for o in outcomes if o != "refused")


def test_four_requests_at_once_with_coins_for_two_book_two(app, session, world):
    resident = world.users["resident"]
    served(session, activity(session, world.compound, world.users["council"]).shifts[0], resident,
           world.users["council"], hours=3)
    barber = enterprise(session, world.compound, world.users["enterprise"], name="邻里理发室",
                        status=EnterpriseStatus.LISTED)
    haircut = listing(session, barber, title="上门理发", price_kind=PriceKind.TIME_COINS, price=Decimal("1.5"),
                      slots=4, capacity=1)
    session.commit()
    listing_id, slot_ids, resident_id = haircut.id, [s.id for s in haircut.slots], resident.id

    outcomes = run_together([_in_own_session(app, _request(listing_id, slot_id, resident_id))
                             for slot_id in slot_ids])

    assert sorted(outcomes) == ["booked"] * 2 + ["refused"] * 2, outcomes
    session.expire_all()
    assert timebank.balance_of(session, session.get(User, resident_id)) == Decimal("0.00")
    assert sum(_slot_taken(session, slot_id) for slot_id in slot_ids) == 2
    assert session.scalar(select(func.count()).select_from(Booking)) == 2
    assert session.scalar(select(func.sum(CoinEntry.amount)).where(CoinEntry.user_id == resident_id)) == 0
    assert verify_chain(session).ok


def test_two_reviews_of_one_booking_at_once_count_once(app, session, world):
    operator = world.users["enterprise"]
    lunch = listing(session, enterprise(session, world.compound, operator))
    booking = bookings.request(session, listing=lunch, user=world.users["resident"], slot=lunch.slots[0])
    bookings.accept(session, booking=booking, by=operator)
    bookings.complete(session, booking=booking, by=operator)
    session.commit()
    booking_id = booking.id

    outcomes = run_together([_in_own_session(app, _review(booking_id, rating)) for rating in (5, 4)])

    assert sorted(outcomes) == ["refused", "reviewed"], outcomes
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Review)) == 1
    assert verify_chain(session).ok
