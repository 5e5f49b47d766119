"""The station's public-service directory: adding, correcting and removing entries (audited), links that must be
plain web addresses, an online link or an office address, coordinates both or neither, the page with a form per
entry (a bad one comes back filled in), another community's station kept out, and queries that do not grow."""
from __future__ import annotations

import html
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from neighbourhood.accounts.models import Role
from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import DomainError
from neighbourhood.enterprises import directory
from neighbourhood.enterprises.models import PublicService, ServiceCategory
from tests import factories
from tests.accounts.helpers import english
from tests.conftest import sign_in
from tests.projects.helpers import measure
from tests.web.test_budgets import HTML_BUDGET, TOTAL_BUDGET, page_weight


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def add(session, world, **changes) -> PublicService:
    args = {"name": "户籍办理", "department": "玉林派出所", "purpose": "户口迁移、身份证", "office_address": "玉林南路1号",
            "office_hours": "工作日 9:00–17:00", "phone": "028-85550110"}
    args.update(changes)
    return directory.add_service(session, community_id=world.community.id, by=world.users["station"], **args)


def test_entries_are_checked_and_audited(session, world):
    office = add(session, world, latitude=Decimal("30.6367"), longitude="104.0529")
    assert office.latitude == Decimal("30.636700") and office.category is ServiceCategory.OTHER
    online = add(session, world, name="天府市民云", office_address="", link="https://www.example.gov.cn/app")
    assert online.link.startswith("https://")
    for bad in ({"link": "javascript:alert(1)"}, {"link": "ftp://example.cn/"}, {"link": "https://"},
                {"link": "https://user@evil.example/"}, {"link": "https://exa mple.cn/"},
                {"office_address": "", "link": ""}, {"name": ""}, {"department": ""},
                {"latitude": "30.6"}, {"latitude": "91", "longitude": "104"}, {"latitude": "abc", "longitude": "1"}):
        with pytest.raises(DomainError):
            add(session, world, **bad)
    by = world.users["station"]
    assert directory.update_service(session, service=office, by=by, name="户籍办理") == []
    assert directory.update_service(session, service=office, by=by, office_hours="周一至周六",
                                    category=ServiceCategory.OTHER) == ["office_hours"]
    with pytest.raises(DomainError):
        directory.update_service(session, service=online, by=by, link="http://")
    directory.delete_service(session, service=online, by=by)
    assert session.scalar(select(func.count(PublicService.id))) == 1
    assert [a for a in session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq))
            if a.startswith("directory.")] == ["directory.added", "directory.added", "directory.updated",
                                               "directory.deleted"]


def test_the_station_keeps_the_directory_through_the_page(session, world, client_as):
    office = add(session, world)
    session.commit()
    client = english(client_as("station"))
    page = text(client.get(f"/services/directory?community={world.community.id}"))
    assert "户籍办理" in page and f'id="form-service-{office.id}"' in page and 'id="form-add-service"' in page

    added = client.post(f"/services/directory?community={world.community.id}", data={
        "new-name": "天府市民云", "new-department": "成都市", "new-category": "other",
        "new-link": "https://www.example.gov.cn/", "new-purpose": "线上办事"})
    assert added.status_code == 302
    assert session.scalar(select(PublicService).where(PublicService.name == "天府市民云")).link \
        == "https://www.example.gov.cn/"

    bad = client.post(f"/services/directory?community={world.community.id}", data={
        "new-name": "坏链接", "new-department": "某局", "new-category": "other", "new-link": "javascript:alert(1)"})
    assert bad.status_code == 200 and "must be a web address" in text(bad) and 'value="坏链接"' in text(bad)

    prefix = f"s{office.id}-"
    form = {prefix + "name": "户籍窗口", prefix + "department": "玉林派出所", prefix + "category": "other",
            prefix + "office_address": "玉林南路1号", prefix + "latitude": "30.6367", prefix + "longitude": "104.0529"}
    assert client.post(f"/services/directory/{office.id}", data=form).status_code == 302
    session.refresh(office)
    assert office.name == "户籍窗口" and office.longitude == Decimal("104.052900")
    failed = client.post(f"/services/directory/{office.id}", data={**form, prefix + "longitude": ""})
    assert failed.status_code == 200 and "Give both latitude and longitude" in text(failed)
    assert f'id="service-{office.id}"' in text(failed) and "<details open>" in text(failed)

    assert client.post(f"/services/directory/{office.id}/delete").status_code == 302
    assert session.get(PublicService, office.id) is None


def test_another_communitys_station_is_kept_out(app, session, world, client_as):
    office = add(session, world)
    elsewhere = factories.community(session, name="芳草社区")
    factories.compound(session, elsewhere, name="芳草院落")
    their_staff = factories.user(session, app.config, display_name="外社区社工")
    factories.role(session, their_staff, Role.STATION_STAFF, community_obj=elsewhere)
    session.commit()
    client = app.test_client()
    sign_in(app, client, their_staff)
    assert client.get(f"/services/directory?community={world.community.id}").status_code == 403
    assert client.post(f"/services/directory/{office.id}", data={}).status_code == 403
    assert client.post(f"/services/directory/{office.id}/delete").status_code == 403
    assert client.get(f"/services/directory?community={elsewhere.id}").status_code == 200
    # Without ?community= a station sees its own community's directory.
    assert "芳草社区" in text(client.get("/services/directory"))
    assert client_as("resident").get(f"/services/directory?community={world.community.id}").status_code == 403


def test_directory_queries_and_weight(session, world, client_as, count_queries):
    add(session, world)
    session.commit()
    client = client_as("station")
    path = f"/services/directory?community={world.community.id}"
    few = measure(count_queries, client, path)
    for n in range(12):
        add(session, world, name=f"窗口{n}", link=f"https://www.example.gov.cn/{n}")
    session.commit()
    assert measure(count_queries, client, path) == few <= 12
    html_size, total, _ = page_weight(client, path)
    assert html_size <= HTML_BUDGET and total <= TOTAL_BUDGET, (html_size, total)


def test_the_station_page_links_each_community_to_its_enterprises_and_directory(client_as, world):
    page = client_as("station").get("/station/").get_data(as_text=True)
    assert f'href="/enterprises/review?community={world.community.id}"' in page
    assert f'href="/services/directory?community={world.community.id}"' in page
