"""The organiser's roster and its actions: the compound's council and the station (and whoever created the activity
while they may organise there; here the council did). The check-in link answers anyone signed in, acting only
for them. Our roles on the other compound's shift and sign-up, and its council on ours."""
from datetime import timedelta

from neighbourhood.volunteering import rules, services
from tests.access import SIGNED_IN, Case
from tests.volunteering import helpers

MANAGERS = frozenset({"council", "station", "admin"})
OTHER_MANAGERS = frozenset({"other_council", "station", "admin"})


def _served(session, shift, user, organiser, *, leave: bool):
    signup = services.sign_up(session, shift=shift, user=user, now=shift.starts_at - timedelta(days=1))
    services.check_in(session, signup=signup, by=organiser, at=shift.starts_at)
    if leave:
        services.check_out(session, signup=signup, by=organiser, at=shift.starts_at + timedelta(hours=2))
    return signup


def objects(session, config, world) -> dict:
    users = world.users
    ours = helpers.activity(session, world.compound, users["council"], title="楼道清洁", capacity=3).shifts[0]
    waiting = services.sign_up(session, shift=ours, user=users["resident"], now=ours.starts_at - timedelta(days=1))
    arrived = _served(session, ours, users["owner"], users["council"], leave=False)
    left = _served(session, ours, users["supervisor"], users["council"], leave=True)
    theirs = helpers.activity(session, world.other_compound, users["other_council"], title="芳草街清扫").shifts[0]
    their_left = _served(session, theirs, users["other_council"], users["other_council"], leave=True)
    session.commit()

    def token(shift):
        return rules.check_in_token(config["SECRET_KEY"], shift.id, rules.check_in_valid_until(shift.ends_at))
    return {"vr_shift": ours.id, "vr_waiting": waiting.id, "vr_arrived": arrived.id, "vr_left": left.id,
            "vr_token": token(ours), "vr_their_shift": theirs.id, "vr_their_left": their_left.id,
            "vr_their_token": token(theirs)}


def _case(endpoint: str, method: str, path: str, allowed: frozenset, variant: str = "") -> Case:
    return Case(endpoint, method, lambda o: "/volunteering/" + path.format(**o), allowed, variant)


CASES = [
    _case("volunteering.roster", "GET", "shifts/{vr_shift}/roster", MANAGERS),
    _case("volunteering.roster", "GET", "shifts/{vr_their_shift}/roster", OTHER_MANAGERS, "other"),
    _case("volunteering.check_in", "POST", "signups/{vr_waiting}/check-in", MANAGERS),
    _case("volunteering.check_in", "POST", "signups/{vr_their_left}/check-in", OTHER_MANAGERS, "other"),
    _case("volunteering.check_out", "POST", "signups/{vr_arrived}/check-out", MANAGERS),
    _case("volunteering.check_out", "POST", "signups/{vr_their_left}/check-out", OTHER_MANAGERS, "other"),
    _case("volunteering.adjust_hours", "POST", "signups/{vr_left}/hours", MANAGERS),
    _case("volunteering.adjust_hours", "POST", "signups/{vr_their_left}/hours", OTHER_MANAGERS, "other"),
    _case("volunteering.confirm_hours", "POST", "signups/{vr_left}/confirm", MANAGERS),
    _case("volunteering.confirm_hours", "POST", "signups/{vr_their_left}/confirm", OTHER_MANAGERS, "other"),
    _case("volunteering.confirm_all", "POST", "shifts/{vr_shift}/confirm-all", MANAGERS),
    _case("volunteering.confirm_all", "POST", "shifts/{vr_their_shift}/confirm-all", OTHER_MANAGERS, "other"),
    _case("volunteering.evaluate", "POST", "signups/{vr_arrived}/evaluation", MANAGERS),
    _case("volunteering.evaluate", "POST", "signups/{vr_their_left}/evaluation", OTHER_MANAGERS, "other"),
    _case("volunteering.scan", "GET", "check-in/{vr_token}", SIGNED_IN),
    _case("volunteering.scan", "POST", "check-in/{vr_token}", SIGNED_IN, "post"),
    _case("volunteering.scan", "GET", "check-in/{vr_their_token}", SIGNED_IN, "other"),
]
