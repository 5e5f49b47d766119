"""The activity pages: everyone signed in reads activities (ours and the other compound's); the council, the
station and the compound's enterprise operators organise; the council and the station manage an activity; verified
residents of the compound sign up; the volunteer, or whoever manages the activity, cancels a sign-up. Our roles on
the other compound's activity, and its council on ours; correcting an activity's details is managing it."""
from neighbourhood.volunteering import services
from tests.access import SIGNED_IN, Case
from tests.volunteering.helpers import activity

ORGANISERS = frozenset({"council", "enterprise", "station", "admin"})
OTHER_ORGANISERS = frozenset({"other_council", "station", "admin"})
MANAGERS = frozenset({"council", "station", "admin"})
OTHER_MANAGERS = frozenset({"other_council", "station", "admin"})
RESIDENTS = frozenset({"resident", "owner", "council", "supervisor"})
OTHER_RESIDENTS = frozenset({"other_council"})
VOLUNTEER_OR_MANAGERS = frozenset({"resident", "council", "station", "admin"})


def objects(session, config, world) -> dict:
    users = world.users
    ours = activity(session, world.compound, users["council"], title="周末楼道清洁", capacity=10)
    signup = services.sign_up(session, shift=ours.shifts[0], user=users["resident"])
    theirs = activity(session, world.other_compound, users["other_council"], title="芳草街清洁", capacity=10)
    their_signup = services.sign_up(session, shift=theirs.shifts[0], user=users["other_council"])
    session.commit()
    return {"va_ours": ours.id, "va_shift": ours.shifts[0].id, "va_signup": signup.id,
            "va_theirs": theirs.id, "va_their_shift": theirs.shifts[0].id, "va_their_signup": their_signup.id}


def _case(endpoint: str, method: str, path: str, allowed: frozenset, variant: str = "") -> Case:
    return Case(endpoint, method, lambda o: "/volunteering/" + path.format(**o), allowed, variant)


CASES = [
    _case("volunteering.index", "GET", "", SIGNED_IN),
    _case("volunteering.index", "GET", "?compound={other_compound}", SIGNED_IN, "other"),
    _case("volunteering.new", "GET", "new?compound={compound}", ORGANISERS),
    _case("volunteering.new", "POST", "new?compound={compound}", ORGANISERS, "post"),
    _case("volunteering.new", "GET", "new?compound={other_compound}", OTHER_ORGANISERS, "other"),
    _case("volunteering.detail", "GET", "{va_ours}", SIGNED_IN),
    _case("volunteering.detail", "GET", "{va_theirs}", SIGNED_IN, "other"),
    _case("volunteering.edit", "GET", "{va_ours}/edit", MANAGERS),
    _case("volunteering.edit", "POST", "{va_ours}/edit", MANAGERS, "post"),
    _case("volunteering.edit", "GET", "{va_theirs}/edit", OTHER_MANAGERS, "other"),
    _case("volunteering.edit", "POST", "{va_theirs}/edit", OTHER_MANAGERS, "other-post"),
    _case("volunteering.add_shift", "POST", "{va_ours}/shifts", MANAGERS),
    _case("volunteering.add_shift", "POST", "{va_theirs}/shifts", OTHER_MANAGERS, "other"),
    _case("volunteering.cancel_activity", "POST", "{va_ours}/cancel", MANAGERS),
    _case("volunteering.cancel_activity", "POST", "{va_theirs}/cancel", OTHER_MANAGERS, "other"),
    _case("volunteering.sign_up", "POST", "shifts/{va_shift}/sign-up", RESIDENTS),
    _case("volunteering.sign_up", "POST", "shifts/{va_their_shift}/sign-up", OTHER_RESIDENTS, "other"),
    _case("volunteering.cancel_signup", "POST", "signups/{va_signup}/cancel", VOLUNTEER_OR_MANAGERS),
    _case("volunteering.cancel_signup", "POST", "signups/{va_their_signup}/cancel", OTHER_MANAGERS, "other"),
]
