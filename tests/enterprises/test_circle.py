"""The 15-minute circle: distance, category and Chinese substring search, only published listings of enterprises on
the circle, unknown locations last, the directory under the same filters, the listing page with its times, booking
form and reviews, and queries and page weight that do not grow with rows."""
from __future__ import annotations

import html
from decimal import Decimal

from neighbourhood.enterprises import circle, directory
from neighbourhood.enterprises.models import (
    Booking, BookingStatus, EnterpriseStatus, PriceKind, Review, ServiceCategory,
)
from neighbourhood.db import utcnow
from tests import factories
from tests.accounts.helpers import english
from tests.enterprises.helpers import FAR, HOME, NEAR, enterprise, listing
from tests.projects.helpers import measure
from tests.web.test_budgets import HTML_BUDGET, TOTAL_BUDGET, page_weight

CEILING = 12


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def at_home(session, world):
    world.compound.latitude, world.compound.longitude = HOME
    session.flush()


def two_enterprises(session, world):
    """A canteen about 400 m away and a repair shop about 2 km away (run by someone else), each with one published
    listing."""
    at_home(session, world)
    canteen = enterprise(session, world.compound, world.users["enterprise"], at=NEAR)
    lunch = listing(session, canteen, title="老人午餐")
    shop = enterprise(session, world.compound, world.users["council"], name="玉林修补铺",
                      status=EnterpriseStatus.LISTED, at=FAR)
    repair = listing(session, shop, title="上门修水管", category=ServiceCategory.REPAIRS, price=Decimal("50.00"))
    session.commit()
    return canteen, lunch, shop, repair


def found(session, world, **filters):
    args = {"community_id": world.community.id, "origin": HOME, "category": None, "within_m": 1000, "query": ""}
    args.update(filters)
    return [row.listing.title for row in circle.find(session, **args)]


def test_the_circle_keeps_to_the_walking_distance_nearest_first(session, world):
    two_enterprises(session, world)
    assert found(session, world) == ["老人午餐"]
    assert found(session, world, within_m=2000) == ["老人午餐", "上门修水管"]
    assert found(session, world, within_m=None) == ["老人午餐", "上门修水管"]
    [near_row] = circle.find(session, community_id=world.community.id, origin=HOME, category=None, within_m=1000)
    assert 350 <= near_row.distance_m <= 450 and near_row.walking_minutes == 6


def test_category_and_chinese_substring_search(session, world):
    canteen, *_ = two_enterprises(session, world)
    assert found(session, world, within_m=2000, category=ServiceCategory.REPAIRS) == ["上门修水管"]
    assert found(session, world, within_m=2000, query="午餐") == ["老人午餐"]
    assert found(session, world, within_m=2000, query="修补铺") == ["上门修水管"]      # the enterprise's name
    assert found(session, world, within_m=2000, query="两荤") == ["老人午餐", "上门修水管"]  # the description
    listing(session, canteen, title="100%纯手工饺子")
    session.commit()
    assert found(session, world, within_m=2000, query="%") == ["100%纯手工饺子"]
    assert found(session, world, within_m=2000, query="_") == []


def test_only_published_listings_of_enterprises_on_the_circle(session, world):
    at_home(session, world)
    operator = world.users["enterprise"]
    for status in EnterpriseStatus:
        made = enterprise(session, world.compound, operator, name=f"企业{status.value}", status=status)
        listing(session, made, title=f"服务{status.value}")
        listing(session, made, title=f"草稿{status.value}", published=False)
    session.commit()
    assert sorted(found(session, world)) == ["服务certified", "服务listed"]


def test_unknown_locations_come_last_and_only_without_a_distance_limit(session, world):
    canteen, *_ = two_enterprises(session, world)
    nowhere = enterprise(session, world.compound, world.users["enterprise"], name="流动理发", at=(None, None))
    listing(session, nowhere, title="上门理发", category=ServiceCategory.HOUSEKEEPING)
    session.commit()
    assert found(session, world, within_m=None) == ["老人午餐", "上门修水管", "上门理发"]
    assert "上门理发" not in found(session, world, within_m=2000)
    # No location for the compound: every service, none with a distance.
    rows = circle.find(session, community_id=world.community.id, origin=None, category=None, within_m=1000)
    assert {r.listing.title for r in rows} == {"老人午餐", "上门修水管", "上门理发"}
    assert all(r.distance_m is None for r in rows)


def test_the_directory_follows_the_same_filters_online_services_last(session, world):
    at_home(session, world)
    station = world.users["station"]
    directory.add_service(session, community_id=world.community.id, by=station, name="户籍办理", department="玉林派出所",
                          office_address="玉林南路1号", office_hours="工作日 9:00–17:00", latitude=NEAR[0],
                          longitude=NEAR[1])
    directory.add_service(session, community_id=world.community.id, by=station, name="社保卡补办", department="人社局",
                          office_address="远处", latitude=FAR[0], longitude=FAR[1])
    directory.add_service(session, community_id=world.community.id, by=station, name="天府市民云", department="成都市",
                          link="https://www.example.gov.cn/", category=ServiceCategory.HEALTH)
    session.commit()

    def names(**filters):
        args = {"community_id": world.community.id, "origin": HOME, "category": None, "within_m": 1000, "query": ""}
        args.update(filters)
        return [row.service.name for row in circle.public_services(session, **args)]

    assert names() == ["户籍办理", "天府市民云"]
    assert names(within_m=2000) == ["户籍办理", "社保卡补办", "天府市民云"]
    assert names(category=ServiceCategory.HEALTH) == ["天府市民云"]
    assert names(query="派出所") == ["户籍办理"]
    # Without an origin nothing has a distance: every entry, by name.
    assert names(origin=None) == sorted(["户籍办理", "社保卡补办", "天府市民云"])


def test_the_page_lists_services_and_directory_with_distances(session, world, client_as):
    canteen, lunch, shop, repair = two_enterprises(session, world)
    directory.add_service(session, community_id=world.community.id, by=world.users["station"], name="天府市民云",
                          department="成都市", link="https://www.example.gov.cn/", purpose="办事指南")
    session.commit()
    page = text(english(client_as("resident")).get("/services/"))
    assert "老人午餐" in page and "上门修水管" not in page and "玉林邻里食堂" in page
    assert "¥12 每餐" in page and "about 400 m · 6 min walk" in page and "天府市民云" in page
    assert f'href="/services/{lunch.id}"' in page and f'href="/enterprises/{canteen.id}"' in page
    assert 'href="https://www.example.gov.cn/"' in page
    wide = text(english(client_as("resident")).get("/services/?within=2000"))
    assert wide.index("老人午餐") < wide.index("上门修水管") and "about 2.0 km · 31 min walk" in wide
    assert "上门修水管" in text(client_as("resident").get("/services/?within=0"))
    # A distance that makes no sense is the 15-minute circle, not an error page.
    odd = client_as("resident").get("/services/?within=abc&category=nonsense")
    assert odd.status_code == 200 and "上门修水管" not in text(odd) and "老人午餐" in text(odd)
    repairs = text(client_as("resident").get("/services/?within=2000&category=repairs&q=水管"))
    assert "上门修水管" in repairs and "老人午餐" not in repairs
    # Any distance in metres is honoured, and the form shows it chosen.
    close = text(client_as("resident").get("/services/?within=300"))
    assert "老人午餐" not in close and '<option value="300" selected>' in close
    farther = text(client_as("resident").get("/services/?within=2500"))
    assert "老人午餐" in farther and "上门修水管" in farther


def test_htmx_gets_only_the_results(session, world, client_as):
    two_enterprises(session, world)
    response = client_as("resident").get("/services/?q=午餐", headers={"HX-Request": "true"})
    page = text(response)
    assert page.lstrip().startswith("<div id=\"services\"") and "老人午餐" in page and "<html" not in page
    assert "HX-Request" in response.headers["Vary"]


def test_a_compound_without_a_location_says_so(session, world, client_as):
    canteen = enterprise(session, world.compound, world.users["enterprise"])
    listing(session, canteen)
    session.commit()
    page = text(english(client_as("resident")).get("/services/"))
    assert 'id="no-distance"' in page and "老人午餐" in page and 'name="within"' not in page


def test_someone_without_a_compound_is_told_why(world, client_as):
    page = text(english(client_as("unverified")).get("/services/"))
    assert "Once your household is verified" in page


def test_the_listing_page_offers_free_times_and_the_booking_form(session, world, client_as):
    canteen, lunch, *_ = two_enterprises(session, world)
    full, free = lunch.slots[0], listing(session, canteen, title="送餐上门", slots=2).slots[1]
    full.taken = full.capacity
    session.commit()
    page = text(client_as("resident").get(f"/services/{lunch.id}"))
    assert 'id="form-book"' in page and f'action="/services/{lunch.id}/book"' in page
    assert f'value="{full.id}" disabled' in page and f'value="{free.id}"' not in page and 'id="slot-none"' in page
    assert "028-85551234" in page and "两荤一素一汤。" in page
    # The operator, the station and someone from elsewhere read it without the form.
    assert 'id="form-book"' not in text(client_as("enterprise").get(f"/services/{lunch.id}"))
    assert 'id="form-book"' not in text(client_as("unverified").get(f"/services/{lunch.id}"))
    assert free.id


def test_unpublished_or_off_circle_listings_are_hidden_except_from_operators_and_station(session, world, client_as):
    at_home(session, world)
    pending = enterprise(session, world.compound, world.users["enterprise"], status=EnterpriseStatus.PENDING)
    waiting = listing(session, pending, title="待认证的服务")
    certified = enterprise(session, world.compound, world.users["enterprise"], name="已认证")
    draft = listing(session, certified, title="草稿", published=False)
    session.commit()
    for hidden in (waiting, draft):
        assert client_as("resident").get(f"/services/{hidden.id}").status_code == 404
        assert client_as("enterprise").get(f"/services/{hidden.id}").status_code == 200
        assert client_as("station").get(f"/services/{hidden.id}").status_code == 200
    assert client_as("resident").get("/services/999999").status_code == 404


def test_the_listing_page_shows_visible_reviews_and_their_average(session, world, client_as):
    canteen, lunch, *_ = two_enterprises(session, world)
    for rating, body, hidden in ((5, "饭菜可口", False), (4, "分量足", False), (1, "被隐藏的评价", True)):
        booking = Booking(listing_id=lunch.id, enterprise_id=canteen.id, community_id=canteen.community_id,
                          compound_id=world.compound.id, user_id=world.users["resident"].id,
                          status=BookingStatus.COMPLETED, price_kind=PriceKind.YUAN, price=lunch.price)
        session.add(booking)
        session.flush()
        session.add(Review(booking_id=booking.id, listing_id=lunch.id, enterprise_id=canteen.id,
                           community_id=canteen.community_id, compound_id=world.compound.id,
                           author_id=world.users["resident"].id, rating=rating, body=body, reply="谢谢！" if rating == 5
                           else "", hidden_at=utcnow() if hidden else None))
    session.commit()
    page = text(client_as("owner").get(f"/services/{lunch.id}"))
    assert "饭菜可口" in page and "分量足" in page and "谢谢！" in page and "被隐藏的评价" not in page
    assert "★ 4.5" in page and "3栋 李阿姨" in page
    circle_page = text(client_as("owner").get("/services/"))
    assert "★ 4.5 (2)" in circle_page


def test_circle_queries_do_not_grow_with_enterprises_listings_and_entries(app, session, world, client_as,
                                                                         count_queries):
    two_enterprises(session, world)
    client = client_as("resident")
    few = measure(count_queries, client, "/services/?within=2000")
    for n in range(15):
        made = enterprise(session, world.compound, world.users["enterprise"], name=f"企业{n}")
        listing(session, made, title=f"服务{n}")
        listing(session, made, title=f"服务{n}b", category=ServiceCategory.HEALTH)
        directory.add_service(session, community_id=world.community.id, by=world.users["station"], name=f"窗口{n}",
                              department="街道", office_address="玉林路", latitude=NEAR[0], longitude=NEAR[1])
    session.commit()
    many = measure(count_queries, client, "/services/?within=2000")
    assert few == many <= CEILING
    assert measure(count_queries, client, "/services/?within=2000&q=服务&category=health") <= CEILING


def _reviewed(session, app, world, listing_obj, n: int) -> None:
    """A completed booking and a review of `listing_obj` by a new neighbour."""
    neighbour = factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{n}",
                                            room=str(600 + n))
    booking = Booking(listing_id=listing_obj.id, enterprise_id=listing_obj.enterprise_id,
                      community_id=listing_obj.community_id, compound_id=world.compound.id, user_id=neighbour.id,
                      status=BookingStatus.COMPLETED, price_kind=PriceKind.YUAN, price=Decimal("12.00"))
    session.add(booking)
    session.flush()
    session.add(Review(booking_id=booking.id, listing_id=listing_obj.id, enterprise_id=listing_obj.enterprise_id,
                       community_id=listing_obj.community_id, compound_id=world.compound.id, author_id=neighbour.id,
                       rating=4, body="好"))


def test_listing_page_queries_do_not_grow_with_slots_and_reviews(app, session, world, client_as, count_queries):
    canteen, lunch, *_ = two_enterprises(session, world)
    _reviewed(session, app, world, lunch, 0)
    session.commit()
    client = client_as("resident")
    few = measure(count_queries, client, f"/services/{lunch.id}")
    many_slots = listing(session, canteen, title="多时段", slots=20)
    for n in range(1, 11):
        _reviewed(session, app, world, many_slots, n)
    session.commit()
    assert measure(count_queries, client, f"/services/{many_slots.id}") == few <= CEILING


def test_pages_keep_the_budget(session, world, client_as):
    two_enterprises(session, world)
    for n in range(20):
        made = enterprise(session, world.compound, world.users["enterprise"], name=f"社区企业{n}")
        made_listing = listing(session, made, title=f"社区服务{n}", slots=10)
    session.commit()
    client = client_as("resident")
    for path in ("/services/?within=2000", f"/services/{made_listing.id}"):
        html_size, total, _ = page_weight(client, path)
        assert html_size <= HTML_BUDGET and total <= TOTAL_BUDGET, (path, html_size, total)
