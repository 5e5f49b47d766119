"""DESIGN.md §6: page weight and SQL queries per page, measured on real pages."""
import gzip
import re

from tests import factories

HTML_BUDGET = 14 * 1024
TOTAL_BUDGET = 60 * 1024


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def assets_of(page: str) -> list[str]:
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+\.(?:js|css))"', page)


def page_weight(client, path: str) -> tuple[int, int, str]:
    page = client.get(path).get_data()
    total = gzipped(page)
    for asset in assets_of(page.decode()):
        response = client.get(asset)
        total += gzipped(response.get_data())
        response.close()
    return gzipped(page), total, page.decode()


def test_resident_home_keeps_the_page_budget(world, client_as):
    html, total, page = page_weight(client_as("resident"), "/")
    assert html <= HTML_BUDGET, f"HTML is {html} bytes gzip"
    assert total <= TOTAL_BUDGET, f"HTML+CSS+JS is {total} bytes gzip"


def test_no_web_fonts_and_no_third_party_requests(world, client_as):
    client = client_as("resident")
    page = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert urls and all(u.startswith("/") or u.startswith("#") for u in urls), urls
    css = client.get("/static/css/app.css")
    assert b"@font-face" not in css.get_data() and b"url(" not in css.get_data()
    css.close()


def test_home_queries_do_not_grow(app, session, world, client_as, count_queries):
    client = client_as("council")
    with count_queries() as few:
        client.get("/")
    for room in range(100, 130):
        household = factories.household(session, world.building, "1", str(room))
        neighbour = factories.user(session, app.config)
        factories.membership(session, neighbour, household)
    session.commit()
    with count_queries() as many:
        client.get("/")
    assert len(few) == len(many) <= 12


def test_home_shows_the_newest_needs_and_proposals_in_constant_queries(app, session, world, client_as,
                                                                      count_queries):
    client = client_as("station")
    factories.need(session, world.compound, world.users["resident"], title="第一条需求")
    factories.proposal(session, world.compound, world.users["owner"], title="第一条提议")
    session.commit()
    home = f"/?compound={world.compound.id}"
    with count_queries() as few:
        client.get(home)
    for n in range(6):
        household = factories.household(session, world.building, "4", str(400 + n))
        neighbour = factories.user(session, app.config, display_name=f"邻居{n}")
        factories.membership(session, neighbour, household)
        factories.need(session, world.compound, neighbour, title=f"新需求{n}")
        factories.proposal(session, world.compound, neighbour, title=f"新提议{n}")
    session.commit()
    with count_queries() as many:
        page = client.get(home).get_data(as_text=True)
    assert len(few) == len(many) <= 12
    assert "新需求5" in page and "新提议5" in page and "第一条需求" not in page


def test_profile_queries_do_not_grow_with_households_and_roles(app, session, world, client_as,
                                                               count_queries):
    from neighbourhood.accounts.models import Role

    client = client_as("owner")
    with count_queries() as few:
        assert client.get("/me").status_code == 200
    owner = world.users["owner"]
    for room in range(600, 606):
        factories.membership(session, owner, factories.household(session, world.building, "3", str(room)))
        other = factories.compound(session, world.community, name=f"小区{room}")
        factories.role(session, owner, Role.ENTERPRISE_OPERATOR, compound_obj=other)
    session.commit()
    with count_queries() as many:
        assert client.get("/me").status_code == 200
    assert len(few) == len(many) <= 12


def test_audit_page_queries_do_not_grow(app, session, world, client_as, count_queries):
    from neighbourhood.audit import services as audit

    client = client_as("supervisor")
    with count_queries() as few:
        client.get("/audit/")
    for i in range(40):
        audit.record(session, actor=None, action="test.event", subject_type="thing", data={"i": i})
    session.commit()
    with count_queries() as many:
        client.get("/audit/")
    assert len(few) == len(many) <= 12


def test_pages_do_not_reload_people_one_by_one_when_nothing_else_holds_them(app, session, world, client_as,
                                                                            count_queries):
    """In production nothing but the session refers to the loaded commenters and the session holds them
    weakly; the test's own references must not hide a query per person."""
    import gc

    proposal = factories.proposal(session, world.compound, world.users["owner"])
    need = factories.need(session, world.compound, world.users["owner"])
    for n in range(6):
        neighbour = factories.user(session, app.config, display_name=f"邻居{n}")
        factories.membership(session, neighbour, factories.household(session, world.building, "5", str(500 + n)))
        factories.proposal_comment(session, proposal, neighbour, body=f"意见{n}")
    session.commit()
    client = client_as("resident")
    ids = proposal.id, need.id
    session.expunge_all()
    gc.collect()
    with count_queries() as proposal_page:
        assert client.get(f"/proposals/{ids[0]}").status_code == 200
    with count_queries() as need_page:
        assert client.get(f"/needs/{ids[1]}").status_code == 200
    assert len(proposal_page) <= 12 and len(need_page) <= 12
