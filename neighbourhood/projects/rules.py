"""Money rules for micro-projects, with no database: Chengdu's annual fund formula, fen precision, masking.

Chengdu 社区保障资金: a city community gets ¥100,000 plus ¥1,500 per 100 residents a year, a rural one ¥250,000
plus ¥4,000 per 100. "Per 100 residents" is taken pro rata (¥15 and ¥40 a resident), to the fen."""
from __future__ import annotations

import enum
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")


class CommunityType(enum.StrEnum):
    CITY = "city"
    RURAL = "rural"


FORMULA = {
    CommunityType.CITY: (Decimal("100000"), Decimal("1500")),
    CommunityType.RURAL: (Decimal("250000"), Decimal("4000")),
}


def annual_fund(kind: CommunityType | str, residents: int) -> Decimal:
    if isinstance(residents, bool) or not isinstance(residents, int) or residents < 0:
        raise ValueError("the resident count is a whole number of zero or more")
    base, per_hundred = FORMULA[CommunityType(kind)]
    return (base + per_hundred * residents / 100).quantize(FEN, ROUND_HALF_UP)


def fen(amount) -> Decimal:
    """An amount of money exactly, to the fen; refuses floats, more than two decimals, and non-finite values."""
    if isinstance(amount, float) or isinstance(amount, bool):
        raise TypeError("money is a Decimal, never a float")
    value = Decimal(amount)
    if not value.is_finite() or value != value.quantize(FEN):
        raise ValueError(f"{amount} is not an amount in yuan to the fen")
    return value.quantize(FEN)


def mask_person(name: str) -> str:
    """A private individual as residents see them on the ledger: 王秀英 → 王**, Li Wei → L***."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)
