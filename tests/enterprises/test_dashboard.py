"""The enterprise dashboard (today's bookings, requests waiting, ratings and reviews, services, public-benefit
activities; choosing among one's enterprises) and the resident's bookings, with their query counts and weight."""
from __future__ import annotations

import html
from datetime import timedelta

from neighbourhood.db import utcnow
from neighbourhood.enterprises import bookings, reviews
from neighbourhood.enterprises.dashboard import local_day
from neighbourhood.enterprises.models import ServiceSlot
from tests import factories
from tests.accounts.helpers import english
from tests.enterprises.helpers import enterprise, listing
from tests.projects.helpers import measure
from tests.volunteering.helpers import activity
from tests.web.test_budgets import HTML_BUDGET, TOTAL_BUDGET, page_weight


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def slot_at(session, service, starts_at, capacity=3) -> ServiceSlot:
    made = ServiceSlot(listing_id=service.id, community_id=service.community_id, starts_at=starts_at,
                       ends_at=starts_at + timedelta(hours=1), capacity=capacity)
    session.add(made)
    session.flush()
    return made


def neighbours(session, app, world, count: int) -> list:
    return [factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{n}",
                                        room=str(700 + n)) for n in range(count)]


def todays_booking(session, service, user, operator):
    """An accepted booking for a slot in the middle of today, Beijing time (booked earlier)."""
    start, end = local_day(utcnow())
    slot = slot_at(session, service, start + (end - start) / 2)
    made = bookings.request(session, listing=service, user=user, slot=slot, now=slot.starts_at - timedelta(days=1))
    bookings.accept(session, booking=made, by=operator)
    return made


def test_the_dashboard_shows_each_section(session, world, client_as):
    operator, resident, owner = world.users["enterprise"], world.users["resident"], world.users["owner"]
    ours = enterprise(session, world.compound, operator)
    lunch = listing(session, ours, slots=2, capacity=4)
    ahead = list(lunch.slots)
    listing(session, ours, title="上门修水管", published=False, slots=0)
    today = todays_booking(session, lunch, owner, operator)
    first = bookings.request(session, listing=lunch, user=resident, message="第一位问的",
                             now=utcnow() - timedelta(hours=3))
    second = bookings.request(session, listing=lunch, user=world.users["council"], slot=ahead[0])
    done = bookings.request(session, listing=lunch, user=world.users["supervisor"], slot=ahead[1])
    bookings.accept(session, booking=done, by=operator)
    bookings.complete(session, booking=done, by=operator)
    reviews.review(session, booking=done, by=world.users["supervisor"], rating=4, body="准时送到")
    charity = activity(session, world.compound, world.users["council"], title="义务理发")
    charity.enterprise_id = ours.id
    session.commit()

    page = text(english(client_as("enterprise")).get("/enterprise/"))
    today_part = page[page.index('id="today"'):page.index('id="pending"')]
    assert f'id="today-{today.id}"' in today_part and "王先生" in today_part
    pending = page[page.index('id="pending"'):page.index('id="ratings"')]
    assert pending.index(f'id="pending-{first.id}"') < pending.index(f'id="pending-{second.id}"')
    assert "第一位问的" in pending and f"/bookings/{first.id}/decline" in pending
    assert "4.0 out of 5 from 1 reviews" in page and "准时送到" in page and "/reply" in page
    listings = page[page.index('id="listings"'):page.index('id="activities"')]
    assert "Not published" in listings and "上门修水管" in listings and "No times ahead" in listings
    assert "places free" in listings and f"/enterprise/listings/{lunch.id}/edit" in listings
    assert "义务理发" in page and f"/volunteering/{charity.id}" in page
    assert f"enterprise={ours.id}" in page and f"/enterprises/{ours.id}" in page


def test_the_dashboard_is_for_operators_of_the_chosen_enterprise(session, world, client_as):
    operator = world.users["enterprise"]
    first = enterprise(session, world.compound, operator, name="玉林食堂")
    second = enterprise(session, world.compound, operator, name="玉林家政")
    someone_elses = enterprise(session, world.other_compound, world.users["other_council"], name="芳草街维修")
    session.commit()
    client = english(client_as("enterprise"))

    assert "<h1>玉林食堂</h1>" in text(client.get("/enterprise/"))
    chosen = text(client.get(f"/enterprise/?enterprise={second.id}"))
    assert "<h1>玉林家政</h1>" in chosen and f"enterprise={first.id}" in chosen
    assert client.get(f"/enterprise/?enterprise={someone_elses.id}").status_code == 403
    assert client.get("/enterprise/?enterprise=999999").status_code == 403
    for role in ("resident", "station", "admin"):
        assert client_as(role).get("/enterprise/").status_code == 403


def test_my_bookings_lists_open_ones_soonest_first_then_the_rest_newest_first(session, world, client_as):
    operator, resident = world.users["enterprise"], world.users["resident"]
    lunch = listing(session, enterprise(session, world.compound, operator), slots=0)
    later = bookings.request(session, listing=lunch, user=resident,
                             slot=slot_at(session, lunch, utcnow() + timedelta(days=5)))
    sooner = bookings.request(session, listing=lunch, user=resident,
                              slot=slot_at(session, lunch, utcnow() + timedelta(days=1)))
    inquiry = bookings.request(session, listing=lunch, user=resident, message="能做素菜吗？")
    old = bookings.request(session, listing=lunch, user=resident, message="旧的", now=utcnow() - timedelta(days=9))
    bookings.decline(session, booking=old, by=operator, reason="不做")
    newer = bookings.request(session, listing=lunch, user=resident, message="新的", now=utcnow() - timedelta(days=2))
    bookings.accept(session, booking=newer, by=operator)
    bookings.complete(session, booking=newer, by=operator)
    bookings.request(session, listing=lunch, user=world.users["owner"], message="别人的")
    session.commit()

    page = text(english(client_as("resident")).get("/me/bookings"))
    order = [page.index(f'id="booking-{b.id}"') for b in (sooner, later, inquiry, newer, old)]
    assert order == sorted(order)
    assert page.count("Rate it") == 1 and "Declined" in page and "别人的" not in page
    reviews.review(session, booking=newer, by=resident, rating=5)
    session.commit()
    assert "Rate it" not in text(english(client_as("resident")).get("/me/bookings"))


def test_the_pages_keep_their_query_counts_as_rows_grow(app, session, world, client_as, count_queries):
    operator = world.users["enterprise"]
    ours = enterprise(session, world.compound, operator)
    lunch = listing(session, ours, slots=3, capacity=50)
    ahead = list(lunch.slots)

    def rows_of(person, n: int) -> None:
        """A booking of today, a request waiting, a completed and rated one, a listing and an activity."""
        todays_booking(session, lunch, person, operator)
        bookings.request(session, listing=lunch, user=person, slot=ahead[n % 3], message="请尽快回复")
        done = bookings.request(session, listing=lunch, user=person, message="问问")
        bookings.accept(session, booking=done, by=operator)
        bookings.complete(session, booking=done, by=operator)
        reviews.review(session, booking=done, by=person, rating=1 + n % 5, body="不错")
        listing(session, ours, title=f"服务{n}", slots=2)
        activity(session, world.compound, world.users["council"], title=f"活动{n}").enterprise_id = ours.id

    rows_of(world.users["resident"], 0)
    session.commit()
    dashboard, mine = client_as("enterprise"), client_as("resident")
    few = (measure(count_queries, dashboard, "/enterprise/"), measure(count_queries, mine, "/me/bookings"))
    for n, person in enumerate(neighbours(session, app, world, 6), start=1):
        rows_of(person, n)
    rows_of(world.users["resident"], 7)
    session.commit()

    many = (measure(count_queries, dashboard, "/enterprise/"), measure(count_queries, mine, "/me/bookings"))
    assert few == many and max(many) <= 12
    for client, path in ((dashboard, "/enterprise/"), (mine, "/me/bookings")):
        html_size, total, _ = page_weight(client, path)
        assert html_size <= HTML_BUDGET and total <= TOTAL_BUDGET, path
