"""`flask seed-demo` leaves a micro-project under way a visitor can follow: funded by the station from the year's
fund, milestones with photos, spending approved by a supervisor and one entry still waiting, a private person
masked."""
from decimal import Decimal

from sqlalchemy import func, select

from neighbourhood.audit import services as audit
from neighbourhood.db import utcnow
from neighbourhood.media.models import Photo
from neighbourhood.projects import services
from neighbourhood.projects.models import EntryStatus, LedgerEntry, Milestone, Project, ProjectStatus


def test_the_demo_project_is_funded_under_way_and_its_ledger_adds_up(app, session):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    [project] = session.scalars(select(Project))
    assert project.status is ProjectStatus.UNDER_WAY and project.progress_percent == 65
    balance = services.balances(session, [project.id])[project.id]
    assert (balance.income, balance.spent, balance.pending) == \
        (Decimal("35000.00"), Decimal("18760.00"), Decimal("6240.00"))
    fund = services.fund_status(session, project.community_id, utcnow().year)
    assert fund.amount == Decimal("292000.00") and fund.remaining == Decimal("257000.00")
    entries = session.scalars(select(LedgerEntry).where(LedgerEntry.project_id == project.id)).all()
    person = next(e for e in entries if e.counterparty_is_person)
    assert services.shown_counterparty(person, may_see_names=False) == "李**"
    assert sum(e.status is EntryStatus.PENDING for e in entries) == 1
    photographed = session.scalar(select(func.count(func.distinct(Photo.subject_id))).where(
        Photo.subject_type == "ledger_entry"))
    assert photographed == 4
    assert session.scalar(select(func.count()).select_from(Milestone)) == 3
    assert audit.verify_chain(session).ok
