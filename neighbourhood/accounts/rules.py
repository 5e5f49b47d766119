"""Pure rules about phone numbers, passwords and codes: no database, no Flask app needed."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from functools import lru_cache

from flask_babel import lazy_gettext as _l

MAINLAND_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
MIN_PASSWORD_LENGTH = 8
# Letters for printed codes: no 0/O, 1/I/L, so a code read aloud or typed from paper survives.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

# Common in Chinese leaks but missing from zxcvbn's English-centred list.
_CHINESE_COMMON = {
    "woaini1314", "woaini520", "5201314", "52013140", "1314520", "88888888", "66666666",
    "iloveyou1314", "zhang123", "wang1234", "li123456", "aa123456", "qq123456789",
    "abc123456", "a1234567", "a12345678", "123456aa", "12345678a", "1qaz2wsx", "qwe123456",
}


def _halfwidth(raw: str | None) -> str:
    """Chinese input methods often type full-width characters (１３９, ＋, －): read them as ASCII."""
    return unicodedata.normalize("NFKC", raw or "")


def normalize_phone(raw: str) -> str | None:
    """A mainland mobile number as 11 ASCII digits, or None. Accepts +86/0086, spaces or dashes,
    and full-width digits."""
    digits = re.sub(r"[\s\-()]", "", _halfwidth(raw))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix):]
            break
    return digits if MAINLAND_MOBILE.match(digits) else None


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | _CHINESE_COMMON


def password_problem(password: str, *, phone: str | None = None):
    """Why a password is refused (a translatable message), or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) <= 2:
        return _l("This password is one of the most common and easy to guess. Choose another.")
    if phone and phone in password:
        return _l("Do not use your phone number in your password.")
    return None


def normalize_sms_code(raw: str | None) -> str:
    """What the resident typed, as the ASCII digits we sent: full-width digits and spaces are fine."""
    return re.sub(r"\s", "", _halfwidth(raw))


def new_sms_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def new_invitation_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_invitation_code(raw: str) -> str:
    compact = re.sub(r"[^0-9A-Za-z]", "", _halfwidth(raw)).upper()
    return f"{compact[:4]}-{compact[4:]}" if len(compact) == 8 else compact


def keyed_hash(secret: str, value: str) -> str:
    """HMAC-SHA256 of a short secret (SMS code, invitation code, session token) under the app key."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()
