"""Voters' ballot pages: everyone signed in reads announced ballots of any compound, their published receipts
and (once public) their results; a draft is 404 — as if it did not exist — for everyone but its managers and
the compound's supervisors, which tests/voting/test_pages.py checks, so here every signed-in role "reaches"
it. Voting is for verified residents of the ballot's compound (the frozen roll has the last word, answered on
the page); a vote posted to a ballot that is not open is sent back to the ballot page. Hidden results' CSV is
404 for everyone until close."""
from neighbourhood.voting import services
from neighbourhood.voting.integrity import BallotKeys
from tests.access import SIGNED_IN, Case
from tests.voting.helpers import draft, opened

VERIFIED_HERE = frozenset({"resident", "owner", "council", "supervisor"})


def objects(session, config, world) -> dict:
    keys = BallotKeys.from_secret(config["SECRET_KEY"])
    council = world.users["council"]
    open_ballot = opened(session, world.compound, council, title="加装路灯")
    services.cast(session, ballot=open_ballot, user=world.users["owner"], choice="yes", keys=keys)
    closed = opened(session, world.compound, council, title="垃圾分类")
    services.cast(session, ballot=closed, user=world.users["owner"], choice="no", keys=keys)
    services.close_early(session, ballot=closed, by=council, keys=keys)
    a_draft = draft(session, world.compound, council, title="草稿")
    theirs = opened(session, world.other_compound, world.users["other_council"], title="芳草街的表决")
    return {"vb_open": open_ballot.id, "vb_closed": closed.id, "vb_draft": a_draft.id, "vb_other": theirs.id}


CASES = [
    Case("voting.index", "GET", lambda o: "/ballots/", SIGNED_IN),
    Case("voting.index", "GET", lambda o: f"/ballots/?compound={o['other_compound']}", SIGNED_IN, "other"),
    Case("voting.detail", "GET", lambda o: f"/ballots/{o['vb_open']}", SIGNED_IN),
    Case("voting.detail", "GET", lambda o: f"/ballots/{o['vb_closed']}", SIGNED_IN, "closed"),
    Case("voting.detail", "GET", lambda o: f"/ballots/{o['vb_draft']}", SIGNED_IN, "draft"),
    Case("voting.detail", "GET", lambda o: f"/ballots/{o['vb_other']}", SIGNED_IN, "other"),
    Case("voting.cast", "POST", lambda o: f"/ballots/{o['vb_open']}/vote", VERIFIED_HERE),
    Case("voting.cast", "POST", lambda o: f"/ballots/{o['vb_other']}/vote", frozenset({"other_council"}), "other"),
    Case("voting.cast", "POST", lambda o: f"/ballots/{o['vb_closed']}/vote", SIGNED_IN, "closed"),
    Case("voting.cast", "POST", lambda o: f"/ballots/{o['vb_draft']}/vote", SIGNED_IN, "draft"),
    Case("voting.receipts", "GET", lambda o: f"/ballots/{o['vb_closed']}/receipts", SIGNED_IN),
    Case("voting.receipts", "GET", lambda o: f"/ballots/{o['vb_open']}/receipts", SIGNED_IN, "open"),
    Case("voting.receipts", "GET", lambda o: f"/ballots/{o['vb_draft']}/receipts", SIGNED_IN, "draft"),
    Case("voting.results_csv", "GET", lambda o: f"/ballots/{o['vb_closed']}/results.csv", SIGNED_IN),
    Case("voting.results_csv", "GET", lambda o: f"/ballots/{o['vb_open']}/results.csv", SIGNED_IN, "hidden"),
    Case("voting.results_csv", "GET", lambda o: f"/ballots/{o['vb_other']}/results.csv", SIGNED_IN, "other"),
    Case("voting.my_receipts", "GET", lambda o: "/me/receipts", SIGNED_IN),
]
