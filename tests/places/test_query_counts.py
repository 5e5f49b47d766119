"""The station's list pages run the same few SQL statements whether a place has two rows or two hundred."""
from decimal import Decimal

import pytest

from neighbourhood.accounts.models import MembershipStatus, Relation
from neighbourhood.places.models import AreaBasis
from tests import factories

CEILING = 12


def measure(count_queries, client, url) -> int:
    client.get(url)  # warm up: first-request work (templates, translations) is not what we measure
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def grow_community(session, app, world, compounds=6, buildings=4, households=5):
    """More compounds, buildings, households, pending requests and verified members everywhere."""
    people = [factories.user(session, app.config, display_name=f"居民{n}") for n in range(3)]
    for c in range(compounds):
        compound = factories.compound(session, world.community, name=f"新院落{c}")
        for b in range(buildings):
            building = factories.building(session, compound, f"{b + 1}栋")
            for h in range(households):
                household = factories.household(session, building, "1", f"{h + 1}01")
                if h == 0:
                    factories.membership(session, people[c % 3], household, status=MembershipStatus.PENDING)
        factories.building(session, compound, "空楼")
    session.commit()


def grow_compound(session, app, world, buildings=25, households=4):
    for b in range(buildings):
        building = factories.building(session, world.compound, f"{b + 10}栋")
        for h in range(households):
            factories.household(session, building, str(h % 2 + 1), f"{h + 1}02")
    newcomer = factories.user(session, app.config)
    factories.membership(session, newcomer, world.free_household, status=MembershipStatus.PENDING)
    session.commit()


def grow_building(session, app, world, households=60):
    bases = list(AreaBasis)
    for h in range(households):
        household = factories.household(session, world.building, str(h % 3 + 1), f"{h // 3 + 6}0{h % 2}",
                                        area=Decimal("60.00") + h if h % 5 else None)
        household.area_basis = bases[h % 3]
        if h % 4 == 0:
            factories.membership(session, factories.user(session, app.config), household,
                                 relation=Relation.TENANT)
    session.commit()


def grow_household(session, app, world, members=12):
    for n in range(members):
        status = MembershipStatus.PENDING if n % 3 else MembershipStatus.VERIFIED
        factories.membership(session, factories.user(session, app.config, display_name=f"家人{n}"),
                             world.household, relation=Relation.FAMILY, status=status)
    session.commit()


@pytest.mark.parametrize("page, grow", [
    ("community", grow_community),
    ("compound", grow_compound),
    ("building", grow_building),
    ("compound-from-community-growth", grow_community),
    ("household", grow_household),
])
def test_query_count_does_not_grow_with_rows(session, app, world, client_as, count_queries, page, grow):
    urls = {
        "community": f"/station/communities/{world.community.id}",
        "compound": f"/station/compounds/{world.compound.id}",
        "building": f"/station/buildings/{world.building.id}",
        "compound-from-community-growth": f"/station/compounds/{world.compound.id}",
        "household": f"/station/households/{world.household.id}",
    }
    station = client_as("station")
    few = measure(count_queries, station, urls[page])
    grow(session, app, world)
    many = measure(count_queries, station, urls[page])
    assert few == many, f"{page}: {few} queries with few rows, {many} with many"
    assert many <= CEILING


def test_the_grown_pages_really_show_the_rows(session, app, world, client_as):
    """Guard for the test above: the extra rows are on the pages being measured."""
    grow_community(session, app, world)
    grow_building(session, app, world)
    grow_compound(session, app, world)
    station = client_as("station")
    community = station.get(f"/station/communities/{world.community.id}").get_data(as_text=True)
    assert all(f"新院落{c}" in community for c in range(6))
    compound = station.get(f"/station/compounds/{world.compound.id}").get_data(as_text=True)
    assert compound.count('href="/station/buildings/') == 26
    building = station.get(f"/station/buildings/{world.building.id}").get_data(as_text=True)
    assert building.count('href="/station/households/') == 62
    grow_household(session, app, world)
    household = station.get(f"/station/households/{world.household.id}").get_data(as_text=True)
    assert household.count('class="row"') == 4 + 12


@pytest.mark.parametrize("who", ["station", "admin"])
def test_station_home_query_count_is_constant(session, app, world, client_as, count_queries, who):
    client = client_as(who)
    few = measure(count_queries, client, "/station/")
    for n in range(8):
        factories.community(session, name=f"社区{n}")
    session.commit()
    assert measure(count_queries, client, "/station/") == few <= CEILING
