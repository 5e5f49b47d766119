"""Fixtures for the station's place pages: a second community with its own staff, an English-reading clerk."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from neighbourhood.accounts.models import Role
from tests import factories
from tests.conftest import sign_in


@dataclass
class OtherCommunity:
    community: object
    compound: object
    building: object
    household: object
    staff: object


@pytest.fixture
def other_community(session, app, world) -> OtherCommunity:
    """芳草社区: another community, with a compound, a household and station staff of its own."""
    community = factories.community(session, name="芳草社区", centre_name="芳草社区党群服务中心")
    compound = factories.compound(session, community, name="芳草东街小区")
    building = factories.building(session, compound, "8栋")
    household = factories.household(session, building, "1", "801")
    staff = factories.user(session, app.config, display_name="吴社工")
    factories.role(session, staff, Role.STATION_STAFF, community_obj=community)
    session.commit()
    return OtherCommunity(community, compound, building, household, staff)


@pytest.fixture
def other_staff(app, other_community):
    client = app.test_client()
    sign_in(app, client, other_community.staff)
    return client


@pytest.fixture
def station(client_as):
    """Station staff of the world's community, reading English so tests can check messages."""
    client = client_as("station")
    client.set_cookie("lang", "en")
    return client
