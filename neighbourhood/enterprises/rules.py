"""The rules of the 15-minute circle and of bookings that need no database: walking distance from stored
coordinates, what a booking may become next, and when a resident may still cancel."""
from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import Decimal

from neighbourhood.enterprises.models import BookingStatus

EARTH_RADIUS_M = 6_371_000
# Planners count 15 minutes' walk as about 1 km (an older resident's pace, with crossings): 1000 m / 15 min.
WALKING_M_PER_MINUTE = 1000 / 15
CIRCLE_M = 1000
# A resident cancels an accepted booking on the platform until this long before its slot; later, they call.
CANCEL_NOTICE = timedelta(hours=2)


def distance_m(lat1, lon1, lat2, lon2) -> int:
    """Great-circle distance in whole metres (haversine): at a community's scale straight-line distance, which is
    what a distance list can honestly promise."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(a)))


def walking_minutes(metres: int) -> int:
    """Minutes on foot, rounded up, at least 1."""
    return max(1, math.ceil(metres / WALKING_M_PER_MINUTE))


def bounding_box(lat, lon, metres: int) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(min lat, max lat, min lon, max lon) of a square that holds the circle of `metres` around the point: the
    database narrows to it by index, and distance_m decides."""
    dlat = math.degrees((metres + 1) / EARTH_RADIUS_M)    # + 1 m: distance_m rounds to whole metres
    dlon = dlat / max(0.01, math.cos(math.radians(float(lat))))
    q = Decimal("0.000001")
    return (Decimal(float(lat) - dlat).quantize(q), Decimal(float(lat) + dlat).quantize(q),
            Decimal(float(lon) - dlon).quantize(q), Decimal(float(lon) + dlon).quantize(q))


def valid_coordinates(lat, lon) -> bool:
    try:
        return -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180
    except (TypeError, ValueError):
        return False


# What each side may do with a booking in each state.
NEXT_BY_ENTERPRISE = {
    BookingStatus.REQUESTED: {BookingStatus.ACCEPTED, BookingStatus.DECLINED},
    BookingStatus.ACCEPTED: {BookingStatus.COMPLETED, BookingStatus.CANCELLED},
}
NEXT_BY_RESIDENT = {
    BookingStatus.REQUESTED: {BookingStatus.CANCELLED},
    BookingStatus.ACCEPTED: {BookingStatus.CANCELLED},
}
OPEN = (BookingStatus.REQUESTED, BookingStatus.ACCEPTED)


def resident_may_cancel(status: BookingStatus, slot_starts: datetime | None, now: datetime) -> bool:
    """A request can be withdrawn until it is answered; an accepted booking until two hours before its slot."""
    if status is BookingStatus.REQUESTED:
        return True
    if status is BookingStatus.ACCEPTED:
        return slot_starts is None or now <= slot_starts - CANCEL_NOTICE
    return False
