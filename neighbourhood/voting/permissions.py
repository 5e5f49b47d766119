"""Who may do what with ballots, as pure predicates (also Jinja globals)."""
from __future__ import annotations

from neighbourhood.accounts.permissions import (
    can_take_part, can_view_personal_details, is_convener, is_council_member, is_station_staff, is_supervisor,
)
from neighbourhood.voting.models import Ballot, BallotStatus


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def can_draft_ballots(user, compound) -> bool:
    """Council members and the station draft residents' ballots."""
    return compound is not None and (is_council_member(user, compound)
                                     or is_station_staff(user, compound.community_id))


def can_draft_statutory(user, compound) -> bool:
    """Owners' statutory decisions are convened by the council's convener or station staff."""
    return compound is not None and (is_convener(user, compound) or is_station_staff(user, compound.community_id))


def can_manage_ballot(user, ballot: Ballot) -> bool:
    if ballot.is_statutory:
        return can_draft_statutory(user, ballot.compound)
    return can_draft_ballots(user, ballot.compound)


def can_view_ballot(user, ballot: Ballot) -> bool:
    """Everyone signed in reads announced ballots of any compound; drafts and cancelled drafts only their
    managers and the compound's supervisors."""
    if not _signed_in(user):
        return False
    if ballot.status in (BallotStatus.DRAFT, BallotStatus.CANCELLED) and ballot.opened_at is None:
        return can_manage_ballot(user, ballot) or is_supervisor(user, ballot.compound)
    return True


def can_read_ballots(user) -> bool:
    return _signed_in(user)


def can_vote_in(user, ballot: Ballot) -> bool:
    """A first check for showing the form; the frozen roll has the final word."""
    return ballot.status is BallotStatus.OPEN and can_take_part(user, ballot.compound)


def can_view_roll(user, ballot: Ballot) -> bool:
    """The roll names households and who voted: council, supervisors and station staff."""
    return ballot.opened_at is not None and can_view_personal_details(user, ballot.compound)


def can_record_paper(user, ballot: Ballot) -> bool:
    return ballot.status is BallotStatus.OPEN and can_manage_ballot(user, ballot)


def can_see_receipts(user) -> bool:
    return _signed_in(user)


PREDICATES = {
    "can_draft_ballots": can_draft_ballots,
    "can_draft_statutory": can_draft_statutory,
    "can_manage_ballot": can_manage_ballot,
    "can_view_ballot": can_view_ballot,
    "can_vote_in": can_vote_in,
    "can_view_roll": can_view_roll,
    "can_record_paper": can_record_paper,
}
