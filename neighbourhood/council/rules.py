"""The council's rules of procedure as plain functions: quorum, majority, vote counts. No database.

Resident meetings (居委会组织法 Art. 9) are valid with more than half of those entitled present and decide by a
majority of those present; a compound may set a stricter quorum (`Compound.council_quorum_percent`).
Everything is whole-number arithmetic, so no boundary is ever lost to a float."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

DEFAULT_QUORUM_PERCENT = 50


def minimum_present(council_size: int, quorum_percent: int = DEFAULT_QUORUM_PERCENT) -> int:
    """The fewest members present for a quorum: strictly more than `quorum_percent` % of the council.

    A percentage of 100 or more can only mean "everyone"; a council of nobody can never be quorate,
    so it needs one more than it has."""
    if council_size <= 0:
        return 1
    if quorum_percent >= 100:
        return council_size
    percent = max(quorum_percent, 0)
    # smallest n with n * 100 > council_size * percent
    return council_size * percent // 100 + 1


def is_quorate(present: int, council_size: int, quorum_percent: int = DEFAULT_QUORUM_PERCENT) -> bool:
    if council_size <= 0 or present <= 0:
        return False
    return min(present, council_size) >= minimum_present(council_size, quorum_percent)


def votes_needed(present: int) -> int:
    """A decision needs a majority of the members present voting for it: strictly more than half."""
    return present // 2 + 1


def is_carried(votes_for: int, present: int) -> bool:
    return present > 0 and votes_for >= votes_needed(present)


class VoteProblem(enum.StrEnum):
    MISSING = "missing"              # no count of votes for
    NEGATIVE = "negative"            # a count below zero
    TOO_MANY = "too_many"            # more votes than members present
    NOT_CARRIED = "not_carried"      # fewer votes for than a majority of those present


@dataclass(frozen=True)
class VoteCount:
    votes_for: int | None
    against: int = 0
    abstain: int = 0

    @property
    def total(self) -> int:
        return (self.votes_for or 0) + self.against + self.abstain


def check_votes(count: VoteCount, present: int) -> VoteProblem | None:
    """The first thing wrong with a decision's vote count, or None when it stands."""
    if count.votes_for is None:
        return VoteProblem.MISSING
    if min(count.votes_for, count.against, count.abstain) < 0:
        return VoteProblem.NEGATIVE
    if count.total > present:
        return VoteProblem.TOO_MANY
    if not is_carried(count.votes_for, present):
        return VoteProblem.NOT_CARRIED
    return None


def is_future(held_on: date, today: date) -> bool:
    """A meeting is recorded after it happened, never for a date still to come."""
    return held_on > today
