"""Who may do what with bids, as pure predicates (also Jinja globals through projects.permissions).

They say who holds the authority; whether the project still takes bids is the services' word (a second tab
gets the reason, not a 403), and the bids partial shows the forms only while it does."""
from __future__ import annotations

from neighbourhood.accounts.models import Role
from neighbourhood.accounts.permissions import _holds, is_council_member
from neighbourhood.projects.models import Bid, Project
from neighbourhood.voting.permissions import can_draft_ballots


def is_enterprise_operator(user, compound) -> bool:
    return _holds(user, [Role.ENTERPRISE_OPERATOR], compound_id=compound.id)


def can_submit_bid(user, project: Project) -> bool:
    """An enterprise operator of the compound bids; a council member records a bid received on paper."""
    return is_enterprise_operator(user, project.compound) or is_council_member(user, project.compound)


def can_record_any_bid(user, project: Project) -> bool:
    """The council records bids of any implementer; an operator bids only for their social enterprise."""
    return is_council_member(user, project.compound)


def can_withdraw_bid(user, bid: Bid) -> bool:
    """Whoever submitted it, or a council member."""
    mine = bool(getattr(user, "is_authenticated", False)) and bid.submitted_by_id == user.id
    return mine or is_council_member(user, bid.project.compound)


def can_choose_bid(user, project: Project) -> bool:
    return is_council_member(user, project.compound)


def can_put_bids_to_ballot(user, project: Project) -> bool:
    return can_draft_ballots(user, project.compound)


PREDICATES: dict = {
    "can_submit_bid": can_submit_bid,
    "can_record_any_bid": can_record_any_bid,
    "can_withdraw_bid": can_withdraw_bid,
    "can_choose_bid": can_choose_bid,
    "can_put_bids_to_ballot": can_put_bids_to_ballot,
}
