"""Who may read a compound's disclosure board (公开栏), as pure predicates (also Jinja globals).

Residents are entitled to see what their own compound decided and spent (SPC interpretation Art. 13): its
verified residents, its council and supervisors, and the community's station staff (admins as station staff)."""
from __future__ import annotations

from neighbourhood.accounts.permissions import is_council_member, is_station_staff, is_supervisor, is_verified_in


def can_see_board(user, compound) -> bool:
    return compound is not None and (
        is_verified_in(user, compound)
        or is_council_member(user, compound)
        or is_supervisor(user, compound)
        or is_station_staff(user, compound.community_id)
    )


PREDICATES = {
    "can_see_board": can_see_board,
}
