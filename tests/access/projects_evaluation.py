"""问效: verified residents of the compound rate its accepted project; the compound's council and the community's
station see the rectifications page (the station also by community); the council reports, the station returns or
closes. The other compound's council sees its own compound's page only."""
from datetime import timedelta

from sqlalchemy import select

from neighbourhood.projects import evaluation, services
from neighbourhood.projects.models import Rectification
from tests import factories
from tests.access import STATION, Case

RESIDENTS = frozenset({"resident", "owner", "council", "supervisor"})
COUNCIL = frozenset({"council"})
COUNCIL_AND_STATION = frozenset({"council", "station", "admin"})


def _accepted(session, world, title):
    council = world.users["council"]
    project = factories.project(session, world.compound, council, started=True, title=title)
    services.complete(session, project=project, by=council)
    services.accept(session, project=project, by=world.users["supervisor"], note="验收合格")
    return project


def _flagged(session, world, title):
    project = _accepted(session, world, title)
    evaluation.rate(session, project=project, by=world.users["resident"], score=1,
                    now=project.accepted_at + timedelta(hours=1))
    evaluation.settle_due(session, now=project.rating_closes_at + timedelta(seconds=1))
    return session.scalar(select(Rectification).where(Rectification.project_id == project.id))


def objects(session, config, world) -> dict:
    rating = _accepted(session, world, "评价中的项目")
    open_rectification = _flagged(session, world, "待整改的项目")
    reported = _flagged(session, world, "已报告整改的项目")
    evaluation.report_rectification(session, rectification=reported, by=world.users["council"], report="已整改")
    session.commit()
    return {"ev_rating": rating.id, "ev_open": open_rectification.id, "ev_reported": reported.id}


CASES = [
    Case("projects.rate", "POST", lambda o: f"/projects/{o['ev_rating']}/rate", RESIDENTS),
    Case("projects.rectifications", "GET", lambda o: "/projects/rectifications",
         COUNCIL_AND_STATION | {"other_council"}),
    Case("projects.rectifications", "GET", lambda o: f"/projects/rectifications?compound={o['compound']}",
         COUNCIL_AND_STATION, "ours"),
    Case("projects.rectifications", "GET", lambda o: f"/projects/rectifications?compound={o['other_compound']}",
         frozenset({"other_council", "station", "admin"}), "other"),
    Case("projects.rectifications", "GET", lambda o: f"/projects/rectifications?community={o['community']}",
         STATION, "community"),
    Case("projects.report_rectification", "POST", lambda o: f"/projects/rectifications/{o['ev_open']}/report",
         COUNCIL),
    Case("projects.return_rectification", "POST", lambda o: f"/projects/rectifications/{o['ev_reported']}/return",
         STATION),
    Case("projects.close_rectification", "POST", lambda o: f"/projects/rectifications/{o['ev_reported']}/close",
         STATION),
]
