"""The rules of volunteering that need no database: hours from check-in and check-out, coins for hours, the
numbers the platform gives, the signed check-in link a shift's QR code carries, and the cancellation cutoff."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from itsdangerous import BadSignature, URLSafeSerializer

HOUR_STEP = Decimal("0.1")
MAX_HOURS_PER_SHIFT = Decimal("24")
COINS_PER_HOUR = Decimal("1")
# Letters and digits that cannot be misread on paper or over the phone (no 0/O, 1/I/L).
_READABLE = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CHECK_IN_SALT = "volunteering.check-in"
CHECK_IN_GRACE = timedelta(hours=2)
# A volunteer's own scan checks them in from an hour before the shift (setting up); an organiser may check in anyone.
CHECK_IN_OPENS = timedelta(hours=1)


def hours_between(checked_in: datetime, checked_out: datetime) -> Decimal:
    """Service hours: the time between check-in and check-out to a tenth of an hour (half up), never negative."""
    seconds = Decimal(max(0, int((checked_out - checked_in).total_seconds())))
    return (seconds / Decimal(3600)).quantize(HOUR_STEP, rounding=ROUND_HALF_UP)


def shown_hours(hours: Decimal | None) -> str:
    """Hours as records show them, to the tenth as they are measured (the database keeps two places: 2.50 reads
    2.5); nothing for no hours."""
    return "" if hours is None else str(Decimal(hours).quantize(HOUR_STEP, rounding=ROUND_HALF_UP))


def coins_for(hours: Decimal) -> Decimal:
    """1 confirmed hour = 1 time coin (as Shanghai's 时光汇), exact to the hundredth."""
    return (hours * COINS_PER_HOUR).quantize(Decimal("0.01"))


def volunteer_number(year: int, serial: int) -> str:
    """The platform's volunteer number: LL (邻里), the year the volunteer joined, and a serial, e.g. LL2026000017."""
    return f"LL{year}{serial:06d}"


def certificate_number(year: int) -> str:
    """A random certificate number, e.g. ZY2026-7KQ4M9XT: unguessable, so the public check reveals nothing to
    someone trying numbers one after another."""
    return f"ZY{year}-" + "".join(secrets.choice(_READABLE) for _ in range(8))


def check_in_token(secret_key: str, shift_id: int, valid_until: datetime) -> str:
    """The token in a shift's check-in link: the shift and the moment (UTC) the link stops working, signed."""
    until = int(valid_until.replace(tzinfo=timezone.utc).timestamp())
    return URLSafeSerializer(secret_key, salt=CHECK_IN_SALT).dumps({"shift": shift_id, "until": until})


def check_in_valid_until(shift_ends: datetime) -> datetime:
    """A QR code shown at the start of a shift still works at its end, and a little after for the check-out."""
    return shift_ends + CHECK_IN_GRACE


def read_check_in_token(secret_key: str, token: str, now: datetime) -> tuple[int | None, bool]:
    """(shift id, expired): (None, False) when the token is not one we signed."""
    try:
        data = URLSafeSerializer(secret_key, salt=CHECK_IN_SALT).loads(token)
    except BadSignature:
        return None, False
    if not isinstance(data, dict) or not isinstance(data.get("shift"), int) or not isinstance(data.get("until"), int):
        return None, False
    expired = now.replace(tzinfo=timezone.utc).timestamp() > data["until"]
    return data["shift"], expired


def may_cancel(shift_starts: datetime, cutoff_hours: int, now: datetime) -> bool:
    """A volunteer cancels on the platform until `cutoff_hours` before the shift; later, they call the organiser."""
    return now <= shift_starts - timedelta(hours=cutoff_hours)
