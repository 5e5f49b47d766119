"""`flask seed-demo` leaves a 15-minute circle a newcomer can look at and use: the compounds on the map, certified
community social enterprises with certificates and income reports, ordinary providers, a registration waiting for
the station, services in yuan, free and in time coins with times over the coming week, bookings in every state with
reviews and a reply, and the public-service directory — all through the services, so the audit chain verifies."""
from __future__ import annotations

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from neighbourhood.accounts.models import User
from neighbourhood.audit import services as audit
from neighbourhood.db import utcnow
from neighbourhood.demo import DEMO_ACCOUNTS
from neighbourhood.demo_enterprises_content import OWNING_COMMITTEE
from neighbourhood.enterprises import circle, dashboard, registry, reviews, rules
from neighbourhood.enterprises.models import (
    Booking, BookingStatus, Enterprise, EnterpriseStatus, IncomeReport, PriceKind, PublicService, Review,
    ServiceCategory, ServiceListing, ServiceSlot,
)
from neighbourhood.places.models import Compound
from neighbourhood.volunteering.models import Activity, OrganiserKind
from tests.conftest import sign_in


@pytest.fixture
def seeded(app, session):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return {e.name: e for e in session.scalars(select(Enterprise))}


def _user(session, role: str) -> User:
    return session.scalar(select(User).where(User.phone == DEMO_ACCOUNTS[role].phone))


def _compounds(session):
    return session.scalars(select(Compound).order_by(Compound.id)).all()


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def test_the_two_compounds_are_placed_about_600_m_apart_near_yulin(session, seeded):
    first, second = _compounds(session)
    assert (first.name, second.name) == ("玉林北路小区", "芳草街院落")
    assert abs(first.latitude - Decimal("30.637")) < Decimal("0.01")
    assert abs(first.longitude - Decimal("104.053")) < Decimal("0.01")
    assert 500 <= rules.distance_m(first.latitude, first.longitude, second.latitude, second.longitude) <= 700


def test_enterprises_around_the_compounds_certified_listed_and_waiting(session, seeded):
    first, _second = _compounds(session)
    assert 8 <= len(seeded) <= 10
    by_status = {status: sorted(e.name for e in seeded.values() if e.status is status) for status in EnterpriseStatus}
    assert {"玉林邻里食堂", "玉林社区托育中心", "邻里帮家政服务社", "玉林社区居家养老服务站"} <= \
        set(by_status[EnterpriseStatus.CERTIFIED])
    assert {"老王修锁配钥匙", "芳草街便民维修", "玉林口腔诊所", "小书虫课后托管"} <= set(by_status[EnterpriseStatus.LISTED])
    assert len(by_status[EnterpriseStatus.PENDING]) == 1
    for enterprise in seeded.values():
        metres = rules.distance_m(first.latitude, first.longitude, enterprise.latitude, enterprise.longitude)
        assert 200 <= metres <= 2500, (enterprise.name, metres)
        assert enterprise.contact_phone and enterprise.opening_hours and enterprise.address


def test_certified_enterprises_carry_certificate_committee_return_and_two_years_of_income(session, seeded):
    this_year = utcnow().year
    for enterprise in seeded.values():
        reports = session.scalars(select(IncomeReport).where(IncomeReport.enterprise_id == enterprise.id)
                                  .order_by(IncomeReport.year)).all()
        if enterprise.status is EnterpriseStatus.CERTIFIED:
            assert enterprise.certificate_number and enterprise.owning_committee == OWNING_COMMITTEE
            assert 1 <= enterprise.committed_return_percent <= 100
            assert [r.year for r in reports] in ([this_year - 2, this_year - 1], [this_year - 3, this_year - 2])
            for report in reports:
                share = registry.returned_percent(report)
                assert share >= enterprise.committed_return_percent - 1, enterprise.name
        else:
            assert not enterprise.certificate_number and enterprise.committed_return_percent is None
            assert reports == []


def test_liu_shifu_runs_the_canteen_and_has_requests_to_answer(session, seeded):
    operator = _user(session, "enterprise")
    assert [e.name for e in dashboard.operated_enterprises(session, operator)] == ["玉林邻里食堂"]
    board = dashboard.dashboard(session, seeded["玉林邻里食堂"], utcnow())
    assert len(board.pending) >= 3
    assert any(b.slot_id is None for b in board.pending)          # an inquiry, with its question
    assert board.rating is not None and board.recent_reviews
    assert board.activities and all(a.organiser_kind is OrganiserKind.ENTERPRISE for a in board.activities)


def test_the_station_has_one_registration_to_decide(session, seeded):
    station = _user(session, "station")
    [pending] = [e for e in seeded.values() if e.status is EnterpriseStatus.PENDING]
    queue = registry.review_queue(session, pending.community_id)
    assert queue[0].id == pending.id
    assert pending.registered_by_id != station.id      # its operator registered it


def test_services_in_every_price_kind_with_times_over_the_coming_week(session, seeded):
    now = utcnow()
    offered = session.scalars(select(ServiceListing).where(ServiceListing.published.is_(True))).all()
    assert {listing.price_kind for listing in offered} == set(PriceKind)
    assert len({listing.category for listing in offered}) >= 6
    ahead = session.scalars(select(ServiceSlot).where(ServiceSlot.starts_at > now)).all()
    assert ahead and max(s.starts_at for s in ahead) < now + timedelta(days=8)
    assert len({(s.starts_at + timedelta(hours=8)).date() for s in ahead}) >= 6
    assert all(s.taken <= s.capacity for s in session.scalars(select(ServiceSlot)))


def test_the_circle_from_yulin_beilu_finds_meals_within_a_kilometre(session, seeded):
    first, _second = _compounds(session)
    origin = (first.latitude, first.longitude)
    meals = circle.find(session, community_id=first.community_id, origin=origin, category=ServiceCategory.MEALS,
                        within_m=1000)
    assert meals and {row.enterprise.name for row in meals} == {"玉林邻里食堂"}
    assert all(row.distance_m <= 1000 and row.walking_minutes <= 15 for row in meals)
    assert any(row.rating is not None for row in meals)

    near = {row.enterprise.name for row in circle.find(session, community_id=first.community_id, origin=origin,
                                                       category=None, within_m=1000)}
    everything = {row.enterprise.name for row in circle.find(session, community_id=first.community_id,
                                                             origin=origin, category=None, within_m=None)}
    assert "小书虫课后托管" in everything - near
    assert not any(e.status is EnterpriseStatus.PENDING for e in seeded.values() if e.name in everything)


def test_bookings_in_every_state(session, seeded):
    found = session.scalars(select(Booking)).all()
    assert {b.status for b in found} == set(BookingStatus)
    assert any(b.cancelled_by_id == b.user_id for b in found if b.status is BookingStatus.CANCELLED)
    assert any(b.cancelled_by_id != b.user_id for b in found if b.status is BookingStatus.CANCELLED)
    assert any(b.reason for b in found if b.status is BookingStatus.DECLINED)
    now = utcnow()
    for booking in found:
        if booking.status is BookingStatus.COMPLETED:
            assert booking.slot.ends_at <= booking.completed_at < now
            assert booking.requested_at < booking.slot.starts_at


def test_li_ayi_has_an_accepted_booking_one_to_rate_and_one_rated_and_answered(session, seeded):
    resident = _user(session, "resident")
    mine = session.scalars(select(Booking).where(Booking.user_id == resident.id)).all()
    rated = {r.booking_id: r for r in session.scalars(select(Review).where(Review.author_id == resident.id))}
    accepted = [b for b in mine if b.status is BookingStatus.ACCEPTED]
    assert accepted and accepted[0].slot.starts_at > utcnow()
    completed = [b for b in mine if b.status is BookingStatus.COMPLETED]
    assert len([b for b in completed if b.id not in rated]) == 1
    [answered] = [rated[b.id] for b in completed if b.id in rated]
    assert answered.rating == 5 and answered.reply and answered.replied_by_id == _user(session, "enterprise").id


def test_reviews_with_ratings_and_averages_on_the_listings(session, seeded):
    found = session.scalars(select(Review)).all()
    assert len(found) >= 5 and len({r.rating for r in found}) >= 3
    assert sum(1 for r in found if r.reply) >= 2
    averages = reviews.ratings_of_enterprises(session, [e.id for e in seeded.values()])
    assert Decimal("1") <= averages[seeded["玉林邻里食堂"].id].average <= Decimal("5")


def test_the_public_service_directory(session, seeded):
    entries = {s.name: s for s in session.scalars(select(PublicService))}
    assert 5 <= len(entries) <= 8
    assert entries["天府市民云"].link == "https://www.cdsmy.cn/"
    assert any("派出所" in name for name in entries)
    assert all(s.link or (s.office_address and s.office_hours) for s in entries.values())
    assert sum(1 for s in entries.values() if s.latitude is not None) >= 4


def test_the_seed_keeps_the_audit_chain_whole(session, seeded):
    report = audit.verify_chain(session)
    assert report.ok, report
    assert session.scalar(select(func.count()).select_from(Activity).where(Activity.enterprise_id.is_not(None)))


def test_a_newcomer_sees_the_circle_the_profile_and_their_bookings(app, session, seeded):
    canteen = seeded["玉林邻里食堂"]
    client = app.test_client()
    sign_in(app, client, _user(session, "resident"))

    circle_page = _text(client.get("/services/?category=meals&within=1000"))
    assert "玉林邻里食堂" in circle_page and "老人午餐（助餐）" in circle_page
    assert "小书虫课后托管" not in circle_page
    profile = _text(client.get(f"/enterprises/{canteen.id}"))
    assert canteen.certificate_number in profile and OWNING_COMMITTEE in profile
    assert "谢谢李阿姨" in profile
    assert "老人午餐（助餐）" in _text(client.get("/me/bookings"))

    operator = app.test_client()
    sign_in(app, operator, _user(session, "enterprise"))
    assert "可以做少盐少油的饭菜吗" in _text(operator.get("/enterprise/"))
