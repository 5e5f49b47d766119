"""Council: the agenda for council, supervisors and station; meetings recorded by the council only;
decisions public to the compound's residents and the station; opinions from supervisors only."""
from datetime import date, timedelta

from neighbourhood.council import services
from neighbourhood.proposals.models import ProposalStatus
from tests import factories
from tests.access import SIGNED_IN, Case

# Decisions and meeting records: residents, council and supervisors of the compound, and the station.
READERS = frozenset({"resident", "owner", "council", "supervisor", "station", "admin"})
OTHER_READERS = frozenset({"other_council", "station", "admin"})


def _decided(session, compound, member):
    proposal = factories.council_proposal(session, compound, member, title="加装路灯")
    meeting = services.record_meeting(
        session, compound=compound, by=member, today=date.today(),
        data=services.MeetingInput(
            held_on=date.today() - timedelta(days=1), place="会议室", present_ids=[member.id],
            decisions=[services.DecisionInput(proposal.id, ProposalStatus.ADOPTED, votes_for=1)]))
    return meeting, meeting.decisions[0]


def objects(session, config, world) -> dict:
    meeting, decision = _decided(session, world.compound, world.users["council"])
    other_meeting, other_decision = _decided(session, world.other_compound, world.users["other_council"])
    return {"council_meeting": meeting.id, "council_decision": decision.id,
            "other_council_meeting": other_meeting.id, "other_council_decision": other_decision.id}


CASES = [
    # Without ?compound= the page picks the user's own compound, or explains that there is none.
    Case("council.index", "GET", lambda o: "/council/", SIGNED_IN, "own"),
    Case("council.index", "GET", lambda o: f"/council/?compound={o['compound']}", READERS),
    Case("council.index", "GET", lambda o: f"/council/?compound={o['other_compound']}", OTHER_READERS, "other"),
    Case("council.new_meeting", "GET", lambda o: "/council/meetings/new",
         frozenset({"council", "other_council"}), "own"),
    Case("council.new_meeting", "GET", lambda o: f"/council/meetings/new?compound={o['compound']}",
         frozenset({"council"})),
    Case("council.new_meeting", "POST", lambda o: f"/council/meetings/new?compound={o['compound']}",
         frozenset({"council"}), "post"),
    Case("council.new_meeting", "GET", lambda o: f"/council/meetings/new?compound={o['other_compound']}",
         frozenset({"other_council"}), "other"),
    Case("council.new_meeting", "POST", lambda o: f"/council/meetings/new?compound={o['other_compound']}",
         frozenset({"other_council"}), "other-post"),
    Case("council.meeting", "GET", lambda o: f"/council/meetings/{o['council_meeting']}", READERS),
    Case("council.meeting", "GET", lambda o: f"/council/meetings/{o['other_council_meeting']}",
         OTHER_READERS, "other"),
    Case("council.opinion", "POST", lambda o: f"/council/decisions/{o['council_decision']}/opinion",
         frozenset({"supervisor"})),
    Case("council.opinion", "POST", lambda o: f"/council/decisions/{o['other_council_decision']}/opinion",
         frozenset(), "other"),
]
