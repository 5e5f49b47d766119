"""What residents read for a need's status, its holder and its timeline (translated when shown)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from neighbourhood.needs.models import EventKind, Need, NeedStatus

STATUS_LABELS = {
    NeedStatus.OPEN: _l("Waiting for triage"),
    NeedStatus.RESOLVED: _l("Resolved"),
    NeedStatus.REFERRED: _l("Referred to property management"),
    NeedStatus.CONVERTED: _l("Became a proposal"),
    NeedStatus.ESCALATED: _l("Escalated to the station"),
    NeedStatus.DECLINED: _l("Declined"),
}

# What the council chooses at triage (the radio buttons).
OUTCOME_LABELS = {
    NeedStatus.RESOLVED: _l("Resolved: the council dealt with it"),
    NeedStatus.REFERRED: _l("Refer to property management"),
    NeedStatus.CONVERTED: _l("Turn into a proposal (\"me too\" residents become its first supporters)"),
    NeedStatus.ESCALATED: _l("Escalate to the station (beyond the compound)"),
    NeedStatus.DECLINED: _l("Decline, with the reason"),
}

SORT_LABELS = {
    "newest": _l("Newest"),
    "me_too": _l("Most \"me too\""),
    "waiting": _l("Waiting longest"),
}

OVERDUE_LABEL = _l("Waiting too long")

EVENT_LABELS = {
    EventKind.RAISED: _l("Raised"),
    EventKind.TRIAGED: _l("Triaged"),
    EventKind.STATION_REPLY: _l("The station replied"),
    EventKind.CLOSED: _l("Closed by the station"),
    EventKind.OVERDUE: _l("Flagged to the council and the station: waiting too long for triage"),
}


def status_label(status: NeedStatus | str) -> str:
    return str(STATUS_LABELS[NeedStatus(status)])


def status_filter_labels() -> dict:
    return {**{s.value: label for s, label in STATUS_LABELS.items()}, "overdue": OVERDUE_LABEL}


def event_label(kind: EventKind | str) -> str:
    return str(EVENT_LABELS[EventKind(kind)])


def holder(need: Need) -> str:
    """Who has the need now, in words residents understand."""
    status = need.status
    if status is NeedStatus.OPEN:
        return str(_l("The council of %(compound)s", compound=need.compound.name))
    if status is NeedStatus.REFERRED:
        return str(_l("Property management"))
    if status is NeedStatus.ESCALATED:
        centre = need.compound.community.centre_name or need.compound.community.name
        return str(_l("The station: %(centre)s", centre=centre))
    if status is NeedStatus.CONVERTED:
        return str(_l("Residents, as a proposal"))
    return str(_l("Nobody: it is settled"))


def notification_params(params: dict) -> dict:
    """need.status notifications store the status code; the reader sees its label in their language."""
    try:
        return {**params, "status": status_label(params.get("status", ""))}
    except ValueError:
        return params
