"""Who may do what with proposals and comments, as pure predicates (also Jinja globals)."""
from __future__ import annotations

from datetime import datetime, timedelta

from neighbourhood.accounts.permissions import can_take_part, is_station_staff, is_supervisor
from neighbourhood.db import utcnow
from neighbourhood.proposals.models import Comment, Proposal, ProposalStatus

COMMENT_EDIT_WINDOW = timedelta(minutes=15)
SUPPORTABLE = (ProposalStatus.OPEN, ProposalStatus.QUALIFIED)


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def _is_author(user, item) -> bool:
    return _signed_in(user) and item.author_id is not None and item.author_id == user.id


def can_read_proposals(user) -> bool:
    """Everyone signed in reads proposals and comments of any compound."""
    return _signed_in(user)


def can_propose(user, compound) -> bool:
    return compound is not None and can_take_part(user, compound)


def can_see_hidden_in(user, compound) -> bool:
    """Supervisors and station staff of the place read hidden content with its reason."""
    return _signed_in(user) and (is_supervisor(user, compound) or is_station_staff(user, compound.community_id))


def can_read_proposal_body(user, proposal: Proposal) -> bool:
    """Hidden proposals show only the notice, except to their author, supervisors and station staff."""
    return not proposal.is_hidden or _is_author(user, proposal) or can_see_hidden_in(user, proposal.compound)


def can_edit_proposal(user, proposal: Proposal) -> bool:
    """The author, until the first support (and not while moderation hides it)."""
    return _is_author(user, proposal) and proposal.is_editable and not proposal.is_hidden


def can_withdraw_proposal(user, proposal: Proposal) -> bool:
    return _is_author(user, proposal) and proposal.status in (ProposalStatus.OPEN, ProposalStatus.QUALIFIED)


def is_eligible_supporter(user, proposal: Proposal) -> bool:
    """Verified residents of the compound other than the author: a proposal already stands for its author,
    so authors do not support their own."""
    return not _is_author(user, proposal) and can_take_part(user, proposal.compound)


def can_support(user, proposal: Proposal) -> bool:
    """Eligible supporters, until the council decides (supports after the threshold still show the council
    how many residents want it)."""
    return proposal.status in SUPPORTABLE and not proposal.is_hidden and is_eligible_supporter(user, proposal)


def can_withdraw_support(user, proposal: Proposal) -> bool:
    """Supports may be taken back while the proposal still gathers them (until the threshold)."""
    return proposal.status is ProposalStatus.OPEN and not proposal.is_hidden and is_eligible_supporter(user, proposal)


def can_comment_on(user, compound, subject=None) -> bool:
    """Verified residents of the subject's compound; nobody adds to hidden content."""
    if subject is not None and getattr(subject, "is_hidden", False):
        return False
    return compound is not None and can_take_part(user, compound)


def can_read_comment(user, comment: Comment, compound) -> bool:
    return not comment.is_hidden or _is_author(user, comment) or can_see_hidden_in(user, compound)


def is_comment_author(user, comment: Comment) -> bool:
    return _is_author(user, comment)


def comment_edit_open(comment: Comment, now: datetime | None = None) -> bool:
    return (now or utcnow()) - comment.created_at <= COMMENT_EDIT_WINDOW


def can_edit_comment(user, comment: Comment, compound=None, now: datetime | None = None) -> bool:
    """Its author, within 15 minutes of posting, while still a verified resident and not hidden."""
    if not _is_author(user, comment) or comment.is_hidden or not comment_edit_open(comment, now):
        return False
    return compound is None or can_take_part(user, compound)


PREDICATES = {
    name: value for name, value in dict(globals()).items()
    if name.startswith(("can_", "is_")) and callable(value) and name not in ("can_take_part", "is_station_staff",
                                                                             "is_supervisor")
}
PREDICATES["comment_edit_open"] = comment_edit_open
