"""Oversight reports and the audit chain's state: everyone signed in reads the reports of any compound (residents
are their audience); only the compound's supervisors write one; the chain's state is for the compound's supervisors
and the station, like the dashboard it belongs to."""
from neighbourhood.accounts.models import Role
from neighbourhood.projects import reports
from tests import factories
from tests.access import SIGNED_IN, STATION, Case

SUPERVISOR = frozenset({"supervisor"})
OVERSEERS = frozenset({"supervisor", "station", "admin"})
NOBODY = frozenset()


def objects(session, config, world) -> dict:
    ours = reports.publish_report(session, compound=world.compound, by=world.users["supervisor"],
                                  title="第三季度监督报告", period="2026年第三季度", body="本季度支出正常。")
    their_supervisor = factories.user(session, config, display_name="芳草街监委")
    factories.role(session, their_supervisor, Role.SUPERVISOR, compound_obj=world.other_compound)
    theirs = reports.publish_report(session, compound=world.other_compound, by=their_supervisor,
                                    title="芳草街的报告", period="2026年第三季度", body="一切正常。")
    session.commit()
    return {"pr_ours": ours.id, "pr_theirs": theirs.id}


CASES = [
    Case("projects.reports_index", "GET", lambda o: "/oversight/reports", SIGNED_IN),
    Case("projects.reports_index", "GET", lambda o: f"/oversight/reports?compound={o['compound']}", SIGNED_IN,
         "ours"),
    Case("projects.reports_index", "GET", lambda o: f"/oversight/reports?compound={o['other_compound']}",
         SIGNED_IN, "other"),
    Case("projects.report", "GET", lambda o: f"/oversight/reports/{o['pr_ours']}", SIGNED_IN),
    Case("projects.report", "GET", lambda o: f"/oversight/reports/{o['pr_theirs']}", SIGNED_IN, "other"),
    Case("projects.new_report", "GET", lambda o: "/oversight/reports/new", SUPERVISOR),
    Case("projects.new_report", "GET", lambda o: f"/oversight/reports/new?compound={o['compound']}", SUPERVISOR,
         "ours"),
    Case("projects.new_report", "POST", lambda o: f"/oversight/reports/new?compound={o['compound']}", SUPERVISOR,
         "post"),
    Case("projects.new_report", "GET", lambda o: f"/oversight/reports/new?compound={o['other_compound']}", NOBODY,
         "other"),
    Case("projects.oversight_audit", "GET", lambda o: f"/oversight/audit?compound={o['compound']}", OVERSEERS),
    Case("projects.oversight_audit", "GET", lambda o: "/oversight/audit", OVERSEERS, "default"),
    Case("projects.oversight_audit", "GET", lambda o: f"/oversight/audit?compound={o['other_compound']}", STATION,
         "other"),
]
