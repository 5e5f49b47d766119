"""Booking through the pages: a request for a time and an inquiry without one, the enterprise's answers, the
cancellation rules on both sides, the notices each side gets, and the booking page's query count and weight."""
from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import select

from neighbourhood.db import utcnow
from neighbourhood.enterprises import bookings
from neighbourhood.enterprises.models import Booking, BookingStatus, ServiceSlot
from neighbourhood.notifications.models import Notification
from tests.accounts.helpers import english
from tests.enterprises.helpers import HOME, enterprise, listing
from tests.projects.helpers import measure
from tests.web.test_budgets import HTML_BUDGET, TOTAL_BUDGET, page_weight


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def notices(session, user, kind: str) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                           Notification.kind == kind)))


def a_service(session, world, **kwargs):
    world.compound.latitude, world.compound.longitude = HOME
    made = listing(session, enterprise(session, world.compound, world.users["enterprise"]), **kwargs)
    session.commit()
    return made


def only_booking(session) -> Booking:
    return session.scalars(select(Booking)).one()


def test_a_request_for_a_time_goes_to_the_enterprise_and_each_answer_to_the_resident(session, world, client_as):
    service = a_service(session, world)
    slot_id = service.slots[0].id
    resident, operator = english(client_as("resident")), english(client_as("enterprise"))

    sent = resident.post(f"/services/{service.id}/book", data={"slot": slot_id, "message": "少放盐"})
    booking = only_booking(session)
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/bookings/{booking.id}")
    assert booking.status is BookingStatus.REQUESTED and booking.slot_id == slot_id
    assert session.get(ServiceSlot, slot_id).taken == 1
    assert len(notices(session, world.users["enterprise"], "booking.requested")) == 1
    page = text(resident.get(f"/bookings/{booking.id}"))
    assert "Your request is sent" in page and "少放盐" in page and "¥12 每餐" in page and "Cancel my booking" in page

    board = text(operator.get("/enterprise/"))
    assert f'id="pending-{booking.id}"' in board and "少放盐" in board
    assert operator.post(f"/bookings/{booking.id}/accept", data={"next": "/enterprise/"}) \
        .headers["Location"].endswith("/enterprise/")
    assert session.get(Booking, booking.id).status is BookingStatus.ACCEPTED
    assert len(notices(session, world.users["resident"], "booking.accepted")) == 1
    assert "Mark as completed" in text(operator.get(f"/bookings/{booking.id}"))

    operator.post(f"/bookings/{booking.id}/complete")
    assert session.get(Booking, booking.id).status is BookingStatus.COMPLETED
    assert len(notices(session, world.users["resident"], "booking.completed")) == 1
    page = text(resident.get(f"/bookings/{booking.id}"))
    assert "Accepted by the enterprise" in page and "Publish my rating" in page

    resident.post(f"/bookings/{booking.id}/review", data={"rating": "4", "body": "味道好"})
    assert "4.0 out of 5 from 1 reviews" in text(operator.get("/enterprise/"))


def test_an_inquiry_needs_a_message_and_takes_no_place(session, world, client_as):
    service = a_service(session, world)
    resident = english(client_as("resident"))

    sent = resident.post(f"/services/{service.id}/book", data={"slot": "", "message": "周末能送餐上门吗？"})
    booking = only_booking(session)
    assert sent.status_code == 302 and booking.slot_id is None and booking.message == "周末能送餐上门吗？"
    assert session.get(ServiceSlot, service.slots[0].id).taken == 0
    assert "An inquiry, without a time" in text(resident.get(f"/bookings/{booking.id}"))


def test_a_full_slot_brings_the_listing_page_back_with_the_message_kept(session, world, client_as):
    service = a_service(session, world, capacity=1)
    slot = service.slots[0]
    bookings.request(session, listing=service, user=world.users["owner"], slot=slot)
    session.commit()

    refused = english(client_as("resident")).post(f"/services/{service.id}/book",
                                                   data={"slot": slot.id, "message": "两份，谢谢"})
    page = text(refused)
    assert refused.status_code == 200 and "fully booked" in page and "两份，谢谢" in page
    assert session.scalar(select(Booking).where(Booking.user_id == world.users["resident"].id)) is None


def test_a_slot_of_another_listing_or_none_at_all_is_refused(session, world, client_as):
    service = a_service(session, world)
    other = listing(session, service.enterprise, title="上门理发")
    session.commit()
    resident = english(client_as("resident"))
    for slot_id in (other.slots[0].id, 999999):
        refused = resident.post(f"/services/{service.id}/book", data={"slot": slot_id, "message": ""})
        assert refused.status_code == 200 and "This time is no longer open" in text(refused)
    assert session.scalars(select(Booking)).all() == []


def test_an_unpublished_listing_is_not_bookable(session, world, client_as):
    service = a_service(session, world, published=False)
    assert client_as("resident").post(f"/services/{service.id}/book", data={"message": "在吗"}).status_code == 404
    assert client_as("resident").post("/services/999999/book", data={"message": "在吗"}).status_code == 404


def test_declining_needs_a_reason_and_tells_the_resident(session, world, client_as):
    service = a_service(session, world)
    booking = bookings.request(session, listing=service, user=world.users["resident"], slot=service.slots[0])
    session.commit()
    operator = english(client_as("enterprise"))

    operator.post(f"/bookings/{booking.id}/decline", data={"reason": "  "})
    assert "Tell the resident why" in text(operator.get(f"/bookings/{booking.id}"))
    assert session.get(Booking, booking.id).status is BookingStatus.REQUESTED

    operator.post(f"/bookings/{booking.id}/decline", data={"reason": "那天厨师休息"})
    assert session.get(Booking, booking.id).status is BookingStatus.DECLINED
    assert session.get(ServiceSlot, service.slots[0].id).taken == 0
    assert len(notices(session, world.users["resident"], "booking.declined")) == 1
    assert notices(session, world.users["enterprise"], "booking.declined") == []
    page = text(english(client_as("resident")).get(f"/bookings/{booking.id}"))
    assert "Declined by the enterprise" in page and "那天厨师休息" in page and "Cancel my booking" not in page


def test_the_resident_cancels_until_two_hours_before_and_the_enterprise_is_told(session, world, client_as):
    service = a_service(session, world)
    booking = bookings.request(session, listing=service, user=world.users["resident"], slot=service.slots[0])
    bookings.accept(session, booking=booking, by=world.users["enterprise"])
    session.commit()

    english(client_as("resident")).post(f"/bookings/{booking.id}/cancel", data={"reason": "临时有事"})
    assert session.get(Booking, booking.id).status is BookingStatus.CANCELLED
    assert len(notices(session, world.users["enterprise"], "booking.cancelled")) == 1
    assert session.get(ServiceSlot, service.slots[0].id).taken == 0
    page = text(english(client_as("enterprise")).get(f"/bookings/{booking.id}"))
    assert "Cancelled by the resident" in page and "临时有事" in page


def test_within_two_hours_the_resident_is_told_to_call(session, world, client_as):
    service = a_service(session, world, slots=0)
    soon = utcnow().replace(microsecond=0) + timedelta(hours=1)
    slot = ServiceSlot(listing_id=service.id, community_id=service.community_id, starts_at=soon,
                       ends_at=soon + timedelta(hours=1), capacity=2)
    session.add(slot)
    session.flush()
    booking = bookings.request(session, listing=service, user=world.users["resident"], slot=slot)
    bookings.accept(session, booking=booking, by=world.users["enterprise"])
    session.commit()
    resident = english(client_as("resident"))

    page = text(resident.get(f"/bookings/{booking.id}"))
    assert "too late to cancel here" in page and "028-85551234" in page and "Cancel my booking" not in page
    resident.post(f"/bookings/{booking.id}/cancel", data={"reason": ""})
    assert session.get(Booking, booking.id).status is BookingStatus.ACCEPTED


def test_the_enterprise_cancels_only_with_a_reason_and_the_resident_is_told(session, world, client_as):
    service = a_service(session, world)
    booking = bookings.request(session, listing=service, user=world.users["resident"], slot=service.slots[0])
    bookings.accept(session, booking=booking, by=world.users["enterprise"])
    session.commit()
    operator = english(client_as("enterprise"))

    operator.post(f"/bookings/{booking.id}/cancel", data={"reason": ""})
    assert session.get(Booking, booking.id).status is BookingStatus.ACCEPTED
    operator.post(f"/bookings/{booking.id}/cancel", data={"reason": "停水，无法做饭"})
    assert session.get(Booking, booking.id).status is BookingStatus.CANCELLED
    assert len(notices(session, world.users["resident"], "booking.cancelled")) == 1
    page = text(english(client_as("resident")).get(f"/bookings/{booking.id}"))
    assert "Cancelled by the enterprise" in page and "停水，无法做饭" in page


def test_only_the_resident_and_the_operators_see_a_booking(app, session, world, client_as):
    service = a_service(session, world)
    booking = bookings.request(session, listing=service, user=world.users["resident"], message="请问几点送到？")
    session.commit()
    assert client_as("resident").get(f"/bookings/{booking.id}").status_code == 200
    assert client_as("enterprise").get(f"/bookings/{booking.id}").status_code == 200
    for role in ("owner", "station", "admin", "council"):
        assert client_as(role).get(f"/bookings/{booking.id}").status_code == 403, role
    assert client_as("resident").get("/bookings/999999").status_code == 404
    # The operator reads the resident's public name, never their phone number.
    page = text(client_as("enterprise").get(f"/bookings/{booking.id}"))
    assert "李阿姨" in page and world.users["resident"].phone not in page


def test_the_booking_page_keeps_its_query_count_and_weight(session, world, client_as, count_queries):
    service = a_service(session, world)
    booking = bookings.request(session, listing=service, user=world.users["resident"], slot=service.slots[0],
                               message="少放盐")
    session.commit()
    for role in ("resident", "enterprise"):
        client = client_as(role)
        assert measure(count_queries, client, f"/bookings/{booking.id}") <= 12
        html_size, total, _ = page_weight(client, f"/bookings/{booking.id}")
        assert html_size <= HTML_BUDGET and total <= TOTAL_BUDGET


def test_htmx_asks_for_the_actions_alone(session, world, client_as):
    service = a_service(session, world)
    booking = bookings.request(session, listing=service, user=world.users["resident"], slot=service.slots[0])
    session.commit()
    fragment = client_as("enterprise").get(f"/bookings/{booking.id}", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert '<section class="card" id="booking-actions">' in body and "<html" not in body
    assert f"/bookings/{booking.id}/accept" in body
