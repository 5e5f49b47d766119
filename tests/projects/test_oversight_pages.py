"""The supervisors' dashboard: pending spending, standing objections, projects over budget or late, the latest
oversight reports, the audit chain's state (loaded after the page); the station's ruling settles an objection;
queries do not grow with the rows."""
from __future__ import annotations

import gzip
import html
from datetime import timedelta
from decimal import Decimal

from neighbourhood.db import utcnow
from neighbourhood.projects import reports, services
from neighbourhood.projects.models import FundingSource, ObjectionStatus
from tests import factories
from tests.accounts.helpers import english
from tests.projects.helpers import spend

CEILING = 12


def body(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _late(session, world, title="迟迟未完工的项目"):
    today = utcnow().date()
    proposal = factories.adopted_proposal(session, world.compound, world.users["council"], title=title)
    council = world.users["council"]
    return services.create_project(session, proposal=proposal, by=council, data=services.ProjectInput(
        lead=council, budget=Decimal("9000.00"), funding_source=FundingSource.DONATION,
        planned_start=today - timedelta(days=60), planned_end=today - timedelta(days=1)))


def _world_of_trouble(session, world, n=1):
    council, supervisor = world.users["council"], world.users["supervisor"]
    made = []
    for i in range(n):
        running = factories.project(session, world.compound, council, started=True, title=f"待审批的项目{i}",
                                    budget=Decimal("1000.00"))
        spend(session, world, running, amount="1500.00")   # pending spending, and over its budget
        objected = factories.project(session, world.compound, council, started=True, title=f"有异议的项目{i}")
        objection = services.object_to(session, project=objected, by=supervisor, body=f"报价偏高{i}")
        late = _late(session, world, title=f"迟迟未完工的项目{i}")
        made.append((running, objection, late))
    session.commit()
    return made


def test_dashboard_lists_pending_spending_objections_over_budget_and_late(client_as, world, session):
    [(running, objection, late)] = _world_of_trouble(session, world)
    page = body(english(client_as("supervisor")).get("/oversight/"))
    assert f"/projects/{running.id}#entry-" in page
    pending = page.split('id="pending-spending"')[1].split("</section>")[0]
    assert "待审批的项目0" in pending and "¥1,500.00" in pending
    assert "报价偏高0" in page.split('id="objections"')[1].split("</section>")[0]
    assert "待审批的项目0" in page.split('id="over-budget"')[1].split("</section>")[0]
    late_part = page.split('id="late"')[1].split("</section>")[0]
    assert "迟迟未完工的项目0" in late_part and "待审批的项目0" not in late_part
    # The chain's state loads after the page (it re-hashes the whole chain); its link works without JavaScript.
    chain = page.split('id="audit-chain"')[1].split("</section>")[0]
    assert f'hx-get="/oversight/audit?compound={world.compound.id}"' in chain
    assert f'href="/oversight/audit?compound={world.compound.id}"' in chain
    # Supervisors do not rule; the station does.
    assert f"/oversight/objections/{objection.id}/rule" not in page


def test_station_rules_and_the_objection_is_settled(client_as, world, session):
    [(_, objection, _)] = _world_of_trouble(session, world)
    client = english(client_as("station"))
    page = body(client.get(f"/oversight/?compound={world.compound.id}"))
    assert f"/oversight/objections/{objection.id}/rule" in page
    response = client.post(f"/oversight/objections/{objection.id}/rule", data={"text": "  "})
    assert response.status_code == 200
    assert "This field is required." in body(response)
    session.expire_all()
    assert objection.status is ObjectionStatus.OPEN
    response = client.post(f"/oversight/objections/{objection.id}/rule", data={"text": "报价合理，继续实施"})
    assert response.status_code == 302
    session.expire_all()
    assert objection.status is ObjectionStatus.RULED and objection.ruling == "报价合理，继续实施"
    page = body(client.get(response.headers["Location"]))
    assert "报价偏高0" not in page


def test_dashboard_queries_do_not_grow(client_as, world, session, count_queries):
    _world_of_trouble(session, world, n=2)
    client = client_as("supervisor")

    def measure():
        with count_queries() as queries:
            assert client.get("/oversight/").status_code == 200
        return len(queries)

    two = measure()
    _world_of_trouble(session, world, n=4)
    assert measure() == two <= CEILING
    assert len(gzip.compress(client.get("/oversight/").data)) <= 14 * 1024


# --- reports and the audit chain's state -------------------------------------------------------------------------

def _reports(session, world, n, start=0):
    made = [reports.publish_report(session, compound=world.compound, by=world.users["supervisor"],
                                   title=f"监督报告{i}", period=f"2026年第{i}期", body=f"第{i}期一切正常。")
            for i in range(start, start + n)]
    session.commit()
    return made


def test_dashboard_shows_the_latest_reports_and_who_may_write_one(client_as, world, session):
    made = _reports(session, world, 4)
    page = body(english(client_as("supervisor")).get("/oversight/"))
    section = page.split('id="oversight-reports"')[1].split("</section>")[0]
    assert [f"/oversight/reports/{r.id}" in section for r in made] == [False, True, True, True]
    assert f"/oversight/reports/new?compound={world.compound.id}" in section
    assert f"/oversight/reports?compound={world.compound.id}" in section
    station = body(english(client_as("station")).get(f"/oversight/?compound={world.compound.id}"))
    section = station.split('id="oversight-reports"')[1].split("</section>")[0]
    assert "监督报告3" in section and "/oversight/reports/new" not in section


def test_dashboard_with_reports_stays_within_its_queries(client_as, world, session, count_queries):
    _world_of_trouble(session, world, n=1)
    _reports(session, world, 1)
    client = client_as("supervisor")

    def measure():
        with count_queries() as queries:
            assert client.get("/oversight/").status_code == 200
        return len(queries)

    one = measure()
    _world_of_trouble(session, world, n=3)
    _reports(session, world, 5, start=1)
    assert measure() == one <= CEILING


def test_audit_state_and_report_pages_queries_do_not_grow(client_as, world, session, count_queries):
    _world_of_trouble(session, world, n=1)
    first = _reports(session, world, 1)[0]
    supervisor, resident = client_as("supervisor"), client_as("resident")
    paths = [(supervisor, f"/oversight/audit?compound={world.compound.id}", {}),
             (supervisor, f"/oversight/audit?compound={world.compound.id}", {"HX-Request": "true"}),
             (supervisor, "/oversight/reports/new", {}),
             (resident, "/oversight/reports", {}),
             (resident, f"/oversight/reports/{first.id}", {})]

    def measure():
        found = []
        for client, path, headers in paths:
            with count_queries() as queries:
                assert client.get(path, headers=headers).status_code == 200, path
            found.append(len(queries))
        return found

    small = measure()
    _world_of_trouble(session, world, n=3)
    _reports(session, world, 6, start=1)
    assert measure() == small and max(small) <= CEILING
    for client, path, _headers in paths:
        assert len(gzip.compress(client.get(path).data)) <= 14 * 1024, path
