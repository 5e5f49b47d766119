"""What residents read for a proposal's status and stage (translated when shown)."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from neighbourhood.proposals.models import ProposalStatus

STATUS_LABELS = {
    ProposalStatus.OPEN: _l("Gathering support"),
    ProposalStatus.QUALIFIED: _l("On the council's agenda"),
    ProposalStatus.TO_BALLOT: _l("Put to a residents' ballot"),
    ProposalStatus.ADOPTED: _l("Adopted by the council"),
    ProposalStatus.MERGED: _l("Merged into another proposal"),
    ProposalStatus.REJECTED: _l("Rejected by the council"),
    ProposalStatus.WITHDRAWN: _l("Withdrawn by its author"),
}

# What happens next, shown under the status on the proposal's page.
NEXT_STEPS = {
    ProposalStatus.OPEN: _l("When %(threshold)s residents support it, it goes on the council's agenda and the "
                            "author is told."),
    ProposalStatus.QUALIFIED: _l("The council will discuss it at its next meeting and decide: a residents' "
                                 "ballot, adoption, merging with a similar proposal, or rejection with reasons."),
    ProposalStatus.TO_BALLOT: _l("Residents will vote on it. The ballot will be announced here."),
    ProposalStatus.ADOPTED: _l("The council will carry it out within its authority."),
    ProposalStatus.MERGED: _l("It continues as part of the proposal it was merged into."),
    ProposalStatus.REJECTED: _l("The council's reasons are below. You can make a new proposal that answers them."),
    ProposalStatus.WITHDRAWN: _l("Its author withdrew it; the reason is below."),
}

# The list's stage filter: key → label (the keys are services.STAGES).
STAGE_LABELS = {
    "open": _l("Gathering support"),
    "agenda": _l("On the agenda"),
    "decided": _l("Decided"),
    "withdrawn": _l("Withdrawn"),
}

SORT_LABELS = {"newest": _l("Newest"), "supported": _l("Most supported")}


def status_label(status: ProposalStatus | str) -> str:
    return str(STATUS_LABELS[ProposalStatus(status)])


def next_step(status: ProposalStatus | str, threshold: int) -> str:
    return str(NEXT_STEPS[ProposalStatus(status)]) % {"threshold": threshold}


def yuan(value) -> str:
    """¥12,345.50 — how the estimated cost is shown."""
    return "" if value is None else f"¥{Decimal(value):,.2f}"
