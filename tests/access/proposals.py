"""Proposals and comments: everyone signed in reads; verified residents of the compound take part; authors
edit and withdraw their own. Our roles on the other compound's proposal, and its council on ours."""
from tests.access import SIGNED_IN, Case
from tests import factories

VERIFIED_HERE = frozenset({"resident", "owner", "council", "supervisor"})
VERIFIED_ANYWHERE = VERIFIED_HERE | {"other_council"}
SUPPORTERS_HERE = VERIFIED_HERE - {"resident"}  # the resident wrote our proposal
AUTHOR = frozenset({"resident"})
NOBODY = frozenset()


def objects(session, config, world) -> dict:
    ours = factories.proposal(session, world.compound, world.users["resident"])
    neighbour = factories.verified_resident(session, config, world.other_compound, display_name="邻居")
    theirs = factories.proposal(session, world.other_compound, neighbour, title="芳草街的提议")
    comment = factories.proposal_comment(session, ours, world.users["resident"])
    other_comment = factories.proposal_comment(session, theirs, world.users["other_council"])
    return {"proposal": ours.id, "other_proposal": theirs.id, "comment": comment.id,
            "other_comment": other_comment.id}


CASES = [
    Case("proposals.index", "GET", lambda o: "/proposals/", SIGNED_IN),
    Case("proposals.index", "GET", lambda o: f"/proposals/?compound={o['other_compound']}", SIGNED_IN, "other"),
    Case("proposals.new", "GET", lambda o: "/proposals/new", VERIFIED_ANYWHERE),
    Case("proposals.new", "GET", lambda o: f"/proposals/new?compound={o['compound']}", VERIFIED_HERE, "ours"),
    Case("proposals.new", "GET", lambda o: f"/proposals/new?compound={o['other_compound']}",
         frozenset({"other_council"}), "other"),
    Case("proposals.new", "POST", lambda o: f"/proposals/new?compound={o['compound']}", VERIFIED_HERE, "post"),
    Case("proposals.detail", "GET", lambda o: f"/proposals/{o['proposal']}", SIGNED_IN),
    Case("proposals.detail", "GET", lambda o: f"/proposals/{o['other_proposal']}", SIGNED_IN, "other"),
    Case("proposals.edit", "GET", lambda o: f"/proposals/{o['proposal']}/edit", AUTHOR),
    Case("proposals.edit", "POST", lambda o: f"/proposals/{o['proposal']}/edit", AUTHOR, "post"),
    Case("proposals.edit", "GET", lambda o: f"/proposals/{o['other_proposal']}/edit", NOBODY, "other"),
    Case("proposals.withdraw", "POST", lambda o: f"/proposals/{o['proposal']}/withdraw", AUTHOR),
    Case("proposals.withdraw", "POST", lambda o: f"/proposals/{o['other_proposal']}/withdraw", NOBODY, "other"),
    Case("proposals.support", "POST", lambda o: f"/proposals/{o['proposal']}/support", SUPPORTERS_HERE),
    Case("proposals.support", "POST", lambda o: f"/proposals/{o['other_proposal']}/support",
         frozenset({"other_council"}), "other"),
    Case("proposals.unsupport", "POST", lambda o: f"/proposals/{o['proposal']}/support/withdraw", SUPPORTERS_HERE),
    Case("proposals.unsupport", "POST", lambda o: f"/proposals/{o['other_proposal']}/support/withdraw",
         frozenset({"other_council"}), "other"),
    Case("proposals.comment", "POST", lambda o: f"/proposals/{o['proposal']}/comments", VERIFIED_HERE),
    Case("proposals.comment", "POST", lambda o: f"/proposals/{o['other_proposal']}/comments",
         frozenset({"other_council"}), "other"),
    Case("proposals.edit_comment", "GET", lambda o: f"/comments/{o['comment']}/edit", AUTHOR),
    Case("proposals.edit_comment", "POST", lambda o: f"/comments/{o['comment']}/edit", AUTHOR, "post"),
    Case("proposals.edit_comment", "GET", lambda o: f"/comments/{o['other_comment']}/edit",
         frozenset({"other_council"}), "other"),
]
