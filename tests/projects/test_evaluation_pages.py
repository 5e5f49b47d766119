"""问效 on the pages: the rating on an accepted project's page (the form keeps the comment on an error, the figures
and comments are public, the form goes when the window closes), the rectifications page where the council reports
and the station closes, and query counts that do not grow with ratings or rectifications."""
from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import select

from neighbourhood.db import utcnow
from neighbourhood.projects import evaluation
from neighbourhood.projects.models import ProjectRating, Rectification, RectificationStatus
from tests import factories
from tests.accounts.helpers import english, text as _text
from tests.projects.helpers import accepted, measure
from tests.projects.test_evaluation import after_window, during, neighbour, new_household

CEILING = 12


def text(response) -> str:
    return html.unescape(_text(response))


def flagged(session, world, title):
    """A project rated 1 by a resident whose window has closed and been settled: an open rectification."""
    project = accepted(session, world, title=title)
    evaluation.rate(session, project=project, by=world.users["resident"], score=1, comment="没修好",
                    now=during(project))
    evaluation.settle_due(session, now=after_window(project))
    return session.scalar(select(Rectification).where(Rectification.project_id == project.id))


def test_a_resident_rates_from_the_project_page_and_sees_the_figures(session, world, client_as):
    project = accepted(session, world, title="楼道扶手")
    session.commit()
    client = english(client_as("resident"))

    page = text(client.get(f"/projects/{project.id}"))
    assert "Residents' rating" in page and "Nobody has rated this project yet." in page
    assert "Rating is open until" in page and 'id="form-rate"' in page

    response = client.post(f"/projects/{project.id}/rate", data={"score": "4", "comment": "扶手很结实"})
    assert response.status_code == 302
    page = text(client.get(response.location))
    assert "Thank you: your rating is counted." in page
    assert "4.0 / 5" in page and "You rated it 4." in page and 'id="form-rate"' not in page
    assert "Residents responding: 1, from 1 of 1 households." in page
    assert "扶手很结实" in page and "3栋 李阿姨" in page

    neighbours = text(english(client_as("station")).get(f"/projects/{project.id}"))
    assert "扶手很结实" in neighbours and "4.0 / 5" in neighbours and 'id="form-rate"' not in neighbours


def test_the_rating_form_keeps_the_comment_when_no_score_is_chosen(session, world, client_as):
    project = accepted(session, world)
    session.commit()
    client = english(client_as("owner"))

    response = client.post(f"/projects/{project.id}/rate", data={"comment": "路灯位置不太好"})
    assert response.status_code == 200
    page = text(response)
    assert "Choose a score from 1 to 5." in page and "路灯位置不太好" in page
    assert session.scalar(select(ProjectRating.id)) is None


def test_a_second_rating_is_refused_on_the_page(session, world, client_as):
    project = accepted(session, world)
    evaluation.rate(session, project=project, by=world.users["owner"], score=5)
    session.commit()

    response = english(client_as("owner")).post(f"/projects/{project.id}/rate", data={"score": "1", "comment": "改"})
    assert response.status_code == 200 and "You have already rated this project." in text(response)
    assert [r.score for r in session.scalars(select(ProjectRating))] == [5]


def test_the_form_is_gone_once_the_window_has_closed(session, world, client_as):
    project = accepted(session, world)
    project.accepted_at = utcnow() - timedelta(days=20)
    project.rating_closes_at = utcnow() - timedelta(days=6)
    session.commit()
    client = english(client_as("resident"))

    page = text(client.get(f"/projects/{project.id}"))
    assert "Rating is closed." in page and 'id="form-rate"' not in page
    refused = client.post(f"/projects/{project.id}/rate", data={"score": "5"})
    assert "Rating this project is not open" in text(refused)


def test_the_project_page_shows_a_rectification(session, world, client_as):
    rectification = flagged(session, world, "小广场座椅")
    session.commit()

    page = text(english(client_as("council")).get(f"/projects/{rectification.project_id}"))
    assert "flagged to the station for rectification" in page and "Waiting for the council's report" in page
    assert "/projects/rectifications?compound=" in page


def test_the_council_reports_and_the_station_closes_the_rectification(session, world, client_as):
    rectification = flagged(session, world, "小广场座椅")
    session.commit()
    council, station = english(client_as("council")), english(client_as("station"))

    page = text(council.get("/projects/rectifications"))
    assert "小广场座椅" in page and "Rated 1.0 / 5 (responses: 1)" in page
    assert f'id="form-report-{rectification.id}"' in page
    response = council.post(f"/projects/rectifications/{rectification.id}/report", data={"text": "座椅已重新固定"})
    assert response.status_code == 302 and f"compound={world.compound.id}" in response.location

    page = text(station.get("/projects/rectifications"))
    assert "座椅已重新固定" in page and "Reported: the station checks it" in page
    failed = station.post(f"/projects/rectifications/{rectification.id}/close", data={"text": ""})
    assert failed.status_code == 200 and "This field is required." in text(failed)
    response = station.post(f"/projects/rectifications/{rectification.id}/close", data={"text": "已到现场查看"})
    assert response.status_code == 302 and f"community={world.community.id}" in response.location
    session.expire_all()
    assert session.get(Rectification, rectification.id).status is RectificationStatus.CLOSED
    page = text(station.get(response.location))
    assert "The rectification is closed." in page and "已到现场查看" in page
    assert f'id="form-close-{rectification.id}"' not in page


def test_the_station_returns_a_report_with_a_note(session, world, client_as):
    rectification = flagged(session, world, "小广场座椅")
    evaluation.report_rectification(session, rectification=rectification, by=world.users["council"], report="好了")
    session.commit()

    response = english(client_as("station")).post(f"/projects/rectifications/{rectification.id}/return",
                                                   data={"text": "请附整改照片"})
    assert response.status_code == 302
    page = text(english(client_as("council")).get(f"/projects/rectifications?compound={world.compound.id}"))
    assert "请附整改照片" in page and f'id="form-report-{rectification.id}"' in page


def test_residents_and_supervisors_do_not_see_the_rectifications_page(session, world, client_as):
    flagged(session, world, "小广场座椅")
    session.commit()

    for role in ("resident", "supervisor", "owner"):
        assert client_as(role).get("/projects/rectifications").status_code == 403, role
    assert client_as("council").get(
        f"/projects/rectifications?community={world.community.id}").status_code == 403
    assert client_as("other_council").get(
        f"/projects/rectifications?compound={world.compound.id}").status_code == 403


def test_queries_do_not_grow_with_ratings_or_rectifications(app, session, world, client_as, count_queries):
    project = accepted(session, world, title="楼道扶手")
    evaluation.rate(session, project=project, by=world.users["owner"], score=4, comment="不错", now=during(project))
    flagged(session, world, "座椅一")
    session.commit()
    roles = ("resident", "council", "station")
    clients = {role: client_as(role) for role in roles}
    pages = {"resident": [f"/projects/{project.id}"],
             "council": [f"/projects/{project.id}", "/projects/rectifications"],
             "station": [f"/projects/{project.id}", "/projects/rectifications"]}
    before = {role: [measure(count_queries, clients[role], path) for path in paths] for role, paths in pages.items()}

    for n in range(12):
        person = neighbour(session, app, world, new_household(session, world, f"6{n:02d}"), f"邻居{n}")
        evaluation.rate(session, project=project, by=person, score=1 + n % 5, comment=f"意见{n}",
                        now=during(project))
    for n in range(3):
        flagged(session, world, f"座椅{n + 2}")
    session.commit()
    for role, paths in pages.items():
        after = [measure(count_queries, clients[role], path) for path in paths]
        assert after == before[role] and max(after) <= CEILING, (role, before[role], after)
    page = text(english(clients["resident"]).get(f"/projects/{project.id}"))
    assert "意见11" in page and "意见2" in page                          # the latest ten comments
    assert "意见0" not in page and "不错" not in page
    assert "Residents responding: 13, from 13 of 13 households." in page


def test_a_factory_project_page_still_renders_without_a_rating(session, world, client_as):
    project = factories.project(session, world.compound, world.users["council"], started=True)
    session.commit()

    page = text(english(client_as("resident")).get(f"/projects/{project.id}"))
    assert "Residents' rating" not in page


def test_a_much_rated_project_page_keeps_the_page_budget(app, session, world, client_as):
    from tests.web.test_budgets import HTML_BUDGET, TOTAL_BUDGET, page_weight

    project = accepted(session, world)
    for n in range(15):
        person = neighbour(session, app, world, new_household(session, world, f"7{n:02d}"), f"邻居{n}")
        evaluation.rate(session, project=project, by=person, score=1 + n % 5, comment="路灯" * 250,
                        now=during(project))
    session.commit()
    for role in ("resident", "council"):
        html_size, total, _page = page_weight(client_as(role), f"/projects/{project.id}")
        assert html_size <= HTML_BUDGET and total <= TOTAL_BUDGET, (role, html_size, total)
