"""The demo's 15-minute life-service circle, built through the services so statuses, slots, coins, notifications and
the audit chain are real: the two compounds placed on the map, nine enterprises around them (four community social
enterprises certified by the station with two years of income reports, four ordinary providers, one registration
waiting for the station), their services with times over the coming week, bookings in every state with reviews and
replies, and the station's directory of public services.

刘师傅 (the enterprise demo account) runs 玉林邻里食堂 and has requests to answer. 李阿姨 (the resident account) has
an accepted lunch for tomorrow, a lock change she has not rated yet, and yesterday's lunch, rated and answered."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.orm import Session

from neighbourhood.accounts import roles
from neighbourhood.accounts.models import Role, User
from neighbourhood.db import utcnow
from neighbourhood.demo_enterprises_content import (
    BOOKINGS, COMPOUND_COORDINATES, ENTERPRISES, OPERATORS, OWNING_COMMITTEE, PUBLIC_SERVICES,
    DemoBooking, DemoEnterprise,
)
from neighbourhood.enterprises import bookings, directory, listings, registry, reviews
from neighbourhood.enterprises.models import Booking, EnterpriseStatus, ServiceListing, ServiceSlot
from neighbourhood.places.models import Community, Compound
from neighbourhood.volunteering.models import Activity, OrganiserKind

# Beyond the listed week: where a past booking's slot is opened before it is moved back (see _past_slot).
PAST_SLOT_LEAD = timedelta(days=10)


def seed_enterprises(session: Session, *, config, community: Community, compounds: list[Compound],
                     users: dict[str, User], neighbours: dict[int, list[User]], today: date) -> None:
    zone = ZoneInfo(config["BABEL_DEFAULT_TIMEZONE"])
    now = utcnow()

    def local(day: int, clock: str) -> datetime:
        hour, minute = (int(part) for part in clock.split(":"))
        moment = datetime.combine(today + timedelta(days=day), time(hour, minute), tzinfo=zone)
        return moment.astimezone(timezone.utc).replace(tzinfo=None)

    for compound, (latitude, longitude) in zip(compounds, COMPOUND_COORDINATES):
        compound.latitude, compound.longitude = latitude, longitude
    people = {**users, **_operators(session, compounds, users, today)}
    for compound, prefix in zip(compounds, ("n", "f")):
        people.update({f"{prefix}{index}": person for index, person in enumerate(neighbours[compound.id])})

    offered: dict[tuple[str, str], ServiceListing] = {}
    enterprise_ids: dict[str, int] = {}
    for spec in ENTERPRISES:
        made = _enterprise(session, spec, compounds, people, local, today)
        enterprise_ids[spec.key] = made.id
        offered.update({(spec.key, key): listing for key, listing in _listings(session, spec, made, people,
                                                                              local).items()})
    specs = {spec.key: spec for spec in ENTERPRISES}
    for index, spec in enumerate(BOOKINGS):
        _booking(session, spec, specs[spec.enterprise], offered[spec.enterprise, spec.listing], people, local,
                 requested_at=now - timedelta(hours=2 + 3 * index))
    for spec in PUBLIC_SERVICES:
        directory.add_service(session, community_id=community.id, by=users["station"], name=spec.name,
                              department=spec.department, purpose=spec.purpose, link=spec.link,
                              office_address=spec.office_address, office_hours=spec.office_hours, phone=spec.phone,
                              latitude=spec.at[0] if spec.at else None, longitude=spec.at[1] if spec.at else None,
                              category=spec.category)
    # The public-benefit activities 刘师傅 posted in volunteering are the canteen's company's: its dashboard lists them.
    session.execute(update(Activity).where(Activity.compound_id == compounds[0].id,
                                           Activity.organiser_kind == OrganiserKind.ENTERPRISE)
                    .values(enterprise_id=enterprise_ids["canteen"]).execution_options(synchronize_session=False))


def _operators(session: Session, compounds: list[Compound], users: dict[str, User], today: date) -> dict[str, User]:
    """The other enterprises' operators: accounts with the demo password holding the role in their compound."""
    made = {}
    for spec in OPERATORS:
        person = User(phone=spec.phone, display_name=spec.display_name, real_name=spec.real_name,
                      password_hash=users["enterprise"].password_hash)
        session.add(person)
        session.flush()
        roles.assign_compound_role(session, compound=compounds[spec.compound], user=person,
                                   role=Role.ENTERPRISE_OPERATOR, term_start=date(today.year, 1, 1),
                                   term_end=date(today.year + 2, 12, 31), by=users["station"])
        made[spec.key] = person
    return made


def _enterprise(session: Session, spec: DemoEnterprise, compounds: list[Compound], people: dict[str, User], local,
                today: date):
    operator = people[spec.operator]
    compound = next(c for c in compounds if any(r.compound_id == c.id and r.role is Role.ENTERPRISE_OPERATOR
                                                  for r in operator.role_assignments))
    made = registry.register(session, compound=compound, by=operator, name=spec.name, description=spec.description,
                             contact_person=spec.contact_person, contact_phone=spec.contact_phone,
                             opening_hours=spec.opening_hours, address=spec.address, latitude=spec.at[0],
                             longitude=spec.at[1])
    station = people["station"]
    if spec.status is EnterpriseStatus.CERTIFIED:
        registry.certify(session, enterprise=made, by=station, certificate_number=spec.certificate,
                         owning_committee=OWNING_COMMITTEE, committed_return_percent=spec.return_percent)
    elif spec.status is EnterpriseStatus.LISTED:
        registry.list_as_provider(session, enterprise=made, by=station)
    for years_back, income, returned, how in spec.incomes:
        registry.report_income(session, enterprise=made, by=operator, year=today.year - years_back, income=income,
                               returned=returned, how_returned=how)
    return made


def _listings(session: Session, spec: DemoEnterprise, enterprise, people: dict[str, User], local) \
        -> dict[str, ServiceListing]:
    operator = people[spec.operator]
    made = {}
    for item in spec.listings:
        listing = listings.create_listing(session, enterprise=enterprise, by=operator, title=item.title,
                                          category=item.category, price_kind=item.price_kind, price=item.price,
                                          price_unit=item.price_unit, schedule=item.schedule,
                                          description=item.description, published=True)
        for day, starts, ends, places, days in item.times:
            listings.add_slots(session, listing=listing, by=operator, starts_at=local(day, starts),
                               ends_at=local(day, ends), capacity=places, repeat_days=days)
        made[item.key] = listing
    return made


def _slot(listing: ServiceListing, starts_at: datetime) -> ServiceSlot:
    return next(slot for slot in listing.slots if slot.starts_at == starts_at)


def _past_slot(session: Session, listing: ServiceListing, by: User, starts_at: datetime, ends_at: datetime,
               capacity: int) -> ServiceSlot:
    """A slot for a service that has already happened (yesterday's lunch). Slots are only ever opened ahead, and a
    booking is made only ahead of its slot, so the slot is opened beyond the listed week and moved back to when the
    service took place once its booking is settled (_settle_in_the_past)."""
    [slot] = listings.add_slots(session, listing=listing, by=by, starts_at=starts_at + PAST_SLOT_LEAD,
                                ends_at=ends_at + PAST_SLOT_LEAD, capacity=capacity)
    return slot


def _booking(session: Session, spec: DemoBooking, enterprise_spec: DemoEnterprise, listing: ServiceListing,
             people: dict[str, User], local, requested_at: datetime) -> Booking:
    user, operator = people[spec.who], people[enterprise_spec.operator]
    times = next(item.times for item in enterprise_spec.listings if item.key == spec.listing)
    slot = happened = None
    if spec.day is not None:
        _first, starts, ends, places, _days = times[spec.time]
        if spec.day < 0:
            happened = local(spec.day, starts), local(spec.day, ends)
            slot = _past_slot(session, listing, operator, *happened, places)
            requested_at = local(spec.day - 1, "19:30")
        else:
            slot = _slot(listing, local(spec.day, starts))
    made = bookings.request(session, listing=listing, user=user, slot=slot, message=spec.message, now=requested_at)
    answered_at = requested_at + timedelta(minutes=40)
    if spec.state == "declined":
        bookings.decline(session, booking=made, by=operator, reason=spec.reason, now=answered_at)
    elif spec.state == "cancelled":
        bookings.cancel(session, booking=made, by=user, now=answered_at)
    elif spec.state in ("accepted", "completed", "cancelled_by_enterprise"):
        bookings.accept(session, booking=made, by=operator, now=answered_at)
    if spec.state == "cancelled_by_enterprise":
        bookings.cancel(session, booking=made, by=operator, reason=spec.reason, now=answered_at + timedelta(hours=5))
    if spec.state == "completed":
        _settle_in_the_past(session, spec, made, operator, slot, *happened)
    return made


def _settle_in_the_past(session: Session, spec: DemoBooking, booking: Booking, operator: User, slot: ServiceSlot,
                        starts_at: datetime, ends_at: datetime) -> None:
    """Move the slot back to when the service took place, complete the booking as it ended, and add the review and
    the reply."""
    slot.starts_at, slot.ends_at = starts_at, ends_at
    bookings.complete(session, booking=booking, by=operator, now=slot.ends_at)
    if spec.review is None:
        return
    rating, body = spec.review
    made = reviews.review(session, booking=booking, by=booking.user, rating=rating, body=body,
                          now=slot.ends_at + timedelta(hours=3))
    if spec.reply:
        reviews.reply(session, review_obj=made, by=operator, text=spec.reply, now=slot.ends_at + timedelta(hours=6))
