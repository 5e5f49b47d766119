"""Reviews through the service: only the resident of a completed booking rates it, 1–5, once; the enterprise replies
once and the author is told; a review hidden by moderation leaves the averages. (Two reviews sent at the same
moment: test_bookings_concurrency.)"""
from decimal import Decimal

import pytest
from flask import current_app
from sqlalchemy import func, select

from neighbourhood.audit.services import verify_chain
from neighbourhood.db import DomainError
from neighbourhood.enterprises import bookings, reviews
from neighbourhood.enterprises.models import Review
from neighbourhood.moderation import services as moderation
from neighbourhood.notifications.models import Notification
from tests import factories
from tests.enterprises.helpers import enterprise, listing


@pytest.fixture(autouse=True)
def in_english(app):
    """Refusals read in English, so the tests can tell them apart."""
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        yield


@pytest.fixture
def operator(world):
    return world.users["enterprise"]


@pytest.fixture
def canteen(session, world, operator):
    made = enterprise(session, world.compound, operator)
    session.commit()
    return made


@pytest.fixture
def lunch(session, canteen):
    made = listing(session, canteen, slots=3, capacity=5)
    session.commit()
    return made


def _booking(session, lunch, user, operator, *, upto="completed", slot_index=0):
    made = bookings.request(session, listing=lunch, user=user, slot=lunch.slots[slot_index])
    if upto in ("accepted", "completed"):
        bookings.accept(session, booking=made, by=operator)
    if upto == "completed":
        bookings.complete(session, booking=made, by=operator)
    if upto == "declined":
        bookings.decline(session, booking=made, by=operator, reason="满了")
    if upto == "cancelled":
        bookings.cancel(session, booking=made, by=user)
    session.commit()
    return made


def _refused(session, call) -> str:
    with pytest.raises(DomainError) as refusal:
        call()
    session.rollback()
    return str(refusal.value)


def _reviews(session) -> int:
    return session.scalar(select(func.count()).select_from(Review))


def test_the_booker_rates_a_completed_booking(session, lunch, world, operator, canteen):
    booking = _booking(session, lunch, world.users["resident"], operator)

    made = reviews.review(session, booking=booking, by=world.users["resident"], rating=5, body="  饭菜可口，分量足 ")
    session.commit()

    assert (made.rating, made.body, made.listing_id, made.enterprise_id) == (5, "饭菜可口，分量足", lunch.id, canteen.id)
    assert (made.compound_id, made.author_id) == (world.compound.id, world.users["resident"].id)
    assert verify_chain(session).ok


@pytest.mark.parametrize("upto", ["requested", "accepted", "declined", "cancelled"])
def test_a_booking_is_rated_only_once_completed(session, lunch, world, operator, upto):
    booking = _booking(session, lunch, world.users["resident"], operator, upto=upto)

    message = _refused(session, lambda: reviews.review(session, booking=booking, by=world.users["resident"],
                                                       rating=4))

    assert "once it is completed" in message
    assert _reviews(session) == 0


@pytest.mark.parametrize("who", ["owner", "enterprise", "station"])
def test_only_the_resident_who_booked_rates_it(session, lunch, world, operator, who):
    booking = _booking(session, lunch, world.users["resident"], operator)

    message = _refused(session, lambda: reviews.review(session, booking=booking, by=world.users[who], rating=1))

    assert "Only the resident who booked" in message
    assert _reviews(session) == 0


def test_a_booking_is_rated_once(session, lunch, world, operator):
    resident = world.users["resident"]
    booking = _booking(session, lunch, resident, operator)
    reviews.review(session, booking=booking, by=resident, rating=5)
    session.commit()

    message = _refused(session, lambda: reviews.review(session, booking=booking, by=resident, rating=1))

    assert "already" in message
    assert session.scalars(select(Review.rating)).all() == [5]


def test_a_second_booking_is_rated_on_its_own(session, lunch, world, operator):
    resident = world.users["resident"]
    for slot_index, rating in ((0, 5), (1, 3)):
        booking = _booking(session, lunch, resident, operator, slot_index=slot_index)
        reviews.review(session, booking=booking, by=resident, rating=rating)
    session.commit()

    assert sorted(session.scalars(select(Review.rating))) == [3, 5]


@pytest.mark.parametrize("rating", [0, 6, -1, "5", 4.5, True, None])
def test_ratings_are_whole_numbers_from_1_to_5(session, lunch, world, operator, rating):
    booking = _booking(session, lunch, world.users["resident"], operator)

    message = _refused(session, lambda: reviews.review(session, booking=booking, by=world.users["resident"],
                                                       rating=rating))

    assert "from 1 to 5" in message


@pytest.mark.parametrize("rating", [1, 5])
def test_the_ends_of_the_scale_are_ratings(session, lunch, world, operator, rating):
    booking = _booking(session, lunch, world.users["resident"], operator)
    assert reviews.review(session, booking=booking, by=world.users["resident"], rating=rating).rating == rating


def test_a_review_over_1000_characters_is_refused(session, lunch, world, operator):
    booking = _booking(session, lunch, world.users["resident"], operator)

    assert "1000" in _refused(session, lambda: reviews.review(session, booking=booking, by=world.users["resident"],
                                                              rating=4, body="好" * 1001))
    assert _reviews(session) == 0


@pytest.fixture
def reviewed(session, lunch, world, operator):
    booking = _booking(session, lunch, world.users["resident"], operator)
    made = reviews.review(session, booking=booking, by=world.users["resident"], rating=4, body="好吃，就是有点咸")
    session.commit()
    return made


def test_the_enterprise_replies_once_and_the_author_is_told(session, reviewed, world, operator, canteen):
    reviews.reply(session, review_obj=reviewed, by=operator, text=" 谢谢，下次少放盐。 ")
    session.commit()

    assert (reviewed.reply, reviewed.replied_by_id) == ("谢谢，下次少放盐。", operator.id)
    told = session.scalars(select(Notification).where(Notification.kind == "review.replied")).one()
    assert told.user_id == world.users["resident"].id
    assert told.params == {"enterprise": "玉林邻里食堂", "title": "老人午餐"}
    assert told.url == f"/enterprises/{canteen.id}#review-{reviewed.id}"

    assert "already" in _refused(session, lambda: reviews.reply(session, review_obj=reviewed, by=operator,
                                                                text="再补充一句"))
    assert session.get(Review, reviewed.id).reply == "谢谢，下次少放盐。"
    assert verify_chain(session).ok


@pytest.mark.parametrize("text", ["", "   ", "谢" * 1001])
def test_a_reply_has_text_of_up_to_1000_characters(session, reviewed, operator, text):
    assert "reply of up to 1000" in _refused(session, lambda: reviews.reply(session, review_obj=reviewed,
                                                                            by=operator, text=text))
    assert session.get(Review, reviewed.id).replied_at is None


def _rated(session, lunch, world, operator, ratings):
    """Completed bookings of `lunch` by new residents, rated as given."""
    made = []
    for rating in ratings:
        person = factories.verified_resident(session, current_app.config, world.compound, display_name="食客")
        booking = _booking(session, lunch, person, operator)
        made.append(reviews.review(session, booking=booking, by=person, rating=rating))
    session.commit()
    return made


def test_averages_count_visible_reviews_to_one_decimal_half_up(session, lunch, world, operator, canteen):
    _rated(session, lunch, world, operator, [5, 4, 4, 4])          # 4.25 → 4.3
    soup = listing(session, canteen, title="老火汤")
    _rated(session, soup, world, operator, [5, 4])                 # 4.5

    by_listing = reviews.ratings_of_listings(session, [lunch.id, soup.id, 999])
    assert (by_listing[lunch.id].average, by_listing[lunch.id].count) == (Decimal("4.3"), 4)
    assert (by_listing[soup.id].average, by_listing[soup.id].count) == (Decimal("4.5"), 2)
    assert 999 not in by_listing
    by_enterprise = reviews.ratings_of_enterprises(session, [canteen.id])
    assert (by_enterprise[canteen.id].average, by_enterprise[canteen.id].count) == (Decimal("4.3"), 6)
    assert reviews.ratings_of_listings(session, []) == {}


def test_a_hidden_review_leaves_the_averages_and_a_restored_one_returns(session, lunch, world, operator, canteen):
    low, *_ = _rated(session, lunch, world, operator, [1, 5, 5])
    council = world.users["council"]

    moderation.hide(session, kind="review", item=low, by=council, reason="personal_attack")
    session.commit()
    assert reviews.ratings_of_listings(session, [lunch.id])[lunch.id] == reviews.Rating(Decimal("5.0"), 2)
    assert reviews.ratings_of_enterprises(session, [canteen.id])[canteen.id] == reviews.Rating(Decimal("5.0"), 2)

    moderation.restore(session, kind="review", item=low, by=council)
    session.commit()
    assert reviews.ratings_of_listings(session, [lunch.id])[lunch.id] == reviews.Rating(Decimal("3.7"), 3)


def test_when_every_review_is_hidden_the_listing_has_no_rating(session, lunch, world, operator):
    (only,) = _rated(session, lunch, world, operator, [2])
    moderation.hide(session, kind="review", item=only, by=world.users["council"], reason="advertising")
    session.commit()

    assert reviews.ratings_of_listings(session, [lunch.id]) == {}
