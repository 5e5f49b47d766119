"""The project pages: everyone signed in reads projects and their ledgers; the compound's council sets up and runs
its projects; its supervisors decide spending (never their own), object and accept. Our roles on the other
compound's projects, and its council on ours."""
from datetime import date
from decimal import Decimal

from neighbourhood.projects import services
from neighbourhood.projects.models import EntryKind
from tests import factories
from tests.access import SIGNED_IN, Case

COUNCIL = frozenset({"council"})
SUPERVISOR = frozenset({"supervisor"})
OTHER_COUNCIL = frozenset({"other_council"})


def objects(session, config, world) -> dict:
    users = world.users
    council, supervisor = users["council"], users["supervisor"]
    planning = factories.project(session, world.compound, council, title="规划中的项目")
    running = factories.project(session, world.compound, council, started=True, title="进行中的项目")
    done = factories.project(session, world.compound, council, started=True, title="待验收的项目")
    services.complete(session, project=done, by=council)
    entry = services.add_entry(session, project=running, by=council, data=services.EntryInput(
        kind=EntryKind.SPENDING, amount=Decimal("100.00"), occurred_on=date(2026, 11, 1), counterparty="五金店",
        counterparty_is_person=False, purpose="灯具"))
    # Objections on a project of their own, so they do not pause the spending above.
    objected = factories.project(session, world.compound, council, started=True, title="有异议的项目")
    open_objection = services.object_to(session, project=objected, by=supervisor, body="请说明")
    answered = services.object_to(session, project=objected, by=supervisor, body="报价偏高")
    services.answer_objection(session, objection=answered, by=council, text="已比较三家")
    adopted = factories.adopted_proposal(session, world.compound, council, title="待立项的提案")
    theirs = factories.project(session, world.other_compound, users["other_council"], title="芳草街的项目")
    their_adopted = factories.adopted_proposal(session, world.other_compound, users["other_council"])
    session.commit()
    return {"pj_planning": planning.id, "pj_running": running.id, "pj_done": done.id, "pj_entry": entry.id,
            "pj_objected": objected.id, "pj_open": open_objection.id, "pj_answered": answered.id,
            "pj_adopted": adopted.id, "pj_theirs": theirs.id, "pj_their_adopted": their_adopted.id}


def _post(endpoint: str, path: str, allowed: frozenset, variant: str = "") -> Case:
    return Case(endpoint, "POST", lambda o: "/projects/" + path.format(**o), allowed, variant)


CASES = [
    Case("projects.index", "GET", lambda o: "/projects/", SIGNED_IN),
    Case("projects.index", "GET", lambda o: f"/projects/?compound={o['compound']}", SIGNED_IN, "ours"),
    Case("projects.index", "GET", lambda o: f"/projects/?compound={o['other_compound']}", SIGNED_IN, "other"),
    Case("projects.new", "GET", lambda o: f"/projects/new?proposal={o['pj_adopted']}", COUNCIL),
    Case("projects.new", "POST", lambda o: f"/projects/new?proposal={o['pj_adopted']}", COUNCIL, "post"),
    Case("projects.new", "GET", lambda o: f"/projects/new?proposal={o['pj_their_adopted']}", OTHER_COUNCIL,
         "other"),
    Case("projects.detail", "GET", lambda o: f"/projects/{o['pj_running']}", SIGNED_IN),
    Case("projects.detail", "GET", lambda o: f"/projects/{o['pj_objected']}", SIGNED_IN, "objected"),
    Case("projects.detail", "GET", lambda o: f"/projects/{o['pj_theirs']}", SIGNED_IN, "other"),
    _post("projects.start", "{pj_planning}/start", COUNCIL),
    _post("projects.start", "{pj_theirs}/start", OTHER_COUNCIL, "other"),
    _post("projects.add_milestone", "{pj_running}/milestones", COUNCIL),
    _post("projects.add_entry", "{pj_running}/ledger", COUNCIL),
    _post("projects.add_entry", "{pj_theirs}/ledger", OTHER_COUNCIL, "other"),
    _post("projects.approve_entry", "{pj_running}/ledger/{pj_entry}/approve", SUPERVISOR),
    _post("projects.reject_entry", "{pj_running}/ledger/{pj_entry}/reject", SUPERVISOR),
    _post("projects.complete", "{pj_running}/complete", COUNCIL),
    _post("projects.accept", "{pj_done}/accept", SUPERVISOR),
    _post("projects.object_to", "{pj_running}/objections", SUPERVISOR),
    _post("projects.answer_objection", "{pj_objected}/objections/{pj_open}/answer", COUNCIL),
    _post("projects.accept_answer", "{pj_objected}/objections/{pj_answered}/accept", SUPERVISOR),
]
