"""The station's volunteer hours per compound per month: the figures of a hand-computed fixture (local months,
confirmed hours only, the last 12 months), the totals both ways, who may see them (the community's staff, not its
residents or councils, nor another community's staff), and a page whose query count does not grow with compounds."""
from __future__ import annotations

from datetime import datetime, timedelta

from neighbourhood.accounts.models import Role
from neighbourhood.volunteering import mine, services
from neighbourhood.volunteering.models import ActivityCategory, OrganiserKind
from neighbourhood.volunteering.services import ShiftPlan
from neighbourhood.voting.manage_forms import to_utc
from tests import factories
from tests.accounts.helpers import english
from tests.conftest import sign_in
from tests.projects.helpers import measure
from tests.volunteering.helpers import served
from tests.volunteering.test_me import CEILING, text

PAGE = "/volunteering/station"


def months_back(count: int) -> tuple[int, int]:
    today = mine.local_today()
    year, month = today.year, today.month - count
    while month < 1:
        year, month = year - 1, month + 12
    return year, month


def service(session, compound, organiser, volunteer, *, month: tuple[int, int], hours, confirm=True, hour=9):
    """`volunteer` served `hours` on the 1st of `month` at `hour` o'clock Beijing time (09:00 there is still the
    previous day in UTC: the month is the local one)."""
    starts = to_utc(datetime(*month, 1, hour))
    activity = services.create_activity(
        session, compound=compound, by=organiser, title="小区服务", place="活动室", category=ActivityCategory.OTHER,
        organiser_kind=OrganiserKind.COUNCIL, organiser_name="议事会", starts_at=starts,
        ends_at=starts + timedelta(hours=8), shifts=[ShiftPlan(starts, starts + timedelta(hours=8), 5)])
    if confirm:
        served(session, activity.shifts[0], volunteer, organiser, hours=hours)
    else:
        signup = services.sign_up(session, shift=activity.shifts[0], user=volunteer, now=starts - timedelta(days=1))
        services.check_in(session, signup=signup, by=organiser, at=starts)
        services.check_out(session, signup=signup, by=organiser, at=starts + timedelta(hours=hours))
    session.commit()


def fixture(session, world):
    """Ours: this month 2 + 3 hours, last month 1.5, 13 months ago 7 (not shown), and 4 unconfirmed (not counted).
    Theirs (the other compound): this month 4."""
    users, council = world.users, world.users["council"]
    now, last, long_ago = months_back(0), months_back(1), months_back(13)
    service(session, world.compound, council, users["resident"], month=now, hours=2)
    service(session, world.compound, council, users["owner"], month=now, hours=3)
    service(session, world.compound, council, users["resident"], month=last, hours=1.5)
    service(session, world.compound, council, users["owner"], month=long_ago, hours=7)
    service(session, world.compound, council, users["supervisor"], month=now, hours=4, confirm=False)
    service(session, world.other_compound, users["other_council"], users["other_council"], month=now, hours=4)
    return now, last


def row(page: str, row_id: str) -> list[str]:
    """The figures of one table row, in order."""
    start = page.index(f'id="{row_id}"')
    cells = page[start:page.index("</tr>", start)].split('<td class="vol-num">')[1:]
    return [c.split("<")[0] if not c.startswith("<strong>") else c[8:].split("<")[0] for c in cells]


def test_the_figures_per_compound_and_month(session, world, client_as):
    fixture(session, world)
    page = text(english(client_as("station")).get(PAGE))
    zeros = ["0.0"] * 10
    assert row(page, f"compound-{world.compound.id}") == ["5.0", "1.5"] + zeros + ["6.5"]
    assert row(page, f"compound-{world.other_compound.id}") == ["4.0", "0.0"] + zeros + ["4.0"]
    assert row(page, "hours-total") == ["9.0", "1.5"] + zeros + ["10.5"]
    assert f'href="/volunteering/?compound={world.compound.id}"' in page
    year, month = months_back(0)
    assert f"{year}-{month:02d}: 9.0 hours" in page and 'height="120"' in page
    # The admin, who serves no community in particular, sees the first one; a community asked for by id too.
    assert row(text(client_as("admin").get(PAGE)), "hours-total")[-1] == "10.5"
    assert client_as("station").get(f"{PAGE}?community={world.community.id}").status_code == 200
    assert client_as("station").get(f"{PAGE}?community=999999").status_code == 404


def test_only_the_communitys_staff_see_it(session, app, world, client_as):
    fixture(session, world)
    for role in ("resident", "council", "supervisor", "enterprise", "other_council", "unverified"):
        assert client_as(role).get(PAGE).status_code == 403, role
        assert client_as(role).get(f"{PAGE}?community={world.community.id}").status_code == 403, role
    elsewhere = factories.community(session, name="芳草社区")
    theirs = factories.compound(session, elsewhere, name="芳草东街小区")
    staff = factories.user(session, app.config, display_name="吴社工")
    factories.role(session, staff, Role.STATION_STAFF, community_obj=elsewhere)
    session.commit()
    client = english(app.test_client())
    sign_in(app, client, staff)
    assert client.get(f"{PAGE}?community={world.community.id}").status_code == 403
    page = text(client.get(PAGE))
    assert "芳草东街小区" in page and world.compound.name not in page and world.other_compound.name not in page
    assert row(page, "hours-total")[-1] == "0.0" and f"compound-{theirs.id}" in page


def test_the_page_needs_few_queries_however_many_compounds(session, world, client_as, count_queries):
    fixture(session, world)
    client = client_as("station")
    before = measure(count_queries, client, PAGE)
    for index in range(5):
        compound = factories.compound(session, world.community, name=f"新院落{index}")
        service(session, compound, world.users["council"], world.users["resident"], month=months_back(index),
                hours=1)
    after = measure(count_queries, client, PAGE)
    assert before <= CEILING and after == before


def test_the_station_page_links_each_community_to_its_volunteer_hours(session, world, client_as):
    page = client_as("station").get("/station/").get_data(as_text=True)
    assert f'href="/volunteering/station?community={world.community.id}"' in page
