"""Who may do what with needs, as pure predicates (also Jinja globals, so names carry "need")."""
from __future__ import annotations

from neighbourhood.accounts.permissions import (
    can_take_part,
    is_council_member,
    is_station_staff,
    is_supervisor,
)
from neighbourhood.needs.models import ACTIVE, Need, NeedStatus


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def _is_author(user, need: Need) -> bool:
    return _signed_in(user) and need.author_id is not None and need.author_id == user.id


def can_read_needs(user) -> bool:
    """Everyone signed in reads the needs of any compound; only verified residents take part."""
    return _signed_in(user)


def can_raise_need(user, compound) -> bool:
    return compound is not None and can_take_part(user, compound)


def can_see_hidden_needs(user, compound) -> bool:
    """Supervisors and station staff of the place read hidden needs with their reason."""
    return _signed_in(user) and (is_supervisor(user, compound) or is_station_staff(user, compound.community_id))


def can_read_need_content(user, need: Need) -> bool:
    """Hidden needs show only the moderation notice, except to their author, supervisors and station staff."""
    return not need.is_hidden or _is_author(user, need) or can_see_hidden_needs(user, need.compound)


def is_eligible_for_me_too(user, need: Need) -> bool:
    """Verified residents of the need's compound other than its author (a need already counts for its
    author)."""
    return not _is_author(user, need) and can_take_part(user, need.compound)


def can_me_too(user, need: Need) -> bool:
    """While someone still works on it (open, referred, escalated) and moderation does not hide it."""
    return need.status in ACTIVE and not need.is_hidden and is_eligible_for_me_too(user, need)


def can_withdraw_me_too(user, need: Need) -> bool:
    return need.status in ACTIVE and is_eligible_for_me_too(user, need)


def can_triage_in(user, compound) -> bool:
    """The compound's council triages; station staff of its community may too, as a fallback for needs the
    council leaves waiting."""
    return compound is not None and (is_council_member(user, compound)
                                     or is_station_staff(user, compound.community_id))


def can_triage_need(user, need: Need) -> bool:
    return need.status is NeedStatus.OPEN and can_triage_in(user, need.compound)


def can_reply_to_escalation(user, need: Need) -> bool:
    """Station staff of the need's community answer (and may close) needs escalated to them."""
    return need.status is NeedStatus.ESCALATED and _signed_in(user) and is_station_staff(user, need.community_id)


PREDICATES = {
    name: value for name, value in dict(globals()).items()
    if name.startswith(("can_", "is_")) and callable(value)
    and name not in ("can_take_part", "is_council_member", "is_station_staff", "is_supervisor")
}
