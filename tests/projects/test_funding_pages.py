"""The station's fund page and the council's funding request: the formula shown in words, negative-list refusals
explained on the form, approval turning into the project's income, returns that need reasons, constant queries."""
from __future__ import annotations

import gzip
import html
from decimal import Decimal

from sqlalchemy import select

from neighbourhood.db import utcnow
from neighbourhood.projects import services
from neighbourhood.projects.models import EntryKind, FundRequest, FundRequestStatus, LedgerEntry
from tests import factories
from tests.accounts.helpers import english
from tests.projects.helpers import fund

CEILING = 12


def body(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _request(session, world, *, amount="5000.00", title="3栋门口加装路灯"):
    project = factories.project(session, world.compound, world.users["council"], title=title)
    entry = factories.four_list_entry(session, world.community, name="公共设施小修小补")
    return services.request_funding(session, project=project, by=world.users["council"], amount=Decimal(amount),
                                    year=utcnow().year, list_entry=entry)


def test_station_sets_the_fund_and_sees_the_formula_in_words(client_as, world, session):
    client = english(client_as("station"))
    response = client.post(f"/projects/funding?community={world.community.id}",
                           data={"community_type": "city", "residents": "3250"})
    assert response.status_code == 302
    page = body(client.get(response.headers["Location"]))
    assert "¥148,750.00" in page
    assert "3,250 residents" in page and "¥100,000.00 + ¥1,500.00" in page
    assert services.fund_status(session, world.community.id, utcnow().year).amount == Decimal("148750.00")


def test_bad_resident_count_keeps_the_form_and_changes_nothing(client_as, world, session):
    client = english(client_as("station"))
    response = client.post("/projects/funding", data={"community_type": "city", "residents": "many"})
    assert response.status_code == 200
    assert 'value="many"' in body(response)
    assert not services.fund_status(session, world.community.id, utcnow().year).is_set


def test_negative_list_matter_is_refused_with_the_stations_reason(client_as, world, session):
    fund(session, world)
    project = factories.project(session, world.compound, world.users["council"])
    bad = factories.four_list_entry(session, world.community, kind="negative", name="物业费",
                                    description="Property fees are a private cost of each household.")
    session.commit()
    client = english(client_as("council"))
    page = body(client.get(f"/projects/{project.id}/funding"))
    assert "物业费 (negative list)" in page
    response = client.post(f"/projects/{project.id}/funding",
                           data={"amount": "2000", "year": str(utcnow().year), "list_entry": str(bad.id)})
    assert response.status_code == 200
    page = body(response)
    assert "negative list" in page and "Property fees are a private cost of each household." in page
    assert 'value="2000' in page
    assert session.scalar(select(FundRequest.id)) is None


def test_request_over_the_remaining_fund_comes_back_as_an_error(client_as, world, session):
    fund(session, world, residents=0)
    project = factories.project(session, world.compound, world.users["council"], budget=Decimal("200000.00"))
    entry = factories.four_list_entry(session, world.community)
    session.commit()
    client = english(client_as("council"))
    response = client.post(f"/projects/{project.id}/funding",
                           data={"amount": "150000", "year": str(utcnow().year), "list_entry": str(entry.id)})
    assert response.status_code == 200
    assert "left that is not already requested" in body(response)
    response = client.post(f"/projects/{project.id}/funding",
                           data={"amount": "5000", "year": str(utcnow().year), "list_entry": str(entry.id)})
    assert response.status_code == 302
    assert session.scalar(select(FundRequest.amount)) == Decimal("5000.00")


def test_approval_creates_the_projects_income_and_lowers_remaining(client_as, world, session):
    fund(session, world, residents=3250)
    request = _request(session, world)
    session.commit()
    client = english(client_as("station"))
    page = body(client.get("/projects/funding"))
    assert "3栋门口加装路灯" in page and world.compound.name in page and "公共设施小修小补" in page
    response = client.post(f"/projects/funding/{request.id}/decide", data={"decision": "approve"})
    assert response.status_code == 302
    session.expire_all()
    assert request.status is FundRequestStatus.APPROVED
    income = session.scalar(select(LedgerEntry).where(LedgerEntry.fund_request_id == request.id))
    assert income.kind is EntryKind.INCOME and income.amount == Decimal("5000.00")
    page = body(client.get("/projects/funding"))
    assert "¥143,750.00" in page and "No requests are waiting." in page


def test_return_needs_reasons(client_as, world, session):
    fund(session, world)
    request = _request(session, world)
    session.commit()
    client = english(client_as("station"))
    response = client.post(f"/projects/funding/{request.id}/decide", data={"decision": "return", "reason": " "})
    assert response.status_code == 200
    assert "Give the reasons for returning the request" in body(response)
    session.expire_all()
    assert request.status is FundRequestStatus.REQUESTED
    response = client.post(f"/projects/funding/{request.id}/decide",
                           data={"decision": "return", "reason": "请附上报价单"})
    assert response.status_code == 302
    session.expire_all()
    assert request.status is FundRequestStatus.RETURNED and request.reason == "请附上报价单"


def test_funding_page_queries_do_not_grow_with_requests(client_as, world, session, count_queries):
    fund(session, world)
    for i in range(2):
        _request(session, world, title=f"项目{i}")
    session.commit()
    client = client_as("station")

    def measure():
        with count_queries() as queries:
            assert client.get("/projects/funding").status_code == 200
        return len(queries)

    two = measure()
    for i in range(4):
        _request(session, world, title=f"更多项目{i}")
    session.commit()
    assert measure() == two <= CEILING
    assert len(gzip.compress(client.get("/projects/funding").data)) <= 14 * 1024
