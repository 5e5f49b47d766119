"""Rating a completed booking from its page (only its resident, once, once completed) and the enterprise's one
reply, from the profile's or the dashboard's form."""
from __future__ import annotations

import html

from sqlalchemy import func, select

from neighbourhood.enterprises import bookings, reviews
from neighbourhood.enterprises.models import Review
from neighbourhood.notifications.models import Notification
from tests.accounts.helpers import english
from tests.enterprises.helpers import enterprise, listing


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def booked(session, world, *, resident="resident", completed=True):
    operator = world.users["enterprise"]
    service = listing(session, enterprise(session, world.compound, operator))
    booking = bookings.request(session, listing=service, user=world.users[resident], slot=service.slots[0])
    if completed:
        bookings.accept(session, booking=booking, by=operator)
        bookings.complete(session, booking=booking, by=operator)
    session.commit()
    return booking


def review_count(session) -> int:
    return session.scalar(select(func.count(Review.id)))


def test_the_resident_rates_a_completed_booking_once(session, world, client_as):
    booking = booked(session, world)
    resident = english(client_as("resident"))

    sent = resident.post(f"/bookings/{booking.id}/review", data={"rating": "5", "body": "阿姨做的饭很香"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("#booking-review")
    page = text(resident.get(f"/bookings/{booking.id}"))
    assert "阿姨做的饭很香" in page and "★★★★★" in page and "Publish my rating" not in page
    again = resident.post(f"/bookings/{booking.id}/review", data={"rating": "1", "body": "改主意了"})
    assert again.status_code == 200 and "You have rated this booking already" in text(again)
    assert review_count(session) == 1


def test_a_booking_not_yet_completed_is_not_rated(session, world, client_as):
    booking = booked(session, world, completed=False)
    refused = english(client_as("resident")).post(f"/bookings/{booking.id}/review", data={"rating": "4"})
    assert refused.status_code == 200 and "rated once it is completed" in text(refused)
    assert review_count(session) == 0


def test_a_rating_outside_one_to_five_comes_back_with_the_text_kept(session, world, client_as):
    booking = booked(session, world)
    refused = english(client_as("resident")).post(f"/bookings/{booking.id}/review",
                                                  data={"rating": "9", "body": "还行"})
    assert refused.status_code == 200 and "还行" in text(refused) and review_count(session) == 0


def test_someone_elses_booking_is_not_theirs_to_rate(session, world, client_as):
    booking = booked(session, world)
    for role in ("owner", "enterprise", "station"):
        assert client_as(role).post(f"/bookings/{booking.id}/review", data={"rating": "1"}).status_code == 403
    assert review_count(session) == 0


def test_the_enterprise_replies_once_and_the_author_is_told(session, world, client_as):
    booking = booked(session, world)
    made = reviews.review(session, booking=booking, by=world.users["resident"], rating=3, body="有点咸")
    session.commit()
    operator = english(client_as("enterprise"))

    sent = operator.post(f"/reviews/{made.id}/reply", data={"text": "谢谢，我们会少放盐。"})
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith(f"/enterprises/{booking.enterprise_id}#review-{made.id}")
    assert session.get(Review, made.id).reply == "谢谢，我们会少放盐。"
    told = session.scalars(select(Notification).where(Notification.kind == "review.replied")).all()
    assert [n.user_id for n in told] == [world.users["resident"].id]

    operator.post(f"/reviews/{made.id}/reply", data={"text": "再补充一句"})
    assert session.get(Review, made.id).reply == "谢谢，我们会少放盐。"
    page = text(english(client_as("resident")).get(f"/bookings/{booking.id}"))
    assert "谢谢，我们会少放盐。" in page and "再补充一句" not in page


def test_a_reply_from_the_dashboard_goes_back_to_it(session, world, client_as):
    booking = booked(session, world)
    made = reviews.review(session, booking=booking, by=world.users["resident"], rating=4)
    session.commit()
    operator = english(client_as("enterprise"))
    back = f"/enterprise/?enterprise={booking.enterprise_id}"

    empty = operator.post(f"/reviews/{made.id}/reply", data={"text": "", "next": back})
    assert empty.headers["Location"].endswith(back) and session.get(Review, made.id).reply == ""
    sent = operator.post(f"/reviews/{made.id}/reply", data={"text": "欢迎再来", "next": back})
    assert sent.headers["Location"].endswith(back)
    # Anywhere else named as `next` is ignored: the reply goes back to the profile.
    other = reviews.review(session, booking=booked(session, world, resident="owner"), by=world.users["owner"],
                           rating=5)
    session.commit()
    away = operator.post(f"/reviews/{other.id}/reply", data={"text": "谢谢", "next": "https://example.com/"})
    assert "example.com" not in away.headers["Location"]


def test_only_the_operators_reply(session, world, client_as):
    booking = booked(session, world)
    made = reviews.review(session, booking=booking, by=world.users["resident"], rating=2)
    session.commit()
    for role in ("resident", "station", "council"):
        assert client_as(role).post(f"/reviews/{made.id}/reply", data={"text": "冒充"}).status_code == 403
    assert session.get(Review, made.id).reply == ""
