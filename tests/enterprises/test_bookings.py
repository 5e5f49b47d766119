"""Bookings through the service: a request takes a place (or is an inquiry with a message), the enterprise accepts,
declines with a reason, or completes; either side cancels within the rules; a second tab finds the booking moved on.
Places and time coins come back when a booking falls through, each side is told what the other did, and the audit
chain still verifies.

A refusal is followed by a rollback, as the views do (web.actions), and "nothing changed" is checked after it."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.audit.services import verify_chain
from neighbourhood.db import DomainError, utcnow
from neighbourhood.enterprises import bookings
from neighbourhood.enterprises.models import (
    Booking, BookingStatus, EnterpriseOperator, EnterpriseStatus, PriceKind, ServiceSlot,
)
from neighbourhood.notifications.models import Notification
from neighbourhood.volunteering import timebank
from neighbourhood.volunteering.models import CoinEntry, CoinMovement
from tests import factories
from tests.enterprises.helpers import enterprise, listing
from tests.volunteering.helpers import activity, served


@pytest.fixture(autouse=True)
def in_english(app):
    """Refusals read in English, so the tests can tell them apart."""
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        yield


@pytest.fixture
def canteen(session, world):
    """玉林邻里食堂, certified, run by 刘师傅 and a second operator."""
    made = enterprise(session, world.compound, world.users["enterprise"])
    session.add(EnterpriseOperator(enterprise_id=made.id, user_id=world.users["admin"].id))
    session.commit()
    return made


@pytest.fixture
def lunch(session, canteen):
    """Lunch at ¥12, two days ahead, two slots of two places."""
    made = listing(session, canteen, slots=2, capacity=2)
    session.commit()
    return made


@pytest.fixture
def resident(world):
    return world.users["resident"]


def _refused(session, call) -> str:
    with pytest.raises(DomainError) as refusal:
        call()
    session.rollback()
    return str(refusal.value)


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def _taken(session, slot_id) -> int:
    return session.scalar(select(ServiceSlot.taken).where(ServiceSlot.id == slot_id))


def _told(session, user, kind) -> int:
    return _count(session, Notification, Notification.user_id == user.id, Notification.kind == kind)


def _booked(session, lunch, resident, slot_index=0):
    made = bookings.request(session, listing=lunch, user=resident, slot=lunch.slots[slot_index])
    session.commit()
    return made


# Requests


def test_a_request_takes_a_place_and_keeps_the_price_of_the_moment(session, lunch, resident, world):
    slot = lunch.slots[0]
    booking = bookings.request(session, listing=lunch, user=resident, slot=slot, message=" 少放盐 ")
    session.commit()

    assert booking.status is BookingStatus.REQUESTED and booking.message == "少放盐"
    assert (booking.price_kind, booking.price) == (PriceKind.YUAN, Decimal("12.00"))
    assert (booking.compound_id, booking.community_id) == (world.compound.id, world.community.id)
    assert _taken(session, slot.id) == 1

    lunch.price = Decimal("15.00")
    session.commit()
    session.expire_all()
    assert session.get(Booking, booking.id).price == Decimal("12.00")


def test_a_full_slot_is_refused_and_nothing_is_kept(app, session, lunch, resident, world):
    slot_id = lunch.slots[0].id
    bookings.request(session, listing=lunch, user=resident, slot=lunch.slots[0])
    bookings.request(session, listing=lunch, user=world.users["owner"], slot=lunch.slots[0])
    session.commit()
    late = factories.verified_resident(session, app.config, world.compound, display_name="晚来的邻居")
    session.commit()

    message = _refused(session, lambda: bookings.request(session, listing=lunch, user=late, slot=lunch.slots[0]))

    assert message == str(bookings.FULL)
    assert _taken(session, slot_id) == 2
    assert _count(session, Booking) == 2


def test_a_slot_of_another_listing_is_refused(session, canteen, lunch, resident):
    other = listing(session, canteen, title="送餐上门")
    session.commit()

    message = _refused(session, lambda: bookings.request(session, listing=lunch, user=resident, slot=other.slots[0]))

    assert "no longer open" in message
    assert _taken(session, other.slots[0].id) == 0 and _count(session, Booking) == 0


def test_a_slot_that_has_started_is_refused(session, lunch, resident):
    slot = lunch.slots[0]

    message = _refused(session, lambda: bookings.request(session, listing=lunch, user=resident, slot=slot,
                                                         now=slot.starts_at))

    assert "no longer open" in message
    assert _count(session, Booking) == 0


@pytest.mark.parametrize("status", [EnterpriseStatus.PENDING, EnterpriseStatus.SUSPENDED])
def test_an_enterprise_off_the_circle_takes_no_bookings(session, canteen, lunch, resident, status):
    canteen.status = status
    session.commit()

    message = _refused(session, lambda: bookings.request(session, listing=lunch, user=resident, slot=lunch.slots[0]))

    assert "not offered" in message
    assert _count(session, Booking) == 0 and _taken(session, lunch.slots[0].id) == 0


def test_a_listed_ordinary_provider_takes_bookings(session, canteen, lunch, resident):
    canteen.status = EnterpriseStatus.LISTED
    session.commit()

    assert _booked(session, lunch, resident).status is BookingStatus.REQUESTED


def test_an_unpublished_listing_takes_no_bookings(session, canteen, resident):
    draft = listing(session, canteen, published=False)
    session.commit()

    message = _refused(session, lambda: bookings.request(session, listing=draft, user=resident, slot=draft.slots[0]))

    assert "not offered" in message


def test_an_inquiry_needs_a_message_and_takes_no_place(session, lunch, resident):
    message = _refused(session, lambda: bookings.request(session, listing=lunch, user=resident, message="   "))
    assert "write what you would like to ask" in message

    inquiry = bookings.request(session, listing=lunch, user=resident, message="可以送到5楼吗？")
    session.commit()

    assert inquiry.slot_id is None and inquiry.status is BookingStatus.REQUESTED
    assert [_taken(session, s.id) for s in lunch.slots] == [0, 0]


def test_a_message_over_500_characters_is_refused(session, lunch, resident):
    message = _refused(session, lambda: bookings.request(session, listing=lunch, user=resident, slot=lunch.slots[0],
                                                         message="多" * 501))
    assert "500" in message
    assert _taken(session, lunch.slots[0].id) == 0


@pytest.mark.parametrize("who", ["unverified", "enterprise", "station", "outsider"])
def test_only_verified_residents_of_the_community_book(app, session, lunch, world, who):
    if who == "outsider":
        elsewhere = factories.compound(session, factories.community(session, name="芳草社区"), name="芳草东街小区")
        user = factories.verified_resident(session, app.config, elsewhere, display_name="外社区居民")
        session.commit()
    else:
        user = world.users[who]

    message = _refused(session, lambda: bookings.request(session, listing=lunch, user=user, slot=lunch.slots[0]))

    assert "verified residents" in message
    assert _count(session, Booking) == 0 and _taken(session, lunch.slots[0].id) == 0


def test_an_operator_who_lives_here_does_not_book_their_own_enterprise(session, canteen, lunch, world):
    neighbour_operator = world.users["council"]          # a verified resident of the compound
    session.add(EnterpriseOperator(enterprise_id=canteen.id, user_id=neighbour_operator.id))
    session.commit()

    message = _refused(session, lambda: bookings.request(session, listing=lunch, user=neighbour_operator,
                                                         slot=lunch.slots[0]))

    assert "You run this enterprise" in message and _count(session, Booking) == 0


def test_a_resident_of_the_other_compound_of_the_community_books(session, lunch, world):
    booking = _booked(session, lunch, world.users["other_council"])
    assert booking.compound_id == world.other_compound.id


# Answers, and the second tab


def test_accept_then_complete(session, lunch, resident, world):
    booking = _booked(session, lunch, resident)
    operator = world.users["enterprise"]

    bookings.accept(session, booking=booking, by=operator)
    session.commit()
    assert booking.status is BookingStatus.ACCEPTED and booking.answered_at is not None

    bookings.complete(session, booking=booking, by=operator)
    session.commit()
    assert booking.status is BookingStatus.COMPLETED and booking.completed_at is not None
    assert _taken(session, lunch.slots[0].id) == 1     # the place was used, not freed


def test_a_second_tab_finds_the_booking_answered(session, lunch, resident, world):
    booking = _booked(session, lunch, resident)
    operator = world.users["enterprise"]
    bookings.accept(session, booking=booking, by=operator)
    session.commit()

    assert _refused(session, lambda: bookings.accept(session, booking=booking, by=operator)) == \
        str(bookings.ALREADY_ANSWERED)
    assert _refused(session, lambda: bookings.decline(session, booking=booking, by=operator, reason="满了")) == \
        str(bookings.ALREADY_ANSWERED)
    assert session.get(Booking, booking.id).status is BookingStatus.ACCEPTED
    assert _taken(session, lunch.slots[0].id) == 1
    assert _told(session, resident, "booking.accepted") == 1


def test_a_request_is_not_completed_before_it_is_accepted(session, lunch, resident, world):
    booking = _booked(session, lunch, resident)

    _refused(session, lambda: bookings.complete(session, booking=booking, by=world.users["enterprise"]))

    assert session.get(Booking, booking.id).status is BookingStatus.REQUESTED


@pytest.mark.parametrize("end", ["declined", "completed", "cancelled"])
def test_a_settled_booking_moves_no_further(session, lunch, resident, world, end):
    operator = world.users["enterprise"]
    booking = _booked(session, lunch, resident)
    if end == "declined":
        bookings.decline(session, booking=booking, by=operator, reason="今天停业")
    else:
        bookings.accept(session, booking=booking, by=operator)
        if end == "completed":
            bookings.complete(session, booking=booking, by=operator)
        else:
            bookings.cancel(session, booking=booking, by=operator, reason="厨师生病")
    session.commit()
    taken = _taken(session, lunch.slots[0].id)

    for call in (lambda: bookings.accept(session, booking=booking, by=operator),
                 lambda: bookings.decline(session, booking=booking, by=operator, reason="再拒"),
                 lambda: bookings.complete(session, booking=booking, by=operator),
                 lambda: bookings.cancel(session, booking=booking, by=operator, reason="再取消"),
                 lambda: bookings.cancel(session, booking=booking, by=resident)):
        _refused(session, call)

    assert session.get(Booking, booking.id).status.value == end
    assert _taken(session, lunch.slots[0].id) == taken


def test_decline_needs_a_reason_and_frees_the_place(session, lunch, resident, world):
    booking = _booked(session, lunch, resident)
    operator = world.users["enterprise"]

    assert "why" in _refused(session, lambda: bookings.decline(session, booking=booking, by=operator, reason=" "))
    assert "why" in _refused(session, lambda: bookings.decline(session, booking=booking, by=operator,
                                                               reason="忙" * 501))
    assert session.get(Booking, booking.id).status is BookingStatus.REQUESTED

    bookings.decline(session, booking=booking, by=operator, reason="今天食材不够")
    session.commit()

    assert (booking.status, booking.reason) == (BookingStatus.DECLINED, "今天食材不够")
    assert _taken(session, lunch.slots[0].id) == 0


# Cancelling


def test_a_resident_withdraws_a_request_without_a_reason(session, lunch, resident):
    booking = _booked(session, lunch, resident)

    bookings.cancel(session, booking=booking, by=resident)
    session.commit()

    assert booking.status is BookingStatus.CANCELLED and booking.cancelled_by_id == resident.id
    assert _taken(session, lunch.slots[0].id) == 0


def test_a_resident_cancels_an_accepted_booking_until_two_hours_before(session, lunch, resident, world):
    first, second = _booked(session, lunch, resident, 0), _booked(session, lunch, resident, 1)
    for booking in (first, second):
        bookings.accept(session, booking=booking, by=world.users["enterprise"])
    session.commit()

    bookings.cancel(session, booking=first, by=resident, now=first.slot.starts_at - timedelta(hours=2))
    session.commit()
    assert first.status is BookingStatus.CANCELLED

    late = second.slot.starts_at - timedelta(hours=1, minutes=59)
    assert "too late" in _refused(session, lambda: bookings.cancel(session, booking=second, by=resident, now=late))
    assert session.get(Booking, second.id).status is BookingStatus.ACCEPTED
    assert _taken(session, second.slot_id) == 1


def test_the_enterprise_cancels_an_accepted_booking_at_any_time_with_a_reason(session, lunch, resident, world):
    operator = world.users["enterprise"]
    booking = _booked(session, lunch, resident)
    bookings.accept(session, booking=booking, by=operator)
    session.commit()
    just_before = booking.slot.starts_at - timedelta(minutes=10)

    assert "why" in _refused(session, lambda: bookings.cancel(session, booking=booking, by=operator,
                                                              now=just_before))

    bookings.cancel(session, booking=booking, by=operator, reason="燃气检修，今天停火", now=just_before)
    session.commit()
    assert (booking.status, booking.cancelled_by_id, booking.reason) == \
        (BookingStatus.CANCELLED, operator.id, "燃气检修，今天停火")
    assert _taken(session, lunch.slots[0].id) == 0


def test_the_enterprise_declines_a_request_rather_than_cancelling_it(session, lunch, resident, world):
    booking = _booked(session, lunch, resident)

    _refused(session, lambda: bookings.cancel(session, booking=booking, by=world.users["enterprise"],
                                              reason="不做了"))

    assert session.get(Booking, booking.id).status is BookingStatus.REQUESTED


# Time coins


@pytest.fixture
def coins_three(session, world, resident):
    """李阿姨 earns three coins by three confirmed hours of volunteering."""
    served(session, activity(session, world.compound, world.users["council"]).shifts[0], resident,
           world.users["council"], hours=3)
    session.commit()
    return resident


@pytest.fixture
def haircut(session, world):
    """A haircut for 2 time coins at a listed provider, two slots of one place."""
    barber = enterprise(session, world.compound, world.users["enterprise"], name="邻里理发室",
                        status=EnterpriseStatus.LISTED)
    made = listing(session, barber, title="上门理发", price_kind=PriceKind.TIME_COINS, price=Decimal("2"),
                   slots=2, capacity=1)
    session.commit()
    return made


def _entries(session, user, movement):
    return session.scalars(select(CoinEntry.amount).where(CoinEntry.user_id == user.id,
                                                          CoinEntry.movement == movement)).all()


def test_time_coins_are_taken_at_request(session, haircut, coins_three):
    _booked(session, haircut, coins_three)

    assert timebank.balance_of(session, coins_three) == Decimal("1.00")
    assert _entries(session, coins_three, CoinMovement.SPENT) == [Decimal("-2.00")]


def test_not_enough_coins_is_refused_with_nothing_changed(session, haircut, coins_three):
    _booked(session, haircut, coins_three, 0)

    message = _refused(session, lambda: bookings.request(session, listing=haircut, user=coins_three,
                                                         slot=haircut.slots[1]))

    assert message == str(timebank.NOT_ENOUGH)
    assert timebank.balance_of(session, coins_three) == Decimal("1.00")
    assert _taken(session, haircut.slots[1].id) == 0
    assert _count(session, Booking) == 1


def test_a_resident_without_any_coins_is_refused(session, haircut, world):
    owner = world.users["owner"]

    assert _refused(session, lambda: bookings.request(session, listing=haircut, user=owner,
                                                      slot=haircut.slots[0])) == str(timebank.NOT_ENOUGH)
    assert _count(session, Booking) == 0 and _taken(session, haircut.slots[0].id) == 0


def test_an_inquiry_about_a_time_coin_service_takes_no_coins(session, haircut, coins_three):
    bookings.request(session, listing=haircut, user=coins_three, message="周末可以上门吗？")
    session.commit()

    assert timebank.balance_of(session, coins_three) == Decimal("3.00")


@pytest.mark.parametrize("fall_through", ["declined", "withdrawn", "cancelled by the enterprise"])
def test_coins_come_back_when_a_booking_falls_through(session, haircut, coins_three, world, fall_through):
    operator = world.users["enterprise"]
    booking = _booked(session, haircut, coins_three)
    haircut.price = Decimal("3")      # a later price change: the refund is what was paid
    if fall_through == "declined":
        bookings.decline(session, booking=booking, by=operator, reason="师傅请假")
    elif fall_through == "withdrawn":
        bookings.cancel(session, booking=booking, by=coins_three)
    else:
        bookings.accept(session, booking=booking, by=operator)
        bookings.cancel(session, booking=booking, by=operator, reason="师傅请假")
    session.commit()

    assert timebank.balance_of(session, coins_three) == Decimal("3.00")
    assert _entries(session, coins_three, CoinMovement.REFUNDED) == [Decimal("2.00")]
    assert _taken(session, haircut.slots[0].id) == 0


def test_completed_coins_stay_spent(session, haircut, coins_three, world):
    booking = _booked(session, haircut, coins_three)
    bookings.accept(session, booking=booking, by=world.users["enterprise"])
    bookings.complete(session, booking=booking, by=world.users["enterprise"])
    session.commit()

    assert timebank.balance_of(session, coins_three) == Decimal("1.00")
    assert _entries(session, coins_three, CoinMovement.REFUNDED) == []


# Who is told, and the audit chain


def test_each_side_is_told_what_the_other_did(session, lunch, resident, world):
    operators = [world.users["enterprise"], world.users["admin"]]
    first = _booked(session, lunch, resident, 0)
    assert [_told(session, o, "booking.requested") for o in operators] == [1, 1]
    assert _told(session, resident, "booking.requested") == 0

    bookings.accept(session, booking=first, by=operators[0])
    bookings.complete(session, booking=first, by=operators[0])
    second = _booked(session, lunch, resident, 1)
    bookings.decline(session, booking=second, by=operators[1], reason="满了")
    third = _booked(session, lunch, resident, 1)
    bookings.accept(session, booking=third, by=operators[0])
    bookings.cancel(session, booking=third, by=operators[0], reason="停电")
    fourth = _booked(session, lunch, resident, 1)
    bookings.cancel(session, booking=fourth, by=resident)
    session.commit()

    for kind, times in (("booking.accepted", 2), ("booking.completed", 1), ("booking.declined", 1)):
        assert _told(session, resident, kind) == times, kind
        assert [_told(session, o, kind) for o in operators] == [0, 0], kind
    # The enterprise's cancellation goes to the resident; the resident's to both operators.
    assert _told(session, resident, "booking.cancelled") == 1
    assert [_told(session, o, "booking.cancelled") for o in operators] == [1, 1]
    declined = session.scalars(select(Notification).where(Notification.kind == "booking.declined")).one()
    assert declined.params == {"title": "老人午餐", "enterprise": "玉林邻里食堂", "reason": "满了"}
    assert declined.url == f"/bookings/{second.id}"


def test_every_step_is_in_the_audit_chain_which_verifies(session, haircut, coins_three, world):
    operator = world.users["enterprise"]
    declined = _booked(session, haircut, coins_three, 1)
    bookings.decline(session, booking=declined, by=operator, reason="满了")
    booking = _booked(session, haircut, coins_three)
    bookings.accept(session, booking=booking, by=operator)
    bookings.complete(session, booking=booking, by=operator)
    session.commit()

    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("booking.%"))
                              .order_by(AuditEntry.seq)).all()
    assert actions == ["booking.requested", "booking.declined", "booking.requested", "booking.accepted",
                       "booking.completed"]
    coins = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("timebank.%"))
                            .order_by(AuditEntry.seq)).all()
    assert coins == ["timebank.earned", "timebank.spent", "timebank.refunded", "timebank.spent"]
    assert verify_chain(session).ok


def test_requests_are_stamped_with_the_time_given(session, lunch, resident):
    moment = utcnow().replace(microsecond=0)
    booking = bookings.request(session, listing=lunch, user=resident, slot=lunch.slots[0], now=moment)
    session.commit()
    assert booking.requested_at == moment
