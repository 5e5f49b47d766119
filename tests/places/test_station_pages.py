"""The station's pages for keeping the place tree: communities, compounds, buildings, households."""
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.places import services
from neighbourhood.places.models import AreaBasis, Building, Community, Compound, Household
from tests import factories
from tests.places.helpers import count, snapshot


def last_audit(session):
    session.expire_all()
    return session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))


def in_order(body: str, *texts: str) -> bool:
    positions = [body.index(t) for t in texts]
    return positions == sorted(positions)


# --- /station/ -------------------------------------------------------------------------------------------


def test_station_lists_the_staffs_communities_only(world, station, other_community, other_staff):
    body = station.get("/station/").get_data(as_text=True)
    assert f'href="/station/communities/{world.community.id}"' in body and "玉林社区" in body
    assert "芳草社区" not in body
    assert 'action="/station/communities"' not in body  # only admins create communities
    other = other_staff.get("/station/").get_data(as_text=True)
    assert "芳草社区" in other and f"/station/communities/{world.community.id}" not in other


def test_admin_sees_every_community_and_the_create_form(world, client_as, other_community):
    body = client_as("admin").get("/station/").get_data(as_text=True)
    assert "玉林社区" in body and "芳草社区" in body
    assert 'action="/station/communities"' in body


def test_the_nav_links_to_the_station_for_staff_only(client_as):
    assert 'href="/station/"' in client_as("station").get("/me").get_data(as_text=True)
    assert 'href="/station/"' not in client_as("council").get("/me").get_data(as_text=True)


# --- communities ----------------------------------------------------------------------------------------


def test_admin_creates_a_community(session, world, client_as):
    response = client_as("admin").post("/station/communities", data={
        "name": " 芳草社区 ", "district": "武侯区芳草街街道", "centre_name": "芳草社区党群服务中心"})
    community = session.scalar(select(Community).where(Community.name == "芳草社区"))
    assert community is not None and community.district == "武侯区芳草街街道"
    assert response.status_code == 302
    assert response.headers["Location"] == f"/station/communities/{community.id}"
    entry = last_audit(session)
    assert (entry.action, entry.subject_id, entry.data) == ("community.created", community.id, {"name": "芳草社区"})
    assert entry.actor_id == world.users["admin"].id


def test_creating_a_community_without_a_name_keeps_the_input(session, client_as):
    admin = client_as("admin")
    admin.set_cookie("lang", "en")
    communities = count(session, Community)
    response = admin.post("/station/communities", data={"name": "  ", "district": "武侯区芳草街街道"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "This field is required." in body and 'value="武侯区芳草街街道"' in body
    assert count(session, Community) == communities


def test_station_staff_cannot_create_a_community(session, client_as):
    communities = count(session, Community)
    assert client_as("station").post("/station/communities", data={"name": "新社区"}).status_code == 403
    assert count(session, Community) == communities


# --- compounds ------------------------------------------------------------------------------------------


def test_community_page_summarises_its_compounds(world, station, other_community):
    response = station.get(f"/station/communities/{world.community.id}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert in_order(body, "玉林北路小区", "芳草街院落")
    assert f'href="/station/compounds/{world.compound.id}"' in body
    assert "芳草东街小区" not in body
    assert "179.00 m²" in body  # 2 × 89.50 in 3栋


def test_station_staff_add_a_compound(session, world, station):
    response = station.post(f"/station/communities/{world.community.id}", data={
        "name": "玉林东路小区", "address": "玉林东路 12 号", "station_name": "玉林东路小区党群服务站"})
    compound = session.scalar(select(Compound).where(Compound.name == "玉林东路小区"))
    assert compound.community_id == world.community.id and compound.address == "玉林东路 12 号"
    assert response.status_code == 302 and response.headers["Location"] == f"/station/compounds/{compound.id}"
    entry = last_audit(session)
    assert (entry.action, entry.compound_id, entry.community_id) == (
        "compound.created", compound.id, world.community.id)
    assert compound.name in station.get(f"/station/communities/{world.community.id}").get_data(as_text=True)


def test_a_compound_without_a_name_keeps_the_input(session, world, station):
    compounds = count(session, Compound)
    response = station.post(f"/station/communities/{world.community.id}",
                            data={"name": "", "address": "玉林东路 12 号", "station_name": "东路站"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "This field is required." in body
    assert 'value="玉林东路 12 号"' in body and 'value="东路站"' in body
    assert count(session, Compound) == compounds


def test_editing_a_compound_is_audited_with_before_and_after(session, world, station):
    response = station.post(f"/station/compounds/{world.compound.id}", data={
        "name": "玉林北路小区", "address": "玉林北路 1 号", "station_name": "玉林北路小区党群服务站"})
    assert response.status_code == 302
    session.refresh(world.compound)
    assert world.compound.address == "玉林北路 1 号"
    entry = last_audit(session)
    assert entry.action == "compound.updated" and entry.data == {"address": ["", "玉林北路 1 号"]}


def test_compound_page_shows_its_details_in_the_form(world, station):
    body = station.get(f"/station/compounds/{world.compound.id}").get_data(as_text=True)
    assert 'value="玉林北路小区"' in body and 'value="玉林北路小区党群服务站"' in body
    assert "<span>1 building</span>" in body and "<span>2 households</span>" in body


def test_a_building_with_no_households_yet_is_counted(session, world, station):
    factories.building(session, world.compound, "9栋")
    session.commit()
    [summary] = [s for s in services.compound_summaries(session, community=world.community)
                 if s.compound.id == world.compound.id]
    assert (summary.buildings, summary.households, summary.registered_area) == (2, 2, Decimal("179.00"))
    assert "<span>2 buildings</span>" in station.get(f"/station/compounds/{world.compound.id}").get_data(as_text=True)


def test_an_empty_compound_is_summarised_with_zeros(session, world):
    empty = factories.compound(session, world.community, name="空院落")
    session.commit()
    [summary] = [s for s in services.compound_summaries(session, community=world.community)
                 if s.compound.id == empty.id]
    assert (summary.buildings, summary.households, summary.registered_area) == (0, 0, Decimal(0))


# --- buildings ------------------------------------------------------------------------------------------


def test_adding_a_building(session, world, station):
    response = station.post(f"/station/compounds/{world.compound.id}/buildings", data={"name": " 12栋 "})
    building = session.scalar(select(Building).where(Building.name == "12栋"))
    assert building.compound_id == world.compound.id
    assert response.status_code == 302 and response.headers["Location"] == f"/station/buildings/{building.id}"
    assert last_audit(session).action == "building.created"


def test_a_duplicate_building_is_refused_and_the_form_keeps_the_name(session, world, station):
    buildings = count(session, Building)
    entries = count(session, AuditEntry)
    response = station.post(f"/station/compounds/{world.compound.id}/buildings", data={"name": "3栋"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "This compound already has a building called 3栋." in body
    assert re.search(r'<input[^>]*name="name"[^>]*value="3栋"', body) or \
        re.search(r'<input[^>]*value="3栋"[^>]*name="name"', body)
    assert count(session, Building) == buildings and count(session, AuditEntry) == entries


def test_the_same_building_name_in_another_compound_is_fine(session, world, station):
    response = station.post(f"/station/compounds/{world.other_compound.id}/buildings", data={"name": "3栋"})
    assert response.status_code == 302
    assert count(session, Building, Building.name == "3栋") == 2


def test_a_building_without_a_name_is_refused(session, world, station):
    buildings = count(session, Building)
    response = station.post(f"/station/compounds/{world.compound.id}/buildings", data={"name": " "})
    assert response.status_code == 200 and "This field is required." in response.get_data(as_text=True)
    assert count(session, Building) == buildings


def test_buildings_are_in_natural_order(session, world, station):
    for name in ("10栋", "2栋", "1栋", "21栋"):
        station.post(f"/station/compounds/{world.compound.id}/buildings", data={"name": name})
    body = station.get(f"/station/compounds/{world.compound.id}").get_data(as_text=True)
    assert in_order(body, ">1栋<", ">2栋<", ">3栋<", ">10栋<", ">21栋<")
    assert [c.building.name for c in services.building_counts(session, compound=world.compound)] == [
        "1栋", "2栋", "3栋", "10栋", "21栋"]
    session.expire_all()
    assert [b.name for b in session.get(Compound, world.compound.id).buildings] == [
        "1栋", "2栋", "3栋", "10栋", "21栋"]


def test_a_name_full_of_numbers_still_fits_the_sort_key(session, world, station):
    name = "1-2-3-4-5-6-7-8-9-10-11-12-13-14"
    assert station.post(f"/station/compounds/{world.compound.id}/buildings",
                        data={"name": name}).status_code == 302
    building = session.scalar(select(Building).where(Building.name == name))
    assert len(building.sort_key) <= 80


# --- households -----------------------------------------------------------------------------------------


def test_adding_a_household(session, world, station):
    response = station.post(f"/station/buildings/{world.building.id}", data={
        "unit": "2", "room": "503", "area": "88.8", "area_basis": "surveyed"})
    assert response.status_code == 302 and response.headers["Location"] == f"/station/buildings/{world.building.id}"
    household = session.scalar(select(Household).where(Household.room == "503"))
    assert (household.compound_id, household.unit, household.area, household.area_basis) == (
        world.compound.id, "2", Decimal("88.80"), AreaBasis.SURVEYED)
    entry = last_audit(session)
    assert entry.action == "household.created"
    assert entry.data == {"label": "3栋2单元503", "area": "88.80", "area_basis": "surveyed"}


def test_a_household_needs_only_a_room(session, world, station):
    assert station.post(f"/station/buildings/{world.building.id}", data={"room": "101"}).status_code == 302
    household = session.scalar(select(Household).where(Household.building_id == world.building.id,
                                                        Household.room == "101"))
    assert (household.unit, household.area, household.area_basis) == ("", None, AreaBasis.REGISTERED)


def test_a_duplicate_household_is_refused_and_the_form_keeps_the_input(session, world, station):
    households = count(session, Household)
    for unit in ("2", "2单元", " 2 "):
        response = station.post(f"/station/buildings/{world.building.id}", data={
            "unit": unit, "room": "501", "area": "70", "area_basis": "registered"})
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "This household is already registered." in body
        assert 'value="501"' in body and 'value="70"' in body
    assert count(session, Household) == households
    session.refresh(world.household)
    assert world.household.area == Decimal("89.50")


def test_a_household_page_lists_its_members(world, station):
    body = station.get(f"/station/households/{world.household.id}").get_data(as_text=True)
    # Station staff see real names (all world users are 王秀英) and the household's area in the form.
    assert "王秀英" in body and "Verified" in body and 'value="89.50"' in body


def test_editing_a_households_area_is_audited_with_before_and_after(session, world, station):
    response = station.post(f"/station/households/{world.household.id}",
                            data={"area": "95.5", "area_basis": "surveyed"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/station/buildings/{world.building.id}"
    session.refresh(world.household)
    assert (world.household.area, world.household.area_basis) == (Decimal("95.50"), AreaBasis.SURVEYED)
    entry = last_audit(session)
    assert entry.action == "household.area_changed" and entry.subject_id == world.household.id
    assert entry.data == {"area": ["89.50", "95.50"], "area_basis": ["registered", "surveyed"]}
    assert entry.actor_id == world.users["station"].id


def test_saving_the_same_area_writes_no_audit_entry(session, world, station):
    entries = count(session, AuditEntry)
    station.post(f"/station/households/{world.household.id}", data={"area": "89.5", "area_basis": "registered"})
    assert count(session, AuditEntry) == entries


def test_clearing_an_area(session, world, station):
    station.post(f"/station/households/{world.household.id}", data={"area": "", "area_basis": "registered"})
    session.refresh(world.household)
    assert world.household.area is None
    assert last_audit(session).data["area"] == ["89.50", None]


@pytest.mark.parametrize("area", ["abc", "0", "-3", "10000.01", "NaN", "sNaN", "Infinity", "1e999999"])
def test_a_bad_area_is_refused_and_kept_in_the_form(session, world, station, area):
    entries = count(session, AuditEntry)
    response = station.post(f"/station/households/{world.household.id}",
                            data={"area": area, "area_basis": "surveyed"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'value="{area}"' in body and 'aria-invalid="true"' in body
    assert re.search(r'<option selected value="surveyed">|<option value="surveyed" selected>', body)
    session.refresh(world.household)
    assert world.household.area == Decimal("89.50") and count(session, AuditEntry) == entries


def test_a_bad_area_basis_is_refused(session, world, station):
    response = station.post(f"/station/households/{world.household.id}",
                            data={"area": "70", "area_basis": "guessed"})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    session.refresh(world.household)
    assert world.household.area == Decimal("89.50")


def test_rooms_are_in_natural_order(session, world, station):
    building = factories.building(session, world.compound, "7栋")
    for unit, room in (("10", "101"), ("2", "1001"), ("2", "201"), ("1", "1601"), ("2", "301"), ("", "9")):
        factories.household(session, building, unit, room)
    session.commit()
    body = station.get(f"/station/buildings/{building.id}").get_data(as_text=True)
    assert in_order(body, "7栋9<", "7栋1单元1601", "7栋2单元201", "7栋2单元301", "7栋2单元1001", "7栋10单元101")


def test_building_page_shows_the_area_basis_when_not_registered(session, world, station):
    world.free_household.area_basis = AreaBasis.CONTRACT
    session.commit()
    body = station.get(f"/station/buildings/{world.building.id}").get_data(as_text=True)
    assert "89.50 m²" in body and body.count("Sales-contract area") == 2  # the row, and the form's option


def test_an_empty_building_explains_itself(session, world, station):
    building = factories.building(session, world.compound, "8栋")
    session.commit()
    assert "No households in this building yet." in station.get(f"/station/buildings/{building.id}").get_data(
        as_text=True)


# --- bad input never 500s -------------------------------------------------------------------------------


@pytest.mark.parametrize("path, data, kept", [
    ("/station/communities/{community}", {"name": "x" * 81}, ["x" * 81]),
    ("/station/communities/{community}", {"name": "院", "address": "路" * 201}, ["院", "路" * 201]),
    ("/station/compounds/{compound}", {"name": "", "address": "玉林北路 1 号"}, ["玉林北路 1 号"]),
    ("/station/compounds/{compound}", {"name": "x" * 81}, ["x" * 81]),
    ("/station/compounds/{compound}/buildings", {"name": "栋" * 41}, ["栋" * 41]),
    ("/station/compounds/{compound}/buildings", {}, []),
    ("/station/buildings/{building}", {"unit": "2", "room": "1" * 21}, ["2", "1" * 21]),
    ("/station/buildings/{building}", {"unit": "1" * 11, "room": "601"}, ["1" * 11, "601"]),
    ("/station/buildings/{building}", {"room": "601", "area": "NaN"}, ["601", "NaN"]),
    ("/station/buildings/{building}", {"room": "601", "area": "sNaN"}, ["601", "sNaN"]),
    ("/station/buildings/{building}", {"room": "601", "area": "1e999999"}, ["601", "1e999999"]),
    ("/station/buildings/{building}", {"room": "601", "area": "60", "area_basis": "guessed"}, ["601", "60"]),
    ("/station/households/{household}", {"area": "12,5", "area_basis": "registered"}, ["12,5"]),
    ("/station/households/{household}", {"area": "70", "area_basis": ""}, ["70"]),
    ("/station/compounds/{compound}/invitations", {"scope": "everyone"}, []),
    ("/station/compounds/{compound}/invitations", {}, []),
])
def test_bad_form_input_is_a_form_error_not_a_crash(session, world, station, path, data, kept):
    before = snapshot(session)
    url = path.format(community=world.community.id, compound=world.compound.id,
                      building=world.building.id, household=world.household.id)
    response = station.post(url, data=data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'class="error"' in body or 'class="form-errors"' in body
    for value in kept:  # what was typed comes back, to fix rather than retype
        assert f'value="{value}"' in body
    assert snapshot(session) == before


@pytest.mark.parametrize("path", [
    "/station/communities/999999", "/station/compounds/999999", "/station/buildings/999999",
    "/station/households/999999", "/station/compounds/999999/import",
    "/station/compounds/999999/import/template.csv", "/station/compounds/999999/invitations",
    "/station/compounds/abc", "/station/buildings/-1",
])
def test_unknown_places_are_404(station, path):
    assert station.get(path).status_code == 404


@pytest.mark.parametrize("area", ["NaN", "sNaN", "Infinity"])
def test_a_non_finite_area_gets_the_range_message_once(world, station, area):
    body = station.post(f"/station/households/{world.household.id}",
                        data={"area": area, "area_basis": "registered"}).get_data(as_text=True)
    assert body.count("The area must be between 0 and 10,000 m².") == 1
