"""`flask audit verify` also holds micro-project records to the chain: a ledger amount, a ledger entry's status,
an approved funding amount or a report's text changed in the database behind the app's back is caught, and
named; supervisors see the same on their dashboard, for their own compound."""
from __future__ import annotations

import html
from decimal import Decimal

import pytest
from sqlalchemy import text

from neighbourhood.audit import services as audit
from neighbourhood.db import utcnow
from neighbourhood.projects import reports, services
from tests import factories
from tests.accounts.helpers import english
from tests.projects.helpers import fund, project, second_supervisor, spend, under_way


@pytest.fixture
def records(app, session, world):
    """Spending approved by a second supervisor, spending waiting, an approved grant, and a report."""
    running = under_way(session, world)
    approved = spend(session, world, running, amount="1200.00")
    other = second_supervisor(session, app, world)
    services.decide_entry(session, entry=approved, by=other, approve=True)
    waiting = spend(session, world, running, amount="300.00")
    fund(session, world)
    matter = factories.four_list_entry(session, world.community)
    funded = project(session, world)
    request = services.request_funding(session, project=funded, by=world.users["council"],
                                       amount=Decimal("5000.00"), year=utcnow().year, list_entry=matter)
    services.decide_funding(session, request=request, by=world.users["station"], approve=True, reason="")
    report = reports.publish_report(session, compound=world.compound, by=world.users["supervisor"],
                                    title="第三季度监督报告", period="2026年第三季度", body="本季度支出正常。")
    session.commit()
    return {"approved": approved.id, "waiting": waiting.id, "request": request.id, "report": report.id}


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_untouched_records_verify(app, records):
    result = verify(app)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("OK ") and " entries, head " in lines[0]
    assert lines[1:] == ["OK funding", "OK ledger", "OK ratings", "OK reports"]


def test_a_ledger_amount_changed_in_the_database_is_named(app, session, records):
    session.execute(text("UPDATE ledger_entries SET amount = 12.00 WHERE id = :id"), {"id": records["approved"]})
    session.commit()
    result = verify(app)
    assert result.exit_code != 0
    assert "PROBLEMS in ledger: 1" in result.output
    assert (f"Ledger entry {records['approved']}: the amount is 12.00 yuan, but the audit log recorded "
            "1,200.00 yuan.") in result.output
    assert "OK funding" in result.output and "OK reports" in result.output


def test_spending_marked_approved_without_a_supervisors_approval_is_named(app, session, records):
    session.execute(text("UPDATE ledger_entries SET status = 'approved' WHERE id = :id"), {"id": records["waiting"]})
    session.commit()
    result = verify(app)
    assert result.exit_code != 0
    assert (f"Ledger entry {records['waiting']} is recorded as Approved, but the audit log says Waiting for a "
            "supervisor.") in result.output


def test_a_ledger_entry_slipped_in_without_the_app_is_named(app, session, records, world):
    session.execute(text(
        "INSERT INTO ledger_entries (project_id, compound_id, community_id, kind, amount, occurred_on, counterparty, "
        "counterparty_is_person, purpose, status, entered_by_id, entered_at, reject_reason) "
        "SELECT project_id, compound_id, community_id, kind, 999.00, occurred_on, counterparty, "
        "counterparty_is_person, purpose, 'approved', entered_by_id, entered_at, '' FROM ledger_entries "
        "WHERE id = :id"), {"id": records["approved"]})
    session.commit()
    result = verify(app)
    assert result.exit_code != 0
    assert "has no record in the audit log of being entered" in result.output


def test_an_approved_funding_amount_changed_in_the_database_is_named(app, session, records):
    session.execute(text("UPDATE fund_requests SET amount = 50000.00 WHERE id = :id"), {"id": records["request"]})
    session.commit()
    result = verify(app)
    assert result.exit_code != 0
    assert (f"Funding request {records['request']}: the approved amount is 50,000.00 yuan, but the audit log "
            "recorded 5,000.00 yuan.") in result.output


def test_a_report_edited_in_the_database_is_named(app, session, records):
    session.execute(text("UPDATE oversight_reports SET body = '本季度一切正常，无异议。' WHERE id = :id"),
                    {"id": records["report"]})
    session.commit()
    result = verify(app)
    assert result.exit_code != 0
    assert "PROBLEMS in reports: 1" in result.output
    assert f"Oversight report {records['report']} has been changed since it was published" in result.output


def test_a_report_deleted_in_the_database_is_named(app, session, records):
    session.execute(text("DELETE FROM oversight_reports WHERE id = :id"), {"id": records["report"]})
    session.commit()
    result = verify(app)
    assert result.exit_code != 0
    assert f"Oversight report {records['report']} is in the audit log but has been removed." in result.output


def test_the_dashboard_shows_the_checks_for_its_own_compound(app, session, records, world, client_as):
    client = english(client_as("supervisor"))
    state = html.unescape(client.get(f"/oversight/audit?compound={world.compound.id}",
                                     headers={"HX-Request": "true"}).get_data(as_text=True))
    assert state.lstrip().startswith('<section class="card" id="audit-chain">')  # the fragment alone, for htmx
    assert "Intact" in state and audit.head_hash(session) in state and "Checked at" in state
    assert state.count("no differences found") == 4
    session.execute(text("UPDATE ledger_entries SET amount = 12.00 WHERE id = :id"), {"id": records["approved"]})
    session.commit()
    state = html.unescape(client.get(f"/oversight/audit?compound={world.compound.id}").get_data(as_text=True))
    ledger = state.split('id="check-ledger"')[1].split("</li>\n")[0]
    assert "1 problem" in ledger and f"Ledger entry {records['approved']}: the amount is 12.00 yuan" in ledger
    # The station looking at the other compound sees that compound's records only.
    station = english(client_as("station"))
    theirs = html.unescape(station.get(f"/oversight/audit?compound={world.other_compound.id}")
                           .get_data(as_text=True))
    assert "Ledger entry" not in theirs and theirs.count("no differences found") == 4


def test_the_audit_page_verifies_the_records_too(session, records, client_as):
    client = english(client_as("supervisor"))
    page = html.unescape(client.post("/audit/verify").get_data(as_text=True))
    assert "The chain is intact" in page and page.count("no differences found") == 4
    session.execute(text("UPDATE oversight_reports SET body = '改过' WHERE id = :id"), {"id": records["report"]})
    session.commit()
    page = html.unescape(client.post("/audit/verify").get_data(as_text=True))
    assert "The chain is intact" in page
    assert f"Oversight report {records['report']} has been changed since it was published" in page


def test_a_rating_changed_or_removed_in_the_database_is_named(app, session, world):
    from datetime import timedelta

    from neighbourhood.projects import evaluation
    from tests.projects.helpers import accepted

    done = accepted(session, world)
    low = evaluation.rate(session, project=done, by=world.users["resident"], score=2, comment="质量一般",
                          now=done.accepted_at + timedelta(hours=1))
    high = evaluation.rate(session, project=done, by=world.users["owner"], score=5,
                           now=done.accepted_at + timedelta(hours=2))
    session.commit()
    low_id, high_id = low.id, high.id
    assert verify(app).exit_code == 0
    session.execute(text("UPDATE project_ratings SET score = 5 WHERE id = :id"), {"id": low_id})
    session.execute(text("DELETE FROM project_ratings WHERE id = :id"), {"id": high_id})
    session.commit()
    result = verify(app)
    assert result.exit_code != 0 and "PROBLEMS in ratings: 2" in result.output
    assert f"Rating {low_id} is 5, but the audit log recorded 2." in result.output
    assert f"Rating {high_id} is in the audit log but has been removed." in result.output
