"""List pages use a fixed number of SQL statements, however many rows they show (no N+1)."""
import pytest

from neighbourhood.accounts.models import MembershipStatus, Relation, Role
from tests import factories
from tests.accounts.helpers import page

CEILING = 12


@pytest.fixture
def quiet_compound(app, session, world):
    """A compound of its own, with a council member who lives there, so we control every row."""
    compound = factories.compound(session, world.community, name="肖家河院落")
    council = factories.user(session, app.config, display_name="肖老师")
    home = factories.household(session, factories.building(session, compound, "9栋"), "1", "101")
    factories.membership(session, council, home)
    factories.role(session, council, Role.COUNCIL_MEMBER, compound_obj=compound)
    world.users["quiet_council"] = council
    session.commit()
    return compound


def add_rows(app, session, compound, start: int, stop: int, status: MembershipStatus) -> None:
    """Each row a different person in a different building and household: the worst case for N+1."""
    for n in range(start, stop):
        building = factories.building(session, compound, f"{n + 10}栋")
        household = factories.household(session, building, str(n % 3 + 1), f"{n + 1}01")
        person = factories.user(session, app.config, display_name=f"邻居{n}", real_name=f"实名{n}")
        factories.membership(session, person, household, relation=list(Relation)[n % 3], status=status)
    session.commit()


def measure(count_queries, client, path) -> tuple[int, object]:
    client.get(path)  # warm up: anything cached once per process is not a per-page cost
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements), response


def rows_shown(response) -> int:
    return response.get_data(as_text=True).count("实名")


def two_then_twenty(app, session, count_queries, client, compound, path, status) -> tuple[int, int]:
    url = f"/compounds/{compound.id}/{path}"
    add_rows(app, session, compound, 0, 2, status)
    with_two, response = measure(count_queries, client, url)
    assert rows_shown(response) == 2
    add_rows(app, session, compound, 2, 20, status)
    with_twenty, response = measure(count_queries, client, url)
    assert rows_shown(response) == 20
    return with_two, with_twenty


def test_the_pending_list_does_not_grow_with_the_requests(app, session, world, client_as, count_queries,
                                                          quiet_compound):
    client = client_as("quiet_council")
    with_two, with_twenty = two_then_twenty(app, session, count_queries, client, quiet_compound,
                                            "memberships", MembershipStatus.PENDING)
    assert with_two == with_twenty <= CEILING
    rows = page(client.get(f"/compounds/{quiet_compound.id}/memberships")).ids
    assert len({i for i in rows if i.startswith("membership-")}) == 20


def test_the_residents_list_does_not_grow_with_the_residents(app, session, world, client_as, count_queries,
                                                             quiet_compound):
    client = client_as("quiet_council")
    with_two, with_twenty = two_then_twenty(app, session, count_queries, client, quiet_compound,
                                            "residents", MembershipStatus.VERIFIED)
    assert with_two == with_twenty <= CEILING


@pytest.mark.parametrize("path, status", [("memberships", MembershipStatus.PENDING),
                                          ("residents", MembershipStatus.VERIFIED)])
def test_station_staff_see_the_same_flat_count(app, session, world, client_as, count_queries, quiet_compound,
                                               path, status):
    with_two, with_twenty = two_then_twenty(app, session, count_queries, client_as("station"), quiet_compound,
                                            path, status)
    assert with_two == with_twenty <= CEILING
