"""The convenor's ballot pages: the compound's council and the community's station draft and run residents'
ballots (statutory owners' ballots: the convener and the station only); council, supervisors and station see
the roll; paper ballots and voids only while the ballot is open. Our roles on the other compound's ballots,
and its council on ours."""
from datetime import timedelta

from neighbourhood.db import utcnow
from neighbourhood.voting import services
from neighbourhood.voting.models import ElectorateKind, Secrecy
from tests import factories
from tests.access import PERSONAL_DETAILS, Case
from tests.voting.helpers import KEYS, draft, opened

MANAGERS = frozenset({"council", "station", "admin"})
OTHER_MANAGERS = frozenset({"other_council", "station", "admin"})
OTHER_ROLL = frozenset({"other_council", "station", "admin"})
STATUTORY = frozenset({"station", "admin"})


def _ballots(session, compound, manager, voter, prefix: str) -> dict:
    soon = utcnow() + timedelta(days=1)
    a_draft = draft(session, compound, manager, method="single", options=["东门", "西门"], opens_at=soon,
                    closes_at=soon + timedelta(days=5))
    scheduled = draft(session, compound, manager, opens_at=soon, closes_at=soon + timedelta(days=5))
    services.schedule(session, ballot=scheduled, by=manager)
    open_ballot = opened(session, compound, manager)
    voted = services.cast(session, ballot=open_ballot, user=voter, choice="yes", keys=KEYS).participation
    waiting = next(e for e, p in services.roll_of(session, open_ballot) if p is None)
    return {f"{prefix}draft": a_draft.id, f"{prefix}option": a_draft.options[0].id,
            f"{prefix}scheduled": scheduled.id, f"{prefix}open": open_ballot.id,
            f"{prefix}elector": waiting.id, f"{prefix}participation": voted.id}


def _election(session, compound, manager, voters) -> int:
    ballot = opened(session, compound, manager, method="election", seats=2, options=["甲", "乙", "丙", "丁"],
                    secrecy=Secrecy.PUBLIC)
    for voter, choice in zip(voters, (["o1", "o2"], ["o1", "o2"], ["o1", "o3"], ["o3", "o4"])):
        services.cast(session, ballot=ballot, user=voter, choice=choice, keys=KEYS)
    services.close_early(session, ballot=ballot, by=manager, keys=KEYS)
    return ballot.id


def objects(session, config, world) -> dict:
    users = world.users
    ours = _ballots(session, world.compound, users["council"], users["owner"], "vm_")
    factories.verified_resident(session, config, world.other_compound, display_name="芳邻")
    theirs = _ballots(session, world.other_compound, users["other_council"], users["other_council"], "vm_other_")
    statutory = opened(session, world.compound, users["station"], method="statutory", statutory_item=5,
                       electorate=ElectorateKind.OWNERS, secrecy=Secrecy.PUBLIC)
    election = _election(session, world.compound, users["council"],
                         [users[r] for r in ("resident", "owner", "council", "supervisor")])
    return {**ours, **theirs, "vm_statutory": statutory.id, "vm_election": election}


def _both(endpoint: str, method: str, path: str, ours: frozenset, theirs: frozenset, variant: str = ""):
    """The same route on our compound's ballot and on the other compound's."""
    def url(prefix):
        return lambda o: "/ballots/" + path.format(**{k[len(prefix):]: v for k, v in o.items()
                                                     if k.startswith(prefix)})
    return [Case(endpoint, method, url("vm_"), ours, variant),
            Case(endpoint, method, url("vm_other_"), theirs, f"other{'-' + variant if variant else ''}")]


CASES = [
    # Without ?compound= the form picks the user's own compound where they draft (admin serves none of them).
    Case("voting.new", "GET", lambda o: "/ballots/new", frozenset({"council", "other_council", "station"}), "own"),
    Case("voting.new", "GET", lambda o: f"/ballots/new?compound={o['compound']}", MANAGERS),
    Case("voting.new", "POST", lambda o: f"/ballots/new?compound={o['compound']}", MANAGERS, "post"),
    Case("voting.new", "GET", lambda o: f"/ballots/new?compound={o['other_compound']}", OTHER_MANAGERS, "other"),
    *_both("voting.edit", "GET", "{draft}/edit", MANAGERS, OTHER_MANAGERS),
    *_both("voting.edit", "POST", "{draft}/edit", MANAGERS, OTHER_MANAGERS, "post"),
    *_both("voting.add_option", "POST", "{draft}/options", MANAGERS, OTHER_MANAGERS),
    *_both("voting.remove_option", "POST", "{draft}/options/{option}/remove", MANAGERS, OTHER_MANAGERS),
    *_both("voting.schedule", "POST", "{draft}/schedule", MANAGERS, OTHER_MANAGERS),
    *_both("voting.unschedule", "POST", "{scheduled}/unschedule", MANAGERS, OTHER_MANAGERS),
    *_both("voting.open", "GET", "{draft}/open", MANAGERS, OTHER_MANAGERS),
    *_both("voting.open", "POST", "{draft}/open", MANAGERS, OTHER_MANAGERS, "post"),
    *_both("voting.cancel", "GET", "{scheduled}/cancel", MANAGERS, OTHER_MANAGERS),
    *_both("voting.cancel", "POST", "{scheduled}/cancel", MANAGERS, OTHER_MANAGERS, "post"),
    *_both("voting.extend", "GET", "{open}/extend", MANAGERS, OTHER_MANAGERS),
    *_both("voting.extend", "POST", "{open}/extend", MANAGERS, OTHER_MANAGERS, "post"),
    *_both("voting.close", "GET", "{open}/close", MANAGERS, OTHER_MANAGERS),
    *_both("voting.close", "POST", "{open}/close", MANAGERS, OTHER_MANAGERS, "post"),
    # A statutory owners' ballot is run by the station (or the council's convener), and never closes early.
    Case("voting.close", "POST", lambda o: f"/ballots/{o['vm_statutory']}/close", STATUTORY, "statutory"),
    Case("voting.extend", "GET", lambda o: f"/ballots/{o['vm_statutory']}/extend", STATUTORY, "statutory"),
    Case("voting.runoff", "GET", lambda o: f"/ballots/{o['vm_election']}/runoff", MANAGERS),
    Case("voting.runoff", "POST", lambda o: f"/ballots/{o['vm_election']}/runoff", MANAGERS, "post"),
    *_both("voting.roll", "GET", "{open}/roll", PERSONAL_DETAILS, OTHER_ROLL),
    Case("voting.roll", "GET", lambda o: f"/ballots/{o['vm_statutory']}/roll", PERSONAL_DETAILS, "statutory"),
    *_both("voting.record_paper", "GET", "{open}/paper/{elector}", MANAGERS, OTHER_MANAGERS),
    *_both("voting.record_paper", "POST", "{open}/paper/{elector}", MANAGERS, OTHER_MANAGERS, "post"),
    *_both("voting.void", "POST", "{open}/participations/{participation}/void", MANAGERS, OTHER_MANAGERS),
]
