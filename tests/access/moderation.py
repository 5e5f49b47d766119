"""Moderation: the compound's council hides, restores and reviews; verified residents of the compound (not the
author) report; the log is public. Another compound's council has no say over ours, and ours none over theirs."""
from neighbourhood.db import utcnow
from tests import factories
from tests.access import EVERYONE, Case

OUR_COUNCIL = frozenset({"council"})
THEIR_COUNCIL = frozenset({"other_council"})
# Verified residents of our compound, minus the owner who wrote the proposal.
REPORTERS = frozenset({"resident", "council", "supervisor"})


def objects(session, config, world) -> dict:
    ours = factories.proposal(session, world.compound, world.users["owner"], title="我们小区的提议")
    hidden = factories.proposal(session, world.compound, world.users["owner"], title="被隐藏的提议",
                                hidden_at=utcnow(), hidden_reason="advertising", hidden_by_id=world.users["council"].id)
    comment = factories.proposal_comment(session, ours, world.users["owner"])
    neighbour = factories.verified_resident(session, config, world.other_compound, display_name="芳草邻居")
    theirs = factories.proposal(session, world.other_compound, neighbour, title="芳草街的提议")
    return {"mod_proposal": ours.id, "mod_hidden": hidden.id, "mod_comment": comment.id,
            "mod_other_proposal": theirs.id}


CASES = [
    Case("moderation.hide", "POST", lambda o: f"/moderation/proposal/{o['mod_proposal']}/hide", OUR_COUNCIL),
    Case("moderation.hide", "POST", lambda o: f"/moderation/comment/{o['mod_comment']}/hide", OUR_COUNCIL,
         "comment"),
    Case("moderation.hide", "POST", lambda o: f"/moderation/proposal/{o['mod_other_proposal']}/hide",
         THEIR_COUNCIL, "other"),
    Case("moderation.restore", "POST", lambda o: f"/moderation/proposal/{o['mod_hidden']}/restore", OUR_COUNCIL),
    Case("moderation.restore", "POST", lambda o: f"/moderation/proposal/{o['mod_other_proposal']}/restore",
         THEIR_COUNCIL, "other"),
    Case("moderation.dismiss", "POST", lambda o: f"/moderation/proposal/{o['mod_proposal']}/dismiss", OUR_COUNCIL),
    Case("moderation.dismiss", "POST", lambda o: f"/moderation/proposal/{o['mod_other_proposal']}/dismiss",
         THEIR_COUNCIL, "other"),
    Case("moderation.report", "POST", lambda o: f"/moderation/proposal/{o['mod_proposal']}/report", REPORTERS),
    Case("moderation.report", "POST", lambda o: f"/moderation/comment/{o['mod_comment']}/report", REPORTERS,
         "comment"),
    Case("moderation.report", "POST", lambda o: f"/moderation/proposal/{o['mod_other_proposal']}/report",
         THEIR_COUNCIL, "other"),
    Case("moderation.queue", "GET", lambda o: f"/moderation/?compound={o['compound']}", OUR_COUNCIL),
    Case("moderation.queue", "GET", lambda o: f"/moderation/?compound={o['other_compound']}", THEIR_COUNCIL,
         "other"),
    Case("moderation.queue", "GET", lambda o: "/moderation/", OUR_COUNCIL | THEIR_COUNCIL, "own"),
    Case("moderation.log", "GET", lambda o: "/moderation/log", EVERYONE),
    Case("moderation.log", "GET", lambda o: f"/moderation/log?compound={o['compound']}", EVERYONE, "compound"),
]
