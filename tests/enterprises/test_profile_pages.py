"""The enterprise pages as residents, operators and the station use them: the profile shows each role what it may
see and do (pending and suspended enterprises only to their operators and the station), registering and editing
(photos added and removed; bad input comes back filled in with nothing saved), the station's decisions and the
operator link, the income report, the review queue, hidden reviews, and query counts and page weight that do not
grow with reports, listings, reviews and photos."""
from __future__ import annotations

import html
import io
import os
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from neighbourhood.accounts.models import Role
from neighbourhood.db import utcnow
from neighbourhood.enterprises import registry
from neighbourhood.enterprises.models import (
    Booking, BookingStatus, Enterprise, EnterpriseOperator, EnterpriseStatus, IncomeReport, PriceKind, Review,
    ServiceListing,
)
from neighbourhood.media.models import Photo
from neighbourhood.places.models import Compound
from tests import factories
from tests.accounts.helpers import english
from tests.conftest import sign_in
from tests.enterprises.helpers import HOME, enterprise as make_enterprise, listing as make_listing
from tests.projects.helpers import measure
from tests.web.test_budgets import HTML_BUDGET, TOTAL_BUDGET, page_weight

CEILING = 12
S = EnterpriseStatus


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def reviewed(session, listing, author, *, rating=5, body="饭菜可口，送餐准时。", hidden=False) -> Review:
    """A completed booking of `listing` by `author` with its review (rows made directly: reviews have their tests)."""
    home = author.verified_memberships[0]
    booking = Booking(listing_id=listing.id, enterprise_id=listing.enterprise_id, community_id=listing.community_id,
                      compound_id=home.compound_id, user_id=author.id, status=BookingStatus.COMPLETED,
                      price_kind=listing.price_kind, price=listing.price)
    session.add(booking)
    session.flush()
    made = Review(booking_id=booking.id, listing_id=listing.id, enterprise_id=listing.enterprise_id,
                  community_id=listing.community_id, compound_id=home.compound_id, author_id=author.id,
                  rating=rating, body=body)
    if hidden:
        made.hidden_at, made.hidden_reason = utcnow(), "spam"
    session.add(made)
    session.flush()
    return made


@pytest.fixture
def canteen(session, world):
    """A certified canteen 400 m from our compound, with a meal service, a review and a yearly report."""
    world.compound.latitude, world.compound.longitude = HOME
    found = make_enterprise(session, world.compound, world.users["enterprise"])
    found.certificate_number, found.owning_committee, found.committed_return_percent = "成社企018号", "玉林社区居委会", 60
    meal = make_listing(session, found)
    reviewed(session, meal, world.users["resident"], rating=4)
    registry.report_income(session, enterprise=found, by=world.users["enterprise"], year=2024,
                           income=Decimal("80000.00"), returned=Decimal("20000.00"), how_returned="老人免费午餐")
    session.commit()
    return found


# --- the profile per role ------------------------------------------------------------------------------------------

def test_a_resident_reads_the_profile(session, world, client_as, canteen):
    response = english(client_as("resident")).get(f"/enterprises/{canteen.id}")
    page = text(response)
    assert response.status_code == 200
    assert "玉林邻里食堂" in page and "Certified community social enterprise" in page
    assert "成社企018号" in page and "玉林社区居委会" in page and "60% of its income" in page
    assert "028-85551234" in page and "刘师傅" in page and "玉林北路12号附1号" in page
    assert "about 400 m · 6 min walk" in page
    meal = the_listing(session, canteen)
    assert f'href="/services/{meal.id}"' in page and "¥12 每餐" in page and "★ 4.0" in page
    assert 'id="income-2024"' in page and "¥80000.00" in page and "(25.0%)" in page and "老人免费午餐" in page
    assert "3栋 李阿姨" in page and "饭菜可口" in page
    # Neither the operator's nor the station's tools; no reply form; no report link on one's own review.
    for absent in ('id="operator-links"', 'id="form-income"', 'id="decision"', 'name="text"',
                   "/moderation/review/"):
        assert absent not in page


def the_listing(session, found) -> ServiceListing:
    return session.scalar(select(ServiceListing).where(ServiceListing.enterprise_id == found.id))


def test_a_neighbour_may_report_a_review_and_the_council_hide_it(session, world, client_as, canteen):
    owner_page = text(client_as("owner").get(f"/enterprises/{canteen.id}"))
    assert "/moderation/review/" in owner_page and "/report" in owner_page
    council_page = text(client_as("council").get(f"/enterprises/{canteen.id}"))
    assert "/hide" in council_page


def test_operators_get_their_tools_and_answer_reviews(session, world, client_as, canteen):
    page = text(english(client_as("enterprise")).get(f"/enterprises/{canteen.id}"))
    assert f'href="/enterprises/{canteen.id}/edit"' in page
    assert f"/enterprise/listings/new?enterprise={canteen.id}" in page
    assert f"/enterprise/?enterprise={canteen.id}" in page and 'id="form-income"' in page
    [review] = session.scalars(select(Review)).all()
    assert f'action="/reviews/{review.id}/reply"' in page and 'name="text"' in page
    assert 'id="decision"' not in page
    review.reply = "谢谢您的支持！"
    session.commit()
    page = text(client_as("enterprise").get(f"/enterprises/{canteen.id}"))
    assert "谢谢您的支持！" in page and f'action="/reviews/{review.id}/reply"' not in page


def test_the_station_gets_the_decision_forms(session, world, client_as, canteen):
    page = text(english(client_as("station")).get(f"/enterprises/{canteen.id}"))
    assert 'id="decision"' in page and 'id="form-certify"' not in page   # certified already
    for form in ("form-list", "form-suspend", "form-operator"):
        assert f'id="{form}"' in page
    assert 'id="form-income"' not in page and 'id="operator-links"' not in page


@pytest.mark.parametrize("status", [S.PENDING, S.SUSPENDED])
def test_off_the_circle_only_operators_and_the_station_see_it(app, session, world, client_as, status):
    found = make_enterprise(session, world.compound, world.users["enterprise"], status=status)
    found.decision_note = "卫生检查未通过" if status is S.SUSPENDED else ""
    session.commit()
    for role in ("resident", "owner", "council", "supervisor", "other_council", "unverified"):
        assert client_as(role).get(f"/enterprises/{found.id}").status_code == 404, role
    for role in ("enterprise", "station", "admin"):
        assert client_as(role).get(f"/enterprises/{found.id}").status_code == 200, role
    page = text(client_as("enterprise").get(f"/enterprises/{found.id}"))
    if status is S.SUSPENDED:
        assert "卫生检查未通过" in page
    # The station of another community does not see ours.
    elsewhere = factories.community(session, name="芳草社区")
    stranger = factories.user(session, app.config, display_name="别处社工")
    factories.role(session, stranger, Role.STATION_STAFF, community_obj=elsewhere)
    session.commit()
    client = app.test_client()
    sign_in(app, client, stranger)
    assert client.get(f"/enterprises/{found.id}").status_code == 404


def test_hidden_reviews_leave_the_page_but_the_station_still_reads_them(session, world, client_as, canteen):
    reviewed(session, the_listing(session, canteen), world.users["owner"], rating=1, body="广告内容", hidden=True)
    session.commit()
    assert "广告内容" not in text(client_as("resident").get(f"/enterprises/{canteen.id}"))
    assert "广告内容" in text(client_as("owner").get(f"/enterprises/{canteen.id}"))   # its author
    station = text(english(client_as("station")).get(f"/enterprises/{canteen.id}"))
    assert "广告内容" in station and "Hidden" in station
    assert "★ 4.0" in station and "(1 review)" in station   # a hidden review leaves the average


def test_an_unknown_enterprise_is_404(client_as, world):
    assert client_as("station").get("/enterprises/999").status_code == 404


# --- registering and editing ---------------------------------------------------------------------------------------

def profile_form(**changes) -> dict:
    form = {"name": "芳邻家政", "description": "保洁、家电清洗。", "contact_person": "王姐", "contact_phone": "13800001111",
            "opening_hours": "周一至周六 8:00–18:00", "address": "玉林南路3号", "latitude": "30.6381",
            "longitude": "104.0533"}
    form.update(changes)
    return form


def count(session, model) -> int:
    return session.scalar(select(func.count(model.id)))


def test_an_operator_registers_an_enterprise(session, world, client_as):
    client = english(client_as("enterprise"))
    assert client.get(f"/enterprises/register?compound={world.compound.id}").status_code == 200
    response = client.post(f"/enterprises/register?compound={world.compound.id}", data=profile_form())
    made = session.scalar(select(Enterprise))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/enterprises/{made.id}")
    assert made.status is S.PENDING and made.latitude == Decimal("30.638100")
    assert session.scalar(select(EnterpriseOperator.user_id)) == world.users["enterprise"].id
    assert "has not decided" in text(client.get(f"/enterprises/{made.id}"))


@pytest.mark.parametrize("changes", [{"name": ""}, {"latitude": "30.6"} | {"longitude": ""},
                                     {"latitude": "95", "longitude": "104"}, {"contact_phone": "1" * 21}])
def test_a_bad_registration_comes_back_filled_in(session, world, client_as, changes):
    response = client_as("enterprise").post(f"/enterprises/register?compound={world.compound.id}",
                                            data=profile_form(**changes))
    assert response.status_code == 200 and "玉林南路3号" in text(response)
    assert count(session, Enterprise) == 0


def test_station_staff_register_one_then_link_its_operator(session, world, client_as):
    client = english(client_as("station"))
    client.post(f"/enterprises/register?compound={world.compound.id}", data=profile_form())
    made = session.scalar(select(Enterprise))
    assert count(session, EnterpriseOperator) == 0
    unknown = client.post(f"/enterprises/{made.id}/operators", data={"phone": "13912345678"})
    assert unknown.status_code == 200 and "No account has this phone number." in text(unknown)
    not_operator = client.post(f"/enterprises/{made.id}/operators", data={"phone": world.users["resident"].phone})
    assert not_operator.status_code == 200 and count(session, EnterpriseOperator) == 0
    linked = client.post(f"/enterprises/{made.id}/operators", data={"phone": world.users["enterprise"].phone})
    assert linked.status_code == 302 and count(session, EnterpriseOperator) == 1


def test_the_operator_edits_the_profile_and_its_photos(app, session, world, client_as, canteen):
    client = english(client_as("enterprise"))
    page = text(client.get(f"/enterprises/{canteen.id}/edit"))
    assert 'value="玉林邻里食堂"' in page and 'value="30.640300"' in page
    photo = lambda name: (io.BytesIO(factories.jpeg_bytes()), name)  # noqa: E731
    response = client.post(f"/enterprises/{canteen.id}/edit", content_type="multipart/form-data", data={
        **profile_form(name="玉林邻里食堂", latitude="", longitude=""), "photos": [photo("a.jpg"), photo("b.jpg")]})
    assert response.status_code == 302
    session.expire_all()
    assert canteen.address == "玉林南路3号" and canteen.latitude is None and count(session, Photo) == 2
    first = session.scalar(select(Photo).order_by(Photo.position))
    assert first.subject_type == "enterprise" and first.compound_id == world.compound.id
    assert os.path.exists(os.path.join(app.config["UPLOAD_DIR"], first.filename))
    client.post(f"/enterprises/{canteen.id}/edit", data={**profile_form(name="玉林邻里食堂"), "remove_photo": first.id})
    assert count(session, Photo) == 1
    assert not os.path.exists(os.path.join(app.config["UPLOAD_DIR"], first.filename))


def test_too_many_or_broken_photos_save_nothing(session, world, client_as, canteen):
    client = english(client_as("enterprise"))
    files = [(io.BytesIO(factories.jpeg_bytes()), f"{i}.jpg") for i in range(7)]
    response = client.post(f"/enterprises/{canteen.id}/edit", content_type="multipart/form-data",
                           data={**profile_form(name="新名字"), "photos": files})
    assert response.status_code == 200 and "at most 6 photos" in text(response)
    broken = client.post(f"/enterprises/{canteen.id}/edit", content_type="multipart/form-data",
                         data={**profile_form(name="新名字"), "photos": [(io.BytesIO(b"not a photo"), "x.jpg")]})
    assert broken.status_code == 200 and "not a photo" in text(broken)
    session.expire_all()
    assert canteen.name == "玉林邻里食堂" and count(session, Photo) == 0


# --- the station's decisions and the income report -----------------------------------------------------------------

def test_the_station_certifies_through_the_form(session, world, client_as):
    found = make_enterprise(session, world.compound, world.users["enterprise"], status=S.PENDING)
    session.commit()
    client = english(client_as("station"))
    bad = client.post(f"/enterprises/{found.id}/certify", data={"certificate_number": "018号",
                                                                 "owning_committee": "居委会",
                                                                 "committed_return_percent": "0"})
    assert bad.status_code == 200 and 'id="form-certify"' in text(bad) and "018号" in text(bad)
    session.expire_all()
    assert found.status is S.PENDING
    good = client.post(f"/enterprises/{found.id}/certify", data={"certificate_number": "018号",
                                                                  "owning_committee": "居委会",
                                                                  "committed_return_percent": "100"})
    assert good.status_code == 302 and good.headers["Location"].endswith("#decision")
    session.expire_all()
    assert found.status is S.CERTIFIED and found.committed_return_percent == 100
    again = client.post(f"/enterprises/{found.id}/certify", data={"certificate_number": "019号",
                                                                   "owning_committee": "居委会",
                                                                   "committed_return_percent": "50"})
    assert again.status_code == 200 and "certified already" in text(again)


def test_the_station_lists_and_suspends_through_the_forms(session, world, client_as, canteen):
    client = english(client_as("station"))
    no_reason = client.post(f"/enterprises/{canteen.id}/list", data={"note": ""})
    assert no_reason.status_code == 200 and "Say why the certification is withdrawn." in text(no_reason)
    assert client.post(f"/enterprises/{canteen.id}/list", data={"note": "未返还收益"}).status_code == 302
    assert client.post(f"/enterprises/{canteen.id}/suspend", data={"reason": ""}).status_code == 200
    assert client.post(f"/enterprises/{canteen.id}/suspend", data={"reason": "卫生问题"}).status_code == 302
    session.expire_all()
    assert canteen.status is S.SUSPENDED and canteen.decision_note == "卫生问题"
    assert client_as("resident").get(f"/enterprises/{canteen.id}").status_code == 404


def test_the_operator_reports_income(session, world, client_as, canteen):
    client = english(client_as("enterprise"))
    too_much = client.post(f"/enterprises/{canteen.id}/income", data={"year": "2023", "income": "100",
                                                                       "returned": "100.01"})
    assert too_much.status_code == 200 and "cannot exceed the income" in text(too_much)
    fen = client.post(f"/enterprises/{canteen.id}/income", data={"year": "2023", "income": "100.001",
                                                                  "returned": "1"})
    assert fen.status_code == 200 and count(session, IncomeReport) == 1
    done = client.post(f"/enterprises/{canteen.id}/income", data={"year": "2024", "income": "￥90,000.00",
                                                                   "returned": "45000", "how_returned": "公益基金"})
    assert done.status_code == 302 and done.headers["Location"].endswith("#income")
    page = text(client.get(f"/enterprises/{canteen.id}"))
    assert "¥90000.00" in page and "(50.0%)" in page and "公益基金" in page and count(session, IncomeReport) == 1


# --- the review queue ----------------------------------------------------------------------------------------------

def test_the_review_queue_puts_registrations_first(session, world, client_as, canteen):
    waiting = make_enterprise(session, world.other_compound, world.users["enterprise"], name="芳草便民维修",
                              status=S.PENDING)
    stopped = make_enterprise(session, world.compound, world.users["enterprise"], name="停业洗衣店",
                              status=S.SUSPENDED)
    session.commit()
    page = text(english(client_as("station")).get(f"/enterprises/review?community={world.community.id}"))
    assert page.index("芳草便民维修") < page.index("玉林邻里食堂") < page.index("停业洗衣店")
    assert f'href="/enterprises/{waiting.id}"' in page and f'id="enterprise-{stopped.id}"' in page
    assert 'id="form-register-for"' in page
    # Without ?community=, the community the staff member serves.
    assert "芳草便民维修" in text(client_as("station").get("/enterprises/review"))
    assert client_as("admin").get("/enterprises/review").status_code == 403


# --- budgets -------------------------------------------------------------------------------------------------------

def grow(app, session, world, found, n: int) -> None:
    """n more listings, each reviewed by a new neighbour, n more yearly reports, and a photo up to six."""
    have = session.scalar(select(func.count(IncomeReport.id)).where(IncomeReport.enterprise_id == found.id))
    for i in range(n):
        meal = make_listing(session, found, title=f"服务{have + i}", price_kind=PriceKind.TIME_COINS,
                            price=Decimal("2"))
        neighbour = factories.verified_resident(session, app.config, world.compound,
                                                display_name=f"邻居{have + i}", room=str(600 + have + i))
        reviewed(session, meal, neighbour, rating=3)
        session.add(IncomeReport(enterprise_id=found.id, community_id=found.community_id, year=2010 - have - i,
                                 income=Decimal("100.00"), returned=Decimal("10.00"),
                                 reported_by_id=world.users["enterprise"].id))
        if have + i < registry.PHOTOS_MAX:
            factories.photo(session, app.config, world.compound, subject_type="enterprise", subject_id=found.id)
    session.commit()


@pytest.mark.parametrize("role", ["resident", "enterprise", "station"])
def test_profile_queries_do_not_grow(app, session, world, client_as, count_queries, canteen, role):
    client = client_as(role)
    grow(app, session, world, canteen, 2)
    few = measure(count_queries, client, f"/enterprises/{canteen.id}")
    grow(app, session, world, canteen, 8)
    many = measure(count_queries, client, f"/enterprises/{canteen.id}")
    assert many == few and many <= CEILING, (few, many)


def test_queue_queries_do_not_grow(app, session, world, client_as, count_queries, canteen):
    client = client_as("station")
    few = measure(count_queries, client, f"/enterprises/review?community={world.community.id}")
    for i in range(10):
        make_enterprise(session, world.other_compound if i % 2 else world.compound, world.users["enterprise"],
                        name=f"企业{i}", status=S.PENDING)
    session.commit()
    many = measure(count_queries, client, f"/enterprises/review?community={world.community.id}")
    assert many == few and many <= CEILING, (few, many)


def test_the_profile_keeps_the_page_budget(app, session, world, client_as, canteen):
    grow(app, session, world, canteen, 20)
    for role in ("resident", "enterprise", "station"):
        page, total, _ = page_weight(client_as(role), f"/enterprises/{canteen.id}")
        assert page <= HTML_BUDGET and total <= TOTAL_BUDGET, (role, page, total)


def test_the_forms_keep_the_page_budget(world, client_as, canteen):
    for path in (f"/enterprises/register?compound={world.compound.id}", f"/enterprises/{canteen.id}/edit"):
        page, total, _ = page_weight(client_as("enterprise"), path)
        assert page <= HTML_BUDGET and total <= TOTAL_BUDGET, (path, page, total)


def test_compound_coordinates_are_needed_for_a_distance(session, world, client_as, canteen):
    compound = session.get(Compound, world.compound.id)
    compound.latitude = compound.longitude = None
    session.commit()
    assert 'id="distance"' not in text(client_as("resident").get(f"/enterprises/{canteen.id}"))


def test_another_communitys_station_has_no_say_here(app, session, world, client_as, canteen):
    elsewhere = factories.community(session, name="芳草社区")
    stranger = factories.user(session, app.config, display_name="别处社工")
    factories.role(session, stranger, Role.STATION_STAFF, community_obj=elsewhere)
    session.commit()
    client = app.test_client()
    sign_in(app, client, stranger)
    for action, data in (("certify", {"certificate_number": "1", "owning_committee": "居委会",
                                      "committed_return_percent": "50"}),
                         ("list", {"note": "x"}), ("suspend", {"reason": "x"}),
                         ("operators", {"phone": world.users["enterprise"].phone})):
        assert client.post(f"/enterprises/{canteen.id}/{action}", data=data).status_code == 403, action
    assert client.get(f"/enterprises/review?community={world.community.id}").status_code == 403
    assert client.get(f"/enterprises/register?compound={world.compound.id}").status_code == 403
    assert client.get(f"/enterprises/{canteen.id}").status_code == 200   # on the circle: everyone signed in
    session.expire_all()
    assert canteen.status is S.CERTIFIED
