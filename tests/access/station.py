"""The station: its inbox for station staff and admins; the four lists of a community for its own staff."""
from tests import factories
from tests.access import STATION, Case


def objects(session, config, world) -> dict:
    far_community = factories.community(session, name="芳草社区")
    return {
        "list_entry": factories.four_list_entry(session, world.community).id,
        "far_community": far_community.id,
        "far_list_entry": factories.four_list_entry(session, far_community).id,
    }


CASES = [
    Case("station.inbox", "GET", lambda o: "/station/inbox", STATION),
    Case("station.lists", "GET", lambda o: f"/station/communities/{o['community']}/lists", STATION),
    Case("station.lists", "GET", lambda o: f"/station/communities/{o['far_community']}/lists",
         frozenset({"admin"}), "other-community"),
    Case("station.lists", "POST", lambda o: f"/station/communities/{o['community']}/lists", STATION, "post"),
    Case("station.edit_entry", "GET", lambda o: f"/station/lists/{o['list_entry']}", STATION),
    Case("station.edit_entry", "GET", lambda o: f"/station/lists/{o['far_list_entry']}", frozenset({"admin"}),
         "other-community"),
]
