"""Funding and oversight: the station keeps the community's fund and decides requests; the compound's council asks
for funding for its projects; the dashboard is for the compound's supervisors and the station; only the station
rules on an objection."""
from decimal import Decimal

from neighbourhood.db import utcnow
from neighbourhood.projects import services
from tests import factories
from tests.access import STATION, Case

COUNCIL = frozenset({"council"})
OTHER_COUNCIL = frozenset({"other_council"})
OVERSEERS = frozenset({"supervisor", "station", "admin"})


def objects(session, config, world) -> dict:
    users = world.users
    council, supervisor = users["council"], users["supervisor"]
    services.set_fund(session, community=world.community, year=utcnow().year, community_type="city",
                      residents=3250, by=users["station"])
    matter = factories.four_list_entry(session, world.community, name="公共设施小修小补")
    project = factories.project(session, world.compound, council, title="申请资金的项目")
    request = services.request_funding(session, project=project, by=council, amount=Decimal("1000.00"),
                                       year=utcnow().year, list_entry=matter)
    objected = factories.project(session, world.compound, council, started=True, title="被提出异议的项目")
    objection = services.object_to(session, project=objected, by=supervisor, body="请说明报价")
    theirs = factories.project(session, world.other_compound, users["other_council"], title="芳草街的项目")
    session.commit()
    return {"pf_project": project.id, "pf_request": request.id, "pf_objection": objection.id,
            "pf_theirs": theirs.id}


CASES = [
    Case("projects.funding", "GET", lambda o: "/projects/funding", STATION),
    Case("projects.funding", "GET", lambda o: f"/projects/funding?community={o['community']}", STATION, "chosen"),
    Case("projects.funding", "POST", lambda o: "/projects/funding", STATION),
    Case("projects.decide_funding", "POST", lambda o: f"/projects/funding/{o['pf_request']}/decide", STATION),
    Case("projects.request_funding", "GET", lambda o: f"/projects/{o['pf_project']}/funding", COUNCIL),
    Case("projects.request_funding", "POST", lambda o: f"/projects/{o['pf_project']}/funding", COUNCIL),
    Case("projects.request_funding", "GET", lambda o: f"/projects/{o['pf_theirs']}/funding", OTHER_COUNCIL,
         "other"),
    Case("projects.oversight", "GET", lambda o: f"/oversight/?compound={o['compound']}", OVERSEERS),
    Case("projects.oversight", "GET", lambda o: "/oversight/", OVERSEERS, "default"),
    Case("projects.oversight", "GET", lambda o: f"/oversight/?compound={o['other_compound']}", STATION, "other"),
    Case("projects.rule_objection", "POST", lambda o: f"/oversight/objections/{o['pf_objection']}/rule", STATION),
]
