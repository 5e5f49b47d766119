"""Owners' statutory decisions (Civil Code Art. 278 with the SPC interpretation on building-unit ownership).

Pure arithmetic over Decimal and integers: no float ever touches an area, and every threshold is compared by
cross-multiplying, so "at least 2/3" (以上) includes its boundary and "more than half" (过半数) does not."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

# All of the developer's unsold or undelivered parts count as one owner (interpretation Art. 9).
DEVELOPER = "developer"

MAJOR = "major"          # Art. 278 items 6–8: raise the maintenance fund, rebuild, change the use of common parts
ORDINARY = "ordinary"    # every other item
MAJOR_ITEMS = frozenset({6, 7, 8})
ITEMS = range(1, 10)

AGREE, DISAGREE, ABSTAIN = "agree", "disagree", "abstain"
CHOICES = (AGREE, DISAGREE, ABSTAIN)

PARTICIPATION = Fraction(2, 3)
APPROVAL = {MAJOR: Fraction(3, 4), ORDINARY: Fraction(1, 2)}


def matter_for_item(item: int) -> str:
    """The Art. 278 item (1–9) fixes the approval threshold."""
    if item not in ITEMS:
        raise ValueError(f"Art. 278 has items 1 to 9, not {item}")
    return MAJOR if item in MAJOR_ITEMS else ORDINARY


def _exact(value, what: str) -> Decimal:
    if isinstance(value, float) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{what} must be a Decimal or an int, never {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what} must be a finite amount of zero or more, not {value}")
    return value


@dataclass(frozen=True)
class Unit:
    """One exclusive part on the register: who owns it and its area (registered, else surveyed, else contract)."""
    owner: str
    area: Decimal
    developer_held: bool = False


@dataclass(frozen=True)
class Roll:
    owners: dict[str, Decimal]

    @property
    def total_owners(self) -> int:
        return len(self.owners)

    @property
    def total_area(self) -> Decimal:
        return sum(self.owners.values(), Decimal(0))


def build_roll(units) -> Roll:
    """Owners by headcount rule (interpretation Art. 9): each owner once with the summed area of their parts,
    and every developer-held part together under one key."""
    units = list(units)   # read twice below; a generator would be empty the second time
    owners: dict[str, Decimal] = {}
    ordinary_owners: set[str] = set()
    for unit in units:
        area = _exact(unit.area, "a unit's area")
        if unit.developer_held:
            key = DEVELOPER
        else:
            key = str(unit.owner)
            ordinary_owners.add(key)
        owners[key] = owners.get(key, Decimal(0)) + area
    if DEVELOPER in ordinary_owners and any(u.developer_held for u in units):
        raise ValueError(f"an owner may not be called {DEVELOPER!r}: that key holds the developer's parts")
    return Roll(owners=owners)


@dataclass(frozen=True)
class OwnerBallot:
    """One participating owner's ballot, carrying the owner's summed area."""
    area: Decimal
    choice: str


@dataclass(frozen=True)
class OwnersDecision:
    matter: str
    total_area: Decimal
    total_owners: int
    participating_area: Decimal
    participating_owners: int
    agree_area: Decimal
    agree_owners: int
    participation_met: bool
    approval_met: bool

    @property
    def passed(self) -> bool:
        return self.participation_met and self.approval_met

    @property
    def approval_threshold(self) -> Fraction:
        return APPROVAL[self.matter]

    @property
    def approval_strict(self) -> bool:
        """"More than half" is strict; "at least 3/4" includes the boundary."""
        return self.matter == ORDINARY


def at_least(part, whole, share: Fraction) -> bool:
    return part * share.denominator >= whole * share.numerator


def more_than(part, whole, share: Fraction) -> bool:
    return part * share.denominator > whole * share.numerator


def decide(*, matter: str, total_area: Decimal, total_owners: int, ballots) -> OwnersDecision:
    if matter not in APPROVAL:
        raise ValueError(f"matter is {MAJOR!r} or {ORDINARY!r}, not {matter!r}")
    total_area = _exact(total_area, "the total area")
    if isinstance(total_owners, bool) or not isinstance(total_owners, int) or total_owners < 0:
        raise TypeError("the total number of owners is a whole number of zero or more")
    participating_area = Decimal(0)
    agree_area = Decimal(0)
    agree_owners = 0
    ballots = list(ballots)
    for ballot in ballots:
        if ballot.choice not in CHOICES:
            raise ValueError(f"a choice is agree, disagree or abstain, not {ballot.choice!r}")
        area = _exact(ballot.area, "a ballot's area")
        participating_area += area
        if ballot.choice == AGREE:
            agree_area += area
            agree_owners += 1
    participating_owners = len(ballots)
    if participating_owners > total_owners or participating_area > total_area:
        raise ValueError("more owners or area took part than the roll holds")

    participation_met = (
        total_owners > 0
        and at_least(participating_area, total_area, PARTICIPATION)
        and at_least(participating_owners, total_owners, PARTICIPATION)
    )
    threshold = APPROVAL[matter]
    approve = more_than if matter == ORDINARY else at_least
    approval_met = (
        participating_owners > 0
        and approve(agree_area, participating_area, threshold)
        and approve(agree_owners, participating_owners, threshold)
    )
    return OwnersDecision(
        matter=matter, total_area=total_area, total_owners=total_owners,
        participating_area=participating_area, participating_owners=participating_owners,
        agree_area=agree_area, agree_owners=agree_owners,
        participation_met=participation_met, approval_met=approval_met,
    )
