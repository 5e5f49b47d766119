"""Oversight reports: only the compound's supervisors publish; title, period and text are required; a report is
audited with its text's SHA-256, final once published, told to the residents, and shown sanitised."""
from __future__ import annotations

import hashlib
import html
import re

import pytest
from sqlalchemy import select

from neighbourhood.accounts.models import Role
from neighbourhood.audit.models import AppendOnlyViolation, AuditEntry
from neighbourhood.audit.services import verify_chain
from neighbourhood.db import DomainError
from neighbourhood.notifications.models import Notification
from neighbourhood.projects import reports
from neighbourhood.projects.models import OversightReport
from tests import factories
from tests.accounts.helpers import english

BODY = "## 本季度支出\n\n- 路灯两盏，**已验收**\n- 详见[公开栏](https://example.org/board)"


@pytest.fixture
def in_english(app):
    """Refusals are read in English here, so `match=` can name them."""
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        yield


def publish(session, world, *, by="supervisor", compound=None, title="2026年第三季度监督报告",
            period="2026年第三季度", body=BODY) -> OversightReport:
    return reports.publish_report(session, compound=compound or world.compound, by=world.users[by], title=title,
                                  period=period, body=body)


def test_a_supervisor_publishes_and_it_is_audited_with_the_text_hash(session, world):
    report = publish(session, world, title="  第三季度报告 ", body=f"\n{BODY}\n\n")
    session.commit()
    assert (report.title, report.body, report.compound_id) == ("第三季度报告", BODY, world.compound.id)
    assert report.community_id == world.compound.community_id
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "report.published")).one()
    assert (entry.subject_type, entry.subject_id, entry.compound_id) == ("oversight_reports", report.id,
                                                                        world.compound.id)
    assert entry.data["body_sha256"] == hashlib.sha256(BODY.encode()).hexdigest()
    assert verify_chain(session).ok


def test_the_compounds_verified_residents_are_told(session, world):
    report = publish(session, world)
    session.commit()
    told = {n.user_id: n for n in session.scalars(select(Notification).where(Notification.kind == "oversight.report"))}
    assert {world.users[r].id for r in ("resident", "owner", "council")} <= set(told)
    assert world.users["supervisor"].id not in told                    # never the one who published
    assert world.users["other_council"].id not in told                 # another compound's resident
    assert world.users["unverified"].id not in told
    notice = told[world.users["resident"].id]
    assert notice.url == f"/oversight/reports/{report.id}" and notice.params == {"title": report.title}


@pytest.mark.usefixtures("in_english")
@pytest.mark.parametrize("who", ["council", "resident", "station", "admin", "other_council"])
def test_only_a_supervisor_of_the_compound_publishes(session, world, who):
    with pytest.raises(DomainError, match="Only the compound's supervisory committee publishes"):
        publish(session, world, by=who)


@pytest.mark.usefixtures("in_english")
def test_a_supervisor_of_one_compound_cannot_publish_for_another(session, world):
    with pytest.raises(DomainError, match="Only the compound's supervisory committee"):
        publish(session, world, compound=world.other_compound)


@pytest.mark.usefixtures("in_english")
@pytest.mark.parametrize("missing", ["title", "period", "body"])
def test_title_period_and_text_are_required(session, world, missing):
    with pytest.raises(DomainError, match="Give the report a title, the period it covers and its text"):
        publish(session, world, **{missing: "   "})
    assert session.scalar(select(OversightReport.id)) is None


@pytest.mark.usefixtures("in_english")
@pytest.mark.parametrize("field, size, message", [
    ("title", 121, "Keep the title to 120 characters"),
    ("period", 61, "Keep the period to 60 characters"),
    ("body", 20_001, "Keep the report to 20,000 characters"),
])
def test_overlong_parts_are_refused(session, world, field, size, message):
    with pytest.raises(DomainError, match=message):
        publish(session, world, **{field: "字" * size})
    publish(session, world, **{field: "字" * (size - 1)})


def test_a_published_report_cannot_be_edited_or_deleted(session, world):
    report = publish(session, world)
    session.commit()
    report.body = "改过的内容"
    with pytest.raises(AppendOnlyViolation):
        session.flush()
    session.rollback()
    session.delete(session.get(OversightReport, report.id))
    with pytest.raises(AppendOnlyViolation):
        session.flush()
    session.rollback()
    assert session.get(OversightReport, report.id).body == BODY


def test_reports_of_lists_the_compounds_reports_newest_first(session, world):
    first = publish(session, world, title="第二季度")
    second = publish(session, world, title="第三季度")
    factories.role(session, world.users["supervisor"], Role.SUPERVISOR, compound_obj=world.other_compound)
    publish(session, world, compound=world.other_compound, title="芳草街的报告")
    session.commit()
    assert [r.id for r in reports.reports_of(session, world.compound.id)] == [second.id, first.id]
    assert [r.id for r in reports.reports_of(session, world.compound.id, limit=1)] == [second.id]


# --- the pages -----------------------------------------------------------------------------------------------------

def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_supervisor_writes_a_report_and_residents_read_it(session, world, client_as):
    client = english(client_as("supervisor"))
    form = client.get("/oversight/reports/new")
    assert form.status_code == 200 and "Markdown" in page_of(form)
    response = client.post("/oversight/reports/new", data={"title": "第三季度监督报告", "period": "2026年第三季度",
                                                           "body": BODY})
    assert response.status_code == 302
    report = session.scalars(select(OversightReport)).one()
    assert response.headers["Location"].endswith(f"/oversight/reports/{report.id}")
    page = page_of(english(client_as("resident")).get(f"/oversight/reports/{report.id}"))
    assert "第三季度监督报告" in page and "2026年第三季度" in page and "陈姐" in page
    assert "<strong>已验收</strong>" in page and "<li>" in page
    listing = page_of(english(client_as("resident")).get("/oversight/reports"))
    assert f"/oversight/reports/{report.id}" in listing
    assert "/oversight/reports/new" not in listing                    # residents read, they do not write


def test_bad_input_comes_back_filled_in(session, world, client_as):
    client = english(client_as("supervisor"))
    response = client.post("/oversight/reports/new", data={"title": "", "period": "2026年第三季度", "body": BODY})
    page = page_of(response)
    assert response.status_code == 200 and "This field is required." in page
    assert "2026年第三季度" in page and "路灯两盏" in page
    response = client.post("/oversight/reports/new", data={"title": "报告标题", "period": "第三季度", "body": "   "})
    page = page_of(response)
    assert response.status_code == 200 and "Give the report a title, the period it covers and its text." in page
    assert "报告标题" in page
    assert session.scalar(select(OversightReport.id)) is None


def test_script_and_javascript_links_never_reach_the_page(session, world, client_as):
    report = publish(session, world, body="<script>alert('x')</script>\n\n[点我](javascript:alert(1))\n\n"
                                          '<a href="javascript:alert(2)">链接</a> <img src=x onerror=alert(3)>')
    session.commit()
    raw = client_as("resident").get(f"/oversight/reports/{report.id}").get_data(as_text=True)
    article = raw.split('id="report"')[1].split("</article>")[0]
    tags = re.findall(r"<[^>]+>", article)
    assert tags and not [t for t in tags if re.search(r"script|javascript|onerror|<img", t, re.IGNORECASE)]
    assert "alert('x')" in article                                    # shown as the text it is, never run


def test_reports_of_another_compound_are_public_too(session, world, client_as):
    factories.role(session, world.users["supervisor"], Role.SUPERVISOR, compound_obj=world.other_compound)
    theirs = publish(session, world, compound=world.other_compound, title="芳草街的报告")
    session.commit()
    client = client_as("resident")
    assert "芳草街的报告" in page_of(client.get(f"/oversight/reports?compound={world.other_compound.id}"))
    assert "芳草街的报告" not in page_of(client.get("/oversight/reports"))
    assert client.get(f"/oversight/reports/{theirs.id}").status_code == 200
    assert client.get("/oversight/reports/999999").status_code == 404
