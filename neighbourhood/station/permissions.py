"""Who may use the station's inbox and keep the four lists, as pure predicates (also Jinja globals)."""
from __future__ import annotations

from neighbourhood.accounts.permissions import can_use_station, is_station_staff


def can_use_station_inbox(user) -> bool:
    return can_use_station(user)


def can_keep_four_lists(user, community) -> bool:
    """Station staff of that community (and admins)."""
    return community is not None and is_station_staff(user, community)


PREDICATES = {"can_use_station_inbox": can_use_station_inbox, "can_keep_four_lists": can_keep_four_lists}
