"""问效: who rates an accepted project and when, once each; the public figures; settling a closed window (a
rectification only for an exact mean below 3.0, once); the rectification's steps and who takes them; the cron
command."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.db import DomainError, utcnow
from neighbourhood.notifications.models import Notification
from neighbourhood.projects import evaluation, services
from neighbourhood.projects.models import ProjectRating, ProjectStatus, Rectification, RectificationStatus
from tests import factories
from tests.projects.helpers import accepted


@pytest.fixture
def in_english(app):
    """Refusals are read in English here, so `match=` can name them."""
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        yield


def neighbour(session, app, world, household, name):
    """A verified resident of `household` (give a household of the world's compound, or a new one)."""
    person = factories.user(session, app.config, display_name=name)
    factories.membership(session, person, household)
    return person


def new_household(session, world, room):
    return factories.household(session, world.building, "2", room)


def during(project, hours=1):
    return project.accepted_at + timedelta(hours=hours)


def after_window(project):
    return project.rating_closes_at + timedelta(seconds=1)


def rate(session, project, user, score, comment=""):
    return evaluation.rate(session, project=project, by=user, score=score, comment=comment, now=during(project))


def actions(session):
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def notified(session, kind):
    return {n.user_id: n for n in session.scalars(select(Notification).where(Notification.kind == kind))}


# --- opening the window ----------------------------------------------------------------------------------------

def test_acceptance_opens_a_fourteen_day_window_and_asks_the_compound_residents(session, world):
    project = accepted(session, world)
    users = world.users

    assert project.rating_closes_at == project.accepted_at + timedelta(days=14)
    asked = notified(session, "project.rate")
    assert {users[r].id for r in ("resident", "owner", "council")} <= set(asked)
    assert users["unverified"].id not in asked and users["other_council"].id not in asked
    assert users["station"].id not in asked
    assert asked[users["resident"].id].params == {"title": project.title,
                                                  "until": project.rating_closes_at.date().isoformat()}


def test_a_project_with_a_longer_window_keeps_it_open_longer(session, world):
    project = factories.project(session, world.compound, world.users["council"], started=True)
    project.rating_window_days = 30
    services.complete(session, project=project, by=world.users["council"])
    services.accept(session, project=project, by=world.users["supervisor"], note="验收合格")

    assert project.rating_closes_at - project.accepted_at == timedelta(days=30)


# --- rating ----------------------------------------------------------------------------------------------------

def test_a_verified_resident_rates_once_with_their_household_recorded(session, world, in_english):
    project = accepted(session, world)
    resident = world.users["resident"]

    rating = rate(session, project, resident, 4, "  灯很亮  ")
    assert (rating.score, rating.comment, rating.household_id) == (4, "灯很亮", world.household.id)
    assert "project.rated" in actions(session)
    with pytest.raises(DomainError, match="You have already rated this project."):
        rate(session, project, resident, 5)
    assert session.scalar(select(func.count()).select_from(ProjectRating)) == 1
    assert session.get(ProjectRating, rating.id).score == 4


def test_rating_is_open_from_acceptance_until_the_window_closes(session, world, in_english):
    project = accepted(session, world)
    users = world.users

    with pytest.raises(DomainError, match="Rating this project is not open"):
        evaluation.rate(session, project=project, by=users["resident"], score=4,
                        now=project.accepted_at - timedelta(seconds=1))
    with pytest.raises(DomainError, match="Rating this project is not open"):
        evaluation.rate(session, project=project, by=users["resident"], score=4, now=project.rating_closes_at)
    evaluation.rate(session, project=project, by=users["resident"], score=4,
                    now=project.rating_closes_at - timedelta(seconds=1))


def test_a_project_not_yet_accepted_cannot_be_rated(session, world, in_english):
    project = factories.project(session, world.compound, world.users["council"], started=True)
    services.complete(session, project=project, by=world.users["council"])

    with pytest.raises(DomainError, match="Rating this project is not open"):
        evaluation.rate(session, project=project, by=world.users["resident"], score=5)


@pytest.mark.parametrize("role", ["unverified", "other_council", "station", "enterprise"])
def test_only_verified_residents_of_the_compound_rate(session, world, in_english, role):
    project = accepted(session, world)

    with pytest.raises(DomainError, match="Only verified residents of this compound rate its projects."):
        rate(session, project, world.users[role], 4)
    assert session.scalar(select(func.count()).select_from(ProjectRating)) == 0


@pytest.mark.parametrize("score", [0, 6, -1, "4", 3.5, True, None])
def test_the_score_is_a_whole_number_from_one_to_five(session, world, in_english, score):
    project = accepted(session, world)

    with pytest.raises(DomainError, match="Choose a score from 1 to 5."):
        rate(session, project, world.users["resident"], score)


def test_the_comment_is_optional_and_at_most_500_characters(session, world, in_english):
    project = accepted(session, world)
    users = world.users

    with pytest.raises(DomainError, match="Keep the comment to 500 characters or fewer."):
        rate(session, project, users["resident"], 3, "好" * 501)
    assert rate(session, project, users["resident"], 3, "好" * 500).comment == "好" * 500
    assert rate(session, project, users["owner"], 5).comment == ""


# --- the public figures ----------------------------------------------------------------------------------------

def test_summary_gives_the_distribution_and_households_responding_against_households(app, session, world):
    project = accepted(session, world)
    users = world.users
    elsewhere = neighbour(session, app, world, world.free_household, "邓大爷")
    silent = neighbour(session, app, world, new_household(session, world, "503"), "何奶奶")
    neighbour(session, app, world, world.other_household, "芳草街的人")
    for user, score in ((users["resident"], 5), (users["owner"], 4), (users["council"], 4), (elsewhere, 2)):
        rate(session, project, user, score)

    summary = evaluation.summary(session, project)
    assert summary.distribution == {1: 0, 2: 1, 3: 0, 4: 2, 5: 1}
    assert summary.responses == 4
    assert summary.average == Decimal("3.8")          # 15 / 4 = 3.75, rounded half up
    assert (summary.households_responding, summary.households_total) == (2, 3)
    assert summary.is_open(during(project)) and not summary.is_open(after_window(project))
    assert silent.id not in {r.user_id for r in session.scalars(select(ProjectRating))}


def test_summary_of_a_project_nobody_rated(session, world):
    summary = evaluation.summary(session, accepted(session, world))

    assert summary.average is None and summary.responses == 0
    assert summary.distribution == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    assert (summary.households_responding, summary.households_total) == (0, 1)


def test_on_page_tells_whether_the_reader_may_rate_and_what_they_gave(session, world):
    project = accepted(session, world)
    users = world.users
    rate(session, project, users["owner"], 2, "路灯太暗")

    mine = evaluation.on_page(session, project, users["owner"])
    assert mine.my_score == 2 and not mine.may_rate
    assert [c.comment for c in mine.comments] == ["路灯太暗"]
    assert evaluation.on_page(session, project, users["resident"]).may_rate
    assert not evaluation.on_page(session, project, users["station"]).may_rate
    assert evaluation.on_page(session, project, users["station"]).my_score is None


# --- settling --------------------------------------------------------------------------------------------------

def test_the_exact_mean_decides_not_the_rounded_figure():
    assert evaluation.average(59, 20) == Decimal("3.0")
    assert evaluation.is_below_threshold(59, 20)
    assert not evaluation.is_below_threshold(60, 20)
    assert not evaluation.is_below_threshold(0, 0)


def test_a_mean_just_below_three_opens_a_rectification_and_tells_station_and_council(app, session, world):
    project = accepted(session, world)
    users = world.users
    for user, score in ((users["resident"], 3), (users["owner"], 3), (users["council"], 2)):
        rate(session, project, user, score)

    assert evaluation.settle_due(session, now=after_window(project)) == 1
    rectification = session.scalar(select(Rectification).where(Rectification.project_id == project.id))
    assert rectification.status is RectificationStatus.OPEN
    assert (rectification.average, rectification.responses) == (Decimal("2.7"), 3)
    assert project.rating_settled_at == after_window(project)
    flagged = notified(session, "project.rectification")
    assert set(flagged) == {users["station"].id, users["council"].id}
    assert flagged[users["station"].id].params == {"title": project.title, "average": "2.7"}
    assert {"project.rating_settled", "project.rectification_opened"} <= set(actions(session))


def test_a_mean_of_exactly_three_is_not_flagged(session, world):
    project = accepted(session, world)
    users = world.users
    rate(session, project, users["resident"], 4)
    rate(session, project, users["owner"], 2)

    assert evaluation.settle_due(session, now=after_window(project)) == 1
    assert project.rating_settled_at is not None
    assert session.scalar(select(func.count()).select_from(Rectification)) == 0


def test_a_project_nobody_rated_is_settled_without_a_rectification(session, world):
    project = accepted(session, world)

    assert evaluation.settle_due(session, now=after_window(project)) == 1
    assert project.rating_settled_at is not None
    assert session.scalar(select(func.count()).select_from(Rectification)) == 0


def test_settling_waits_for_the_window_and_happens_once(session, world):
    project = accepted(session, world)
    rate(session, project, world.users["resident"], 1)

    assert evaluation.settle_due(session, now=project.rating_closes_at - timedelta(seconds=1)) == 0
    assert project.rating_settled_at is None
    assert evaluation.settle_due(session, now=after_window(project)) == 1
    assert evaluation.settle_due(session, now=after_window(project) + timedelta(days=1)) == 0
    assert session.scalar(select(func.count()).select_from(Rectification)) == 1
    assert len(notified(session, "project.rectification")) == 2
    assert project.status is ProjectStatus.ACCEPTED


# --- rectification ---------------------------------------------------------------------------------------------

def flagged(session, world, title="3栋门口加装路灯"):
    project = accepted(session, world, title=title)
    rate(session, project, world.users["resident"], 1, "灯不亮")
    evaluation.settle_due(session, now=after_window(project))
    return session.scalar(select(Rectification).where(Rectification.project_id == project.id))


def test_the_council_reports_the_station_returns_then_closes(session, world):
    users = world.users
    rectification = flagged(session, world)

    evaluation.report_rectification(session, rectification=rectification, by=users["council"], report="已换新灯")
    assert rectification.status is RectificationStatus.REPORTED
    assert (rectification.report, rectification.reported_by_id) == ("已换新灯", users["council"].id)
    assert users["station"].id in notified(session, "project.rectification_update")

    evaluation.return_rectification(session, rectification=rectification, by=users["station"], note="请附照片")
    assert rectification.status is RectificationStatus.OPEN and rectification.station_note == "请附照片"

    evaluation.report_rectification(session, rectification=rectification, by=users["council"], report="照片已附")
    evaluation.close_rectification(session, rectification=rectification, by=users["station"], note="现场核实")
    assert rectification.status is RectificationStatus.CLOSED
    assert (rectification.closed_by_id, rectification.station_note) == (users["station"].id, "现场核实")
    assert rectification.closed_at is not None
    assert [a for a in actions(session) if a.startswith("project.rectification_")] == [
        "project.rectification_opened", "project.rectification_reported", "project.rectification_returned",
        "project.rectification_reported", "project.rectification_closed"]


@pytest.mark.parametrize("role", ["resident", "supervisor", "other_council", "station"])
def test_only_the_compound_council_reports(session, world, in_english, role):
    rectification = flagged(session, world)

    with pytest.raises(DomainError, match="Only a council member of this compound reports on its rectification."):
        evaluation.report_rectification(session, rectification=rectification, by=world.users[role], report="好了")
    assert rectification.status is RectificationStatus.OPEN


@pytest.mark.parametrize("role", ["council", "supervisor", "other_council", "resident"])
def test_only_the_station_returns_or_closes(session, world, in_english, role):
    rectification = flagged(session, world)
    evaluation.report_rectification(session, rectification=rectification, by=world.users["council"], report="好了")

    for step in (evaluation.return_rectification, evaluation.close_rectification):
        with pytest.raises(DomainError, match="Only the community's station staff check a rectification."):
            step(session, rectification=rectification, by=world.users[role], note="不行")
    assert rectification.status is RectificationStatus.REPORTED


def test_steps_follow_the_order_and_need_their_text(session, world, in_english):
    users = world.users
    rectification = flagged(session, world)

    with pytest.raises(DomainError, match="has changed since the page was loaded"):
        evaluation.close_rectification(session, rectification=rectification, by=users["station"], note="关闭")
    with pytest.raises(DomainError, match="Write what the council put right."):
        evaluation.report_rectification(session, rectification=rectification, by=users["council"], report="  ")
    evaluation.report_rectification(session, rectification=rectification, by=users["council"], report="已整改")
    with pytest.raises(DomainError, match="has changed since the page was loaded"):
        evaluation.report_rectification(session, rectification=rectification, by=users["council"], report="再报")
    with pytest.raises(DomainError, match="Write a note for the council."):
        evaluation.close_rectification(session, rectification=rectification, by=users["station"], note="")
    evaluation.close_rectification(session, rectification=rectification, by=users["admin"], note="核实")
    with pytest.raises(DomainError, match="has changed since the page was loaded"):
        evaluation.return_rectification(session, rectification=rectification, by=users["station"], note="退回")
    assert rectification.status is RectificationStatus.CLOSED


# --- the command -----------------------------------------------------------------------------------------------

def test_process_due_command_settles_closed_windows(app, session, world):
    project = accepted(session, world)
    rate(session, project, world.users["resident"], 2)
    project.rating_closes_at = utcnow() - timedelta(seconds=1)
    session.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["projects", "process-due"])
    assert result.exit_code == 0, result.output
    assert "ratings settled: 1" in result.output
    session.expire_all()
    assert session.scalar(select(Rectification.responses).where(Rectification.project_id == project.id)) == 1
    assert "nothing due" in runner.invoke(args=["projects", "process-due"]).output
