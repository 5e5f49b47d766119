"""Only the station staff of a place's own community (and admins) may keep it; nobody else changes anything."""
from dataclasses import dataclass
from datetime import date
from typing import Callable

import pytest

from neighbourhood.accounts.models import Role
from tests import factories
from tests.conftest import sign_in
from tests.places.helpers import snapshot, upload


@dataclass(frozen=True)
class Page:
    id: str
    method: str
    url: Callable
    data: dict | None = None


PAGES = [
    Page("community", "GET", lambda w: f"/station/communities/{w.community.id}"),
    Page("add-compound", "POST", lambda w: f"/station/communities/{w.community.id}",
         {"name": "闯入小区", "address": "", "station_name": ""}),
    Page("compound", "GET", lambda w: f"/station/compounds/{w.compound.id}"),
    Page("edit-compound", "POST", lambda w: f"/station/compounds/{w.compound.id}",
         {"name": "改名小区", "address": "", "station_name": ""}),
    Page("add-building", "POST", lambda w: f"/station/compounds/{w.compound.id}/buildings", {"name": "99栋"}),
    Page("building", "GET", lambda w: f"/station/buildings/{w.building.id}"),
    Page("add-household", "POST", lambda w: f"/station/buildings/{w.building.id}",
         {"unit": "9", "room": "909", "area": "50", "area_basis": "registered"}),
    Page("household", "GET", lambda w: f"/station/households/{w.household.id}"),
    Page("edit-household", "POST", lambda w: f"/station/households/{w.household.id}",
         {"area": "1.00", "area_basis": "contract"}),
    Page("import", "GET", lambda w: f"/station/compounds/{w.compound.id}/import"),
    Page("template", "GET", lambda w: f"/station/compounds/{w.compound.id}/import/template.csv"),
    Page("invitations", "GET", lambda w: f"/station/compounds/{w.compound.id}/invitations"),
    Page("print", "POST", lambda w: f"/station/compounds/{w.compound.id}/invitations", {"scope": "all"}),
]
IMPORT = "楼栋,单元,房号,面积\n99栋,1,101,50\n3栋,2,501,1\n"


def request(client, world, page: Page):
    return client.open(page.url(world), method=page.method, data=page.data)


def household_state(session, world):
    session.refresh(world.household)
    session.refresh(world.compound)
    return world.household.area, world.household.area_basis, world.compound.name


@pytest.fixture
def clients(client_as, other_staff):
    def make(who):
        return other_staff if who == "other_station" else client_as(who)
    return make


OUTSIDERS = ["other_station", "council", "other_council", "supervisor", "owner", "resident", "unverified"]


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_outsiders_get_403_and_change_nothing(session, world, clients, page, who):
    before = snapshot(session), household_state(session, world)
    response = request(clients(who), world, page)
    assert response.status_code == 403
    assert (snapshot(session), household_state(session, world)) == before


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_import(session, world, clients, who):
    before = snapshot(session), household_state(session, world)
    assert upload(clients(who), world.compound.id, IMPORT).status_code == 403
    assert (snapshot(session), household_state(session, world)) == before


@pytest.mark.parametrize("who", ["council", "other_council", "supervisor", "resident", "enterprise"])
def test_the_station_home_is_for_staff(clients, who):
    assert clients(who).get("/station/").status_code == 403


@pytest.mark.parametrize("who", OUTSIDERS + ["station"])
def test_only_admins_create_communities(session, clients, who):
    before = snapshot(session)
    assert clients(who).post("/station/communities", data={"name": "闯入社区"}).status_code == 403
    assert snapshot(session) == before


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_anonymous_visitors_are_sent_to_sign_in(session, world, client, page):
    before = snapshot(session), household_state(session, world)
    response = request(client, world, page)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert (snapshot(session), household_state(session, world)) == before


def test_anonymous_station_home_and_import_are_sent_to_sign_in(world, client):
    assert client.get("/station/").headers["Location"].startswith("/login")
    assert upload(client, world.compound.id, IMPORT).headers["Location"].startswith("/login")


@pytest.mark.parametrize("who", ["station", "admin"])
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_the_communitys_own_staff_and_admins_may(world, clients, page, who):
    """The control for the tests above: the same requests succeed for those allowed."""
    response = request(clients(who), world, page)
    assert response.status_code in (200, 302)


def test_other_staff_keep_their_own_community(session, world, other_community, other_staff):
    o = other_community
    assert other_staff.get(f"/station/communities/{o.community.id}").status_code == 200
    assert other_staff.get(f"/station/compounds/{o.compound.id}").status_code == 200
    assert other_staff.get(f"/station/buildings/{o.building.id}").status_code == 200
    assert other_staff.get(f"/station/households/{o.household.id}").status_code == 200
    assert upload(other_staff, o.compound.id, IMPORT).status_code == 200
    # ...and their pages never link into ours.
    body = other_staff.get(f"/station/communities/{o.community.id}").get_data(as_text=True)
    assert f"/station/compounds/{world.compound.id}" not in body


def test_station_staff_whose_term_has_ended_are_refused(session, app, world):
    former = factories.user(session, app.config, display_name="前社工")
    factories.role(session, former, Role.STATION_STAFF, community_obj=world.community,
                   term_start=date(2020, 1, 1), term_end=date(2021, 1, 1))
    session.commit()
    client = app.test_client()
    sign_in(app, client, former)
    assert client.get("/station/").status_code == 403
    assert client.get(f"/station/compounds/{world.compound.id}").status_code == 403
