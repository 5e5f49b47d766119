"""Listings and their times: the price rules (free has none; yuan and coins exact to the fen, floats refused), edits
that report what changed, publishing, adding one time or the same time on several days, removing a time only while
nobody has booked it, and the operator's pages (a bad form comes back filled in, nothing saved)."""
from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import DomainError, utcnow
from neighbourhood.enterprises import bookings, listings
from neighbourhood.enterprises.models import Booking, PriceKind, ServiceCategory, ServiceListing, ServiceSlot
from neighbourhood.voting.manage_forms import to_local
from tests.accounts.helpers import english, request_in
from tests.enterprises.helpers import enterprise, listing
from tests.projects.helpers import measure
from tests.web.test_budgets import HTML_BUDGET, TOTAL_BUDGET, page_weight


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def local(value) -> str:
    return to_local(value).strftime("%Y-%m-%dT%H:%M")


def new(session, world, **changes) -> ServiceListing:
    canteen = enterprise(session, world.compound, world.users["enterprise"])
    args = {"title": "老人午餐", "category": ServiceCategory.MEALS, "price_kind": PriceKind.YUAN,
            "price": Decimal("12.00"), "price_unit": "每餐"}
    args.update(changes)
    return listings.create_listing(session, enterprise=canteen, by=world.users["enterprise"], **args)


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_prices_follow_their_kind(session, world):
    assert new(session, world).price == Decimal("12.00")
    free = new(session, world, price_kind=PriceKind.FREE, price=Decimal("5"), price_unit="每次")
    assert free.price is None and free.price_unit == ""
    assert new(session, world, price_kind=PriceKind.TIME_COINS, price=Decimal("2")).price == Decimal("2.00")
    for bad in (None, Decimal("0"), Decimal("-1"), Decimal("12.345"), Decimal("NaN"), Decimal("100000")):
        with pytest.raises(DomainError):
            new(session, world, price=bad)
    with pytest.raises(TypeError):
        new(session, world, price=12.5)
    with pytest.raises(DomainError):
        new(session, world, title="  ")
    assert actions(session).count("listing.created") == 3


def test_an_edit_reports_what_changed_and_keeps_the_rules(session, world):
    made = new(session, world)
    by = world.users["enterprise"]
    assert listings.update_listing(session, listing=made, by=by, title="老人午餐", price=Decimal("12")) == []
    changed = listings.update_listing(session, listing=made, by=by, price=Decimal("15.50"), schedule="周一至周五")
    assert changed == ["price", "schedule"] and made.price == Decimal("15.50")
    assert listings.update_listing(session, listing=made, by=by, price_kind=PriceKind.FREE) == [
        "price_kind", "price", "price_unit"]
    assert made.price is None
    with pytest.raises(DomainError):
        listings.update_listing(session, listing=made, by=by, price_kind=PriceKind.YUAN)
    assert made.price_kind is PriceKind.FREE
    with pytest.raises(TypeError):
        listings.update_listing(session, listing=made, by=by, published=True)
    assert actions(session).count("listing.updated") == 2


def test_publishing_is_audited_once(session, world):
    made = new(session, world)
    by = world.users["enterprise"]
    listings.set_published(session, listing=made, by=by, published=True)
    listings.set_published(session, listing=made, by=by, published=True)
    listings.set_published(session, listing=made, by=by, published=False)
    assert made.published is False
    assert [a for a in actions(session) if a.startswith("listing.")] == [
        "listing.created", "listing.published", "listing.unpublished"]


def test_times_one_or_repeated_in_the_future_within_limits(session, world):
    made = new(session, world)
    by = world.users["enterprise"]
    start = (utcnow() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    [one] = listings.add_slots(session, listing=made, by=by, starts_at=start, ends_at=start + timedelta(hours=1),
                               capacity=3)
    assert one.capacity == 3 and one.taken == 0
    week = listings.add_slots(session, listing=made, by=by, starts_at=start + timedelta(hours=2),
                              ends_at=start + timedelta(hours=3), capacity=1, repeat_days=5)
    assert [s.starts_at for s in week] == [start + timedelta(days=d, hours=2) for d in range(5)]
    assert len(made.slots) == 6
    past = utcnow() - timedelta(hours=1)
    for bad in ({"starts_at": past, "ends_at": past + timedelta(hours=1)},
                {"ends_at": start},
                {"ends_at": start + timedelta(hours=25)},
                {"capacity": 0}, {"capacity": 201}, {"repeat_days": 0}, {"repeat_days": 32}):
        args = {"starts_at": start, "ends_at": start + timedelta(hours=1), "capacity": 1, "repeat_days": 1, **bad}
        with pytest.raises(DomainError):
            listings.add_slots(session, listing=made, by=by, **args)
    assert len(listings.add_slots(session, listing=made, by=by, starts_at=start, ends_at=start + timedelta(hours=1),
                                  capacity=200, repeat_days=31)) == 31


def test_a_time_is_removed_only_while_nobody_holds_a_place_on_it(app, session, world):
    made = listing(session, enterprise(session, world.compound, world.users["enterprise"]), slots=3)
    by = world.users["enterprise"]
    free, booked, declined = made.slots
    listings.remove_slot(session, slot=free, by=by)
    assert session.get(ServiceSlot, free.id) is None
    booking = bookings.request(session, listing=made, user=world.users["resident"], slot=booked)
    with request_in(app, "en"), pytest.raises(DomainError, match="booked"):
        listings.remove_slot(session, slot=booked, by=by)
    other = bookings.request(session, listing=made, user=world.users["owner"], slot=declined)
    bookings.decline(session, booking=other, by=by, reason="那天休息")
    session.refresh(declined)
    assert declined.taken == 0
    # A time that a declined booking names in its history is withdrawn, not deleted, and takes no more bookings.
    listings.remove_slot(session, slot=declined, by=by)
    session.refresh(declined)
    assert declined.withdrawn_at is not None and session.get(Booking, other.id).slot_id == declined.id
    with request_in(app, "en"), pytest.raises(DomainError, match="no longer open"):
        bookings.request(session, listing=made, user=world.users["owner"], slot=declined)
    assert session.scalar(select(func.count(ServiceSlot.id))) == 2 and booking.slot_id == booked.id
    assert actions(session).count("listing.slot_removed") == 2


# --- the operator's pages ------------------------------------------------------------------------------------------

def listing_form(**changes) -> dict:
    form = {"title": "老人午餐", "category": "meals", "price_kind": "yuan", "price": "12", "price_unit": "每餐",
            "schedule": "周一至周五 11:30", "description": "两荤一素一汤。"}
    form.update(changes)
    return form


def test_the_operator_creates_edits_and_publishes_through_the_pages(session, world, client_as):
    canteen = enterprise(session, world.compound, world.users["enterprise"])
    session.commit()
    client = english(client_as("enterprise"))
    assert "New service" in text(client.get(f"/enterprise/listings/new?enterprise={canteen.id}"))
    response = client.post(f"/enterprise/listings/new?enterprise={canteen.id}", data=listing_form())
    made = session.scalar(select(ServiceListing))
    assert response.status_code == 302 and response.location.endswith(f"/enterprise/listings/{made.id}/edit")
    assert made.price == Decimal("12.00") and made.published is False
    page = text(client.get(response.location))
    assert "Add the times residents can book" in page and 'id="form-slots"' in page and "Draft" in page

    edited = client.post(f"/enterprise/listings/{made.id}/edit", data=listing_form(price="15.5"))
    assert edited.status_code == 302
    session.refresh(made)
    assert made.price == Decimal("15.50")
    assert client.post(f"/enterprise/listings/{made.id}/publish").status_code == 302
    session.refresh(made)
    assert made.published is True and "Hide from residents" in text(client.get(f"/enterprise/listings/{made.id}/edit"))
    client.post(f"/enterprise/listings/{made.id}/unpublish")
    session.refresh(made)
    assert made.published is False


def test_a_bad_listing_comes_back_filled_in_and_nothing_is_saved(session, world, client_as):
    canteen = enterprise(session, world.compound, world.users["enterprise"])
    session.commit()
    client = english(client_as("enterprise"))
    url = f"/enterprise/listings/new?enterprise={canteen.id}"
    for bad, message in ((listing_form(price=""), "Give the price"), (listing_form(price="12.345"), "two decimals"),
                         (listing_form(price="0"), "more than 0"), (listing_form(title=""), "required")):
        response = client.post(url, data=bad)
        page = text(response)
        assert response.status_code == 200 and message in page and "Nothing was saved" in page
        assert 'value="每餐"' in page
    free = client.post(url, data=listing_form(price_kind="free", price=""))
    assert free.status_code == 302 and session.scalar(select(ServiceListing)).price is None


def test_times_are_added_and_removed_through_the_edit_page(session, world, client_as):
    made = listing(session, enterprise(session, world.compound, world.users["enterprise"]), slots=0)
    session.commit()
    client = english(client_as("enterprise"))
    start = (utcnow() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    form = {"starts_at": local(start), "ends_at": local(start + timedelta(hours=1)), "capacity": "4",
            "repeat_days": "3"}
    response = client.post(f"/enterprise/listings/{made.id}/slots", data=form)
    assert response.status_code == 302 and "3 times added" in text(client.get(response.location))
    slots = list(session.scalars(select(ServiceSlot).order_by(ServiceSlot.starts_at)))
    assert [s.starts_at for s in slots] == [start + timedelta(days=d) for d in range(3)]
    assert {s.capacity for s in slots} == {4}

    backwards = client.post(f"/enterprise/listings/{made.id}/slots", data={**form, "ends_at": form["starts_at"]})
    assert backwards.status_code == 200 and "The end must come after the start" in text(backwards)
    assert f'value="{form["starts_at"]}"' in text(backwards)
    past = local(utcnow() - timedelta(days=1))
    in_past = client.post(f"/enterprise/listings/{made.id}/slots", data={**form, "starts_at": past,
                                                                        "ends_at": local(utcnow())})
    assert in_past.status_code == 200 and "in the future" in text(in_past)

    bookings.request(session, listing=made, user=world.users["resident"], slot=slots[1])
    session.commit()
    page = text(client.get(f"/enterprise/listings/{made.id}/edit"))
    assert f'action="/enterprise/slots/{slots[0].id}/remove"' in page
    assert f'action="/enterprise/slots/{slots[1].id}/remove"' not in page
    client.post(f"/enterprise/slots/{slots[0].id}/remove")
    refused = client.post(f"/enterprise/slots/{slots[1].id}/remove")
    assert "Someone has booked this time" in text(client.get(refused.location))
    assert session.scalar(select(func.count(ServiceSlot.id))) == 2


def test_edit_page_queries_and_weight(session, world, client_as, count_queries):
    made = listing(session, enterprise(session, world.compound, world.users["enterprise"]), slots=1)
    session.commit()
    client = client_as("enterprise")
    few = measure(count_queries, client, f"/enterprise/listings/{made.id}/edit")
    start = (utcnow() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    listings.add_slots(session, listing=made, by=world.users["enterprise"], starts_at=start,
                       ends_at=start + timedelta(hours=1), capacity=2, repeat_days=31)
    session.commit()
    assert measure(count_queries, client, f"/enterprise/listings/{made.id}/edit") == few <= 12
    html_size, total, _ = page_weight(client, f"/enterprise/listings/{made.id}/edit")
    assert html_size <= HTML_BUDGET and total <= TOTAL_BUDGET
