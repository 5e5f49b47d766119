"""Needs: everyone signed in reads; verified residents raise and add "me too"; the compound's council (and
the community's station staff) triage; station staff answer escalated needs of their community only."""
from neighbourhood.needs.models import NeedStatus
from tests import factories
from tests.access import OTHER_REVIEWERS, REVIEWERS, SIGNED_IN, STATION, Case

OUR_RESIDENTS = frozenset({"resident", "owner", "council", "supervisor"})


def objects(session, config, world) -> dict:
    author = world.users["resident"]
    other_author = factories.verified_resident(session, config, world.other_compound, display_name="芳邻")
    far_community = factories.community(session, name="芳草社区")
    far_compound = factories.compound(session, far_community, name="远方小区")
    return {
        "need": factories.need(session, world.compound, author).id,
        "other_need": factories.need(session, world.other_compound, other_author).id,
        "escalated_need": factories.need(session, world.compound, author, status=NeedStatus.ESCALATED).id,
        "other_escalated_need": factories.need(session, world.other_compound, other_author,
                                               status=NeedStatus.ESCALATED).id,
        "far_escalated_need": factories.need(session, far_compound, None, status=NeedStatus.ESCALATED).id,
    }


CASES = [
    Case("needs.index", "GET", lambda o: "/needs/", SIGNED_IN),
    Case("needs.index", "GET", lambda o: f"/needs/?compound={o['other_compound']}", SIGNED_IN, "other"),
    # Without ?compound= a resident raises in their own compound (the other council in theirs).
    Case("needs.new", "GET", lambda o: "/needs/new", OUR_RESIDENTS | {"other_council"}),
    Case("needs.new", "GET", lambda o: f"/needs/new?compound={o['compound']}", OUR_RESIDENTS, "ours"),
    Case("needs.new", "GET", lambda o: f"/needs/new?compound={o['other_compound']}", frozenset({"other_council"}),
         "other"),
    Case("needs.detail", "GET", lambda o: f"/needs/{o['need']}", SIGNED_IN),
    Case("needs.detail", "GET", lambda o: f"/needs/{o['other_need']}", SIGNED_IN, "other"),
    # Not the author ("resident" raised ours), and only residents of the need's compound.
    Case("needs.me_too", "POST", lambda o: f"/needs/{o['need']}/me-too", OUR_RESIDENTS - {"resident"}),
    Case("needs.me_too", "POST", lambda o: f"/needs/{o['other_need']}/me-too", frozenset({"other_council"}),
         "other"),
    Case("needs.withdraw_me_too", "POST", lambda o: f"/needs/{o['need']}/me-too/withdraw",
         OUR_RESIDENTS - {"resident"}),
    Case("needs.withdraw_me_too", "POST", lambda o: f"/needs/{o['other_need']}/me-too/withdraw",
         frozenset({"other_council"}), "other"),
    Case("needs.triage", "POST", lambda o: f"/needs/{o['need']}/triage", REVIEWERS),
    Case("needs.triage", "POST", lambda o: f"/needs/{o['other_need']}/triage", OTHER_REVIEWERS, "other"),
    Case("needs.station_reply", "POST", lambda o: f"/needs/{o['escalated_need']}/station-reply", STATION),
    Case("needs.station_reply", "POST", lambda o: f"/needs/{o['other_escalated_need']}/station-reply", STATION,
         "other"),
    Case("needs.station_reply", "POST", lambda o: f"/needs/{o['far_escalated_need']}/station-reply",
         frozenset({"admin"}), "other-community"),
]
