"""The list of a compound's needs: search in Chinese, sorts, filters, overdue flags, paging, query counts."""
from datetime import timedelta

import pytest

from neighbourhood.db import utcnow
from neighbourhood.needs.categories import Category
from neighbourhood.needs.models import NeedStatus
from neighbourhood.needs.services import list_needs
from tests import factories
from tests.accounts.helpers import english
from tests.needs.helpers import gzip_size, shown


def titles(body: str, *candidates) -> list[str]:
    """The candidates in the order the page shows them."""
    found = [(body.find(t), t) for t in candidates if t in body]
    return [t for _, t in sorted(found)]


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/needs/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_search_finds_chinese_substrings_in_title_and_description(session, world, client_as):
    author = world.users["resident"]
    factories.need(session, world.compound, author, title="3栋门口路灯坏了")
    factories.need(session, world.compound, author, title="楼道很黑", description="5栋的路灯也不亮")
    factories.need(session, world.compound, author, title="东门垃圾桶太臭", description="夏天异味大")
    factories.need(session, world.other_compound, author, title="别的小区路灯")
    session.commit()
    body = shown(english(client_as("resident")).get("/needs/?q=路灯"))
    assert "3栋门口路灯坏了" in body and "楼道很黑" in body
    assert "东门垃圾桶太臭" not in body and "别的小区路灯" not in body


def test_search_treats_percent_and_underscore_as_themselves(session, world, client_as):
    author = world.users["resident"]
    factories.need(session, world.compound, author, title="水费涨了50%")
    factories.need(session, world.compound, author, title="水费涨了五成")
    session.commit()
    client = english(client_as("resident"))
    body = shown(client.get("/needs/?q=50%25"))
    assert "水费涨了50%" in body and "水费涨了五成" not in body
    assert "No needs match" in shown(client.get("/needs/?q=_"))


def test_sorts_newest_most_me_too_and_waiting_longest(session, world, client_as):
    author, now = world.users["resident"], utcnow()
    factories.need(session, world.compound, author, title="老的已解决", created_at=now - timedelta(days=30),
                   status=NeedStatus.RESOLVED)
    factories.need(session, world.compound, author, title="等了十天", created_at=now - timedelta(days=10),
                   me_too_count=1)
    factories.need(session, world.compound, author, title="昨天提的", created_at=now - timedelta(days=1))
    factories.need(session, world.compound, author, title="最多人附议", created_at=now - timedelta(days=3))
    session.commit()
    from sqlalchemy import update

    from neighbourhood.needs.models import Need
    session.execute(update(Need).where(Need.title == "最多人附议").values(me_too_count=9))
    session.execute(update(Need).where(Need.title == "等了十天").values(me_too_count=2))
    session.commit()
    client = english(client_as("resident"))
    names = ("老的已解决", "等了十天", "昨天提的", "最多人附议")
    assert titles(shown(client.get("/needs/")), *names) == ["昨天提的", "最多人附议", "等了十天", "老的已解决"]
    assert titles(shown(client.get("/needs/?sort=me_too")), *names)[:2] == ["最多人附议", "等了十天"]
    # Open needs first, the one waiting longest on top; settled ones after.
    assert titles(shown(client.get("/needs/?sort=waiting")), *names) == ["等了十天", "最多人附议", "昨天提的",
                                                                         "老的已解决"]


def test_filters_by_status_and_category(session, world, client_as):
    author = world.users["resident"]
    factories.need(session, world.compound, author, title="路灯坏了", category=Category.REPAIRS)
    factories.need(session, world.compound, author, title="垃圾太多", category=Category.SANITATION)
    factories.need(session, world.compound, author, title="已转物业", status=NeedStatus.REFERRED)
    session.commit()
    client = english(client_as("resident"))
    body = shown(client.get("/needs/?category=sanitation"))
    assert "垃圾太多" in body and "路灯坏了" not in body
    body = shown(client.get("/needs/?status=referred"))
    assert "已转物业" in body and "路灯坏了" not in body
    assert "Referred to property management" in body


def test_overdue_needs_are_flagged_and_counted_for_the_council(session, world, client_as):
    author, now = world.users["resident"], utcnow()
    world.compound.triage_limit_days = 5
    factories.need(session, world.compound, author, title="等了六天", created_at=now - timedelta(days=6))
    factories.need(session, world.compound, author, title="等了四天", created_at=now - timedelta(days=4))
    factories.need(session, world.compound, author, title="早已解决", created_at=now - timedelta(days=20),
                   status=NeedStatus.RESOLVED)
    session.commit()
    resident = shown(english(client_as("resident")).get("/needs/"))
    assert resident.count("Waiting too long</span>") == 1
    assert 'id="overdue-banner"' not in resident
    council = shown(english(client_as("council")).get("/needs/"))
    assert "1 need is waiting too long for triage" in council
    body = shown(english(client_as("council")).get("/needs/?status=overdue"))
    assert "等了六天" in body and "等了四天" not in body and "早已解决" not in body


def test_hidden_needs_are_left_out_except_for_their_readers(session, world, client_as):
    author = world.users["resident"]
    factories.need(session, world.compound, author, title="被隐藏的需求", hidden_at=utcnow(), hidden_reason="abuse")
    session.commit()
    assert "被隐藏的需求" not in shown(client_as("owner").get("/needs/"))
    assert "被隐藏的需求" in shown(client_as("resident").get("/needs/"))  # its author
    assert "被隐藏的需求" in shown(client_as("supervisor").get("/needs/"))


def test_paging_with_a_more_link_that_htmx_loads_into_the_list(session, world, client_as):
    author, now = world.users["resident"], utcnow()
    for i in range(25):
        factories.need(session, world.compound, author, title=f"需求{i:02d}号", created_at=now - timedelta(hours=i))
    session.commit()
    client = english(client_as("resident"))
    first = shown(client.get("/needs/"))
    assert "需求00号" in first and "需求19号" in first and "需求20号" not in first
    assert 'href="/needs/?compound=1&amp;page=2"' in client.get("/needs/").get_data(as_text=True)
    fragment = client.get(f"/needs/?compound={world.compound.id}&page=2", headers={"HX-Request": "true"})
    body = shown(fragment)
    assert body.lstrip().startswith('<div class="list-page" id="needs-page-2">')
    assert "需求20号" in body and "需求24号" in body and "<html" not in body
    assert "HX-Request" in fragment.headers["Vary"]
    # Without JavaScript the same link opens a full page.
    assert "<html" in shown(client.get(f"/needs/?compound={world.compound.id}&page=2"))


def test_the_list_page_keeps_the_page_budget(session, world, client_as):
    author = world.users["resident"]
    for i in range(20):
        factories.need(session, world.compound, author, title=f"小区里第{i}个需求，写得比较长一点", me_too_count=i)
    session.commit()
    assert gzip_size(client_as("council").get("/needs/")) <= 14 * 1024


@pytest.mark.parametrize("role", ["resident", "council", "station"])
def test_the_list_takes_the_same_queries_for_5_or_40_needs(app, session, world, client_as, count_queries, role):
    def add(n):
        for i in range(n):
            author = factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{i}")
            factories.need(session, world.compound, author, title=f"需求{i}", building_id=world.building.id,
                           created_at=utcnow() - timedelta(days=i))
        session.commit()

    client = client_as(role)
    path = f"/needs/?compound={world.compound.id}"
    add(5)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    add(35)
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert len(few) == len(many) <= 12


def test_list_needs_is_a_plain_service(session, world):
    author = world.users["resident"]
    for i in range(3):
        factories.need(session, world.compound, author, title=f"需求{i}")
    page = list_needs(session, compound=world.compound, viewer=author, per_page=2)
    assert len(page.items) == 2 and page.has_more
    page = list_needs(session, compound=world.compound, viewer=author, per_page=2, page=2)
    assert len(page.items) == 1 and not page.has_more
