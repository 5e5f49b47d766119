"""The disclosure board: a compound's own people read it (its verified residents, council and supervisors) and
the community's station staff; everyone else signed in is refused. /disclosure/ sends each user to their own
board, or lets them choose, or says how to get one."""
from tests.access import SIGNED_IN, Case

OURS = frozenset({"resident", "owner", "council", "supervisor", "station", "admin"})
THEIRS = frozenset({"other_council", "station", "admin"})


def objects(session, config, world) -> dict:
    return {}


CASES = [
    Case("disclosure.mine", "GET", lambda o: "/disclosure/", SIGNED_IN),
    Case("disclosure.board", "GET", lambda o: f"/disclosure/{o['compound']}", OURS),
    Case("disclosure.board", "GET", lambda o: f"/disclosure/{o['other_compound']}", THEIRS, "other"),
]
