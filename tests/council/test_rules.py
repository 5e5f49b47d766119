"""The rules of procedure as pure functions: quorum (strictly more than the share) and majority."""
from datetime import date

import pytest

from neighbourhood.council import rules
from neighbourhood.council.rules import VoteCount, VoteProblem, check_votes


@pytest.mark.parametrize("size, needed", [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 4), (7, 4), (9, 5),
                                          (10, 6), (11, 6)])
def test_more_than_half_of_the_council_by_default(size, needed):
    assert rules.minimum_present(size) == needed
    assert rules.is_quorate(needed, size)
    assert not rules.is_quorate(needed - 1, size)


def test_exactly_half_is_not_a_quorum():
    assert not rules.is_quorate(2, 4)
    assert not rules.is_quorate(5, 10)
    assert rules.is_quorate(3, 4)


def test_a_council_of_nobody_is_never_quorate():
    assert rules.minimum_present(0) == 1
    assert not rules.is_quorate(0, 0)
    assert not rules.is_quorate(3, 0)
    assert not rules.is_quorate(0, 5)


@pytest.mark.parametrize("percent, size, needed", [
    (66, 3, 2),     # more than 66% of 3 (1.98): 2
    (66, 5, 4),     # more than 3.3: 4
    (67, 3, 3),     # more than 2.01: 3
    (75, 8, 7),     # more than 6 exactly: 7
    (0, 5, 1),      # anyone at all
    (100, 5, 5),    # everyone (strictly more than all is impossible; read as all)
    (120, 5, 5),
])
def test_the_compound_may_set_a_stricter_quorum(percent, size, needed):
    assert rules.minimum_present(size, percent) == needed
    assert rules.is_quorate(needed, size, percent)
    assert not rules.is_quorate(needed - 1, size, percent)


def test_more_present_than_the_council_counts_as_the_council():
    assert rules.is_quorate(9, 5)


@pytest.mark.parametrize("present, needed", [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 4), (7, 4)])
def test_a_decision_needs_a_majority_of_those_present(present, needed):
    assert rules.votes_needed(present) == needed
    assert rules.is_carried(needed, present)
    assert not rules.is_carried(needed - 1, present)


def test_abstentions_count_as_present_but_not_for():
    # 5 present: 2 for, 0 against, 3 abstain is not carried, though nobody voted against.
    assert check_votes(VoteCount(2, 0, 3), 5) is VoteProblem.NOT_CARRIED
    assert check_votes(VoteCount(3, 0, 2), 5) is None


def test_vote_counts_are_checked_in_order():
    assert check_votes(VoteCount(None), 5) is VoteProblem.MISSING
    assert check_votes(VoteCount(3, -1, 0), 5) is VoteProblem.NEGATIVE
    assert check_votes(VoteCount(4, 2, 0), 5) is VoteProblem.TOO_MANY
    assert check_votes(VoteCount(5, 0, 0), 5) is None
    assert check_votes(VoteCount(3), 5) is None  # not everyone needs to vote
    assert check_votes(VoteCount(0), 0) is VoteProblem.NOT_CARRIED  # nobody present decides nothing


def test_meetings_are_recorded_after_they_happen():
    today = date(2026, 5, 1)
    assert rules.is_future(date(2026, 5, 2), today)
    assert not rules.is_future(today, today)
    assert not rules.is_future(date(2025, 5, 2), today)
