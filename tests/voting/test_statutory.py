"""Owners' statutory decisions: Civil Code Art. 278 and the SPC interpretation on building-unit ownership.

Participation needs at least 2/3 of the area AND at least 2/3 of the owners (以上: boundary included). Approval of
a major matter (items 6–8) needs at least 3/4 of the participating area AND owners; any other matter more than half
(过半数: strict). Every threshold is pinned here at its exact boundary, on area and on headcount separately."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neighbourhood.voting.statutory import (
    DEVELOPER,
    OwnerBallot,
    Unit,
    build_roll,
    decide,
    matter_for_item,
)

PROPERTY = settings(max_examples=150, deadline=None, database=None)


def vote(matter: str, total_area, total_owners: int, *ballots: tuple[str, str]):
    """ballots as (area, choice) pairs, areas as strings."""
    return decide(matter=matter, total_area=Decimal(total_area), total_owners=total_owners,
                  ballots=[OwnerBallot(area=Decimal(area), choice=choice) for area, choice in ballots])


def agreeing(*areas: str) -> list[tuple[str, str]]:
    return [(area, "agree") for area in areas]


def test_the_issues_example_exactly():
    roll = build_roll([
        Unit(owner="o1", area=Decimal("89.50")),
        Unit(owner="o1", area=Decimal("12.00")),                       # the same owner's parking space
        Unit(owner="developer", area=Decimal("300.00"), developer_held=True),
    ])
    assert roll.total_owners == 2
    assert roll.total_area == Decimal("401.50")
    assert roll.owners == {"o1": Decimal("101.50"), "developer": Decimal("300.00")}

    result = decide(matter="major",
                    total_area=roll.total_area, total_owners=roll.total_owners,
                    ballots=[OwnerBallot(area=Decimal("101.50"), choice="agree"),
                             OwnerBallot(area=Decimal("300.00"), choice="abstain")])
    assert result.participation_met is True
    assert result.passed is False                                     # 101.50 of 401.50 and 1 of 2 fall short of 3/4
    assert result.approval_met is False
    assert (result.participating_area, result.participating_owners) == (Decimal("401.50"), 2)
    assert (result.agree_area, result.agree_owners) == (Decimal("101.50"), 1)
    assert isinstance(result.total_owners, int) and isinstance(result.participating_area, Decimal)


# ----------------------------------------------------------------------------------------------------------------
# The roll (interpretation Art. 9).

def test_an_owner_of_several_parts_counts_once_with_the_summed_area():
    roll = build_roll([Unit("o1", Decimal("89.50")), Unit("o2", Decimal("70")), Unit("o1", Decimal("12.00")),
                       Unit("o1", Decimal("0.50"))])
    assert roll.owners == {"o1": Decimal("102.00"), "o2": Decimal("70")}
    assert roll.total_owners == 2 and roll.total_area == Decimal("172.00")


def test_all_developer_held_parts_count_as_one_owner_whatever_they_are_labelled():
    roll = build_roll([Unit("unsold-1", Decimal("90"), developer_held=True),
                       Unit("unsold-2", Decimal("80"), developer_held=True),
                       Unit("undelivered", Decimal("0.25"), developer_held=True),
                       Unit("o1", Decimal("100"))])
    assert roll.owners == {DEVELOPER: Decimal("170.25"), "o1": Decimal("100")}
    assert roll.total_owners == 2 and roll.total_area == Decimal("270.25")


def test_an_owner_called_like_the_developers_key_is_refused_when_the_developer_holds_parts():
    with pytest.raises(ValueError):
        build_roll([Unit(DEVELOPER, Decimal(1)), Unit("x", Decimal(2), developer_held=True)])
    # ... also when the units arrive as a generator, read once.
    with pytest.raises(ValueError):
        build_roll(unit for unit in [Unit(DEVELOPER, Decimal(1)), Unit("x", Decimal(2), developer_held=True)])


def test_a_roll_read_from_a_generator_counts_the_same():
    units = [Unit("o1", Decimal("89.50")), Unit("o1", Decimal("12.00")), Unit("d", Decimal(3), developer_held=True)]
    assert build_roll(unit for unit in units) == build_roll(units)


@pytest.mark.parametrize("bad, error", [(89.5, TypeError), ("89.5", TypeError), (Decimal(-1), ValueError),
                                        (Decimal("Infinity"), ValueError)])
def test_a_units_area_must_be_an_exact_amount(bad, error):
    with pytest.raises(error):
        build_roll([Unit("o1", bad)])


# ----------------------------------------------------------------------------------------------------------------
# Participation: at least 2/3 of the area AND at least 2/3 of the owners, for every matter.

@pytest.mark.parametrize("matter", ["major", "ordinary"])
def test_participation_by_area_includes_exactly_two_thirds(matter):
    # 9 of 10 owners take part (headcount comfortably met); the tenth holds the rest of the 300 m².
    exactly = vote(matter, "300", 10, *agreeing(*["22"] * 8, "24"))            # 200 of 300
    assert exactly.participating_area == Decimal(200) and exactly.participation_met
    short = vote(matter, "300", 10, *agreeing(*["22"] * 8, "23.99"))           # 199.99 of 300
    assert not short.participation_met and not short.passed
    assert short.approval_met                                                  # everyone who voted agreed


@pytest.mark.parametrize("matter", ["major", "ordinary"])
def test_participation_by_headcount_includes_exactly_two_thirds(matter):
    # 800 of 900 m² take part (area comfortably met); what changes is how many owners hold it.
    exactly = vote(matter, "900", 9, *agreeing("300", "100", "100", "100", "100", "100"))   # 6 of 9
    assert exactly.participation_met and exactly.passed
    short = vote(matter, "900", 9, *agreeing("400", "100", "100", "100", "100"))            # 5 of 9
    assert short.participating_area == Decimal(800)
    assert not short.participation_met and not short.passed


def test_participation_counts_abstentions_and_disagreement():
    result = vote("ordinary", "300", 3, ("100", "abstain"), ("100", "disagree"))
    assert result.participation_met and result.participating_owners == 2 and not result.passed


def test_nobody_on_the_roll_means_nothing_can_pass():
    assert not vote("ordinary", "0", 0).participation_met
    assert not vote("ordinary", "0", 0).passed


# ----------------------------------------------------------------------------------------------------------------
# Approval: a major matter needs at least 3/4; an ordinary one more than half — of area AND of owners.

def test_major_matter_approval_by_area_includes_exactly_three_quarters():
    # 4 of 5 owners agree (80 %, headcount comfortably met); the area agreeing is what changes.
    exactly = vote("major", "400", 5, *agreeing("75", "75", "75", "75"), ("100", "disagree"))       # 300 of 400
    assert exactly.approval_met and exactly.passed
    short = vote("major", "400", 5, *agreeing("75", "75", "75", "74.99"), ("100.01", "disagree"))
    assert not short.approval_met and not short.passed


def test_major_matter_approval_by_headcount_includes_exactly_three_quarters():
    # The agreeing owners hold 90 % of the area; what changes is how many of them there are.
    exactly = vote("major", "100", 8, *agreeing("85", "1", "1", "1", "1", "1"), ("5", "disagree"), ("5", "abstain"))
    assert exactly.agree_owners == 6 and exactly.participating_owners == 8          # 6 of 8 = 3/4
    assert exactly.approval_met and exactly.passed
    short = vote("major", "100", 8, *agreeing("85", "1", "1", "1", "1"), ("5", "disagree"), ("5", "abstain"),
                 ("1", "abstain"))                                                   # 5 of 8
    assert not short.approval_met and not short.passed


def test_ordinary_matter_approval_by_area_needs_more_than_exactly_half():
    # 3 of 4 owners agree (headcount comfortably met); the agreeing area is half, then a fen more.
    half = vote("ordinary", "400", 4, *agreeing("100", "50", "50"), ("200", "disagree"))
    assert half.agree_area == Decimal(200) and half.participating_area == Decimal(400)
    assert not half.approval_met and not half.passed
    more = vote("ordinary", "400", 4, *agreeing("100", "50", "50.01"), ("199.99", "disagree"))
    assert more.approval_met and more.passed


def test_ordinary_matter_approval_by_headcount_needs_more_than_exactly_half():
    half = vote("ordinary", "100", 4, *agreeing("45", "45"), ("5", "disagree"), ("5", "abstain"))   # 2 of 4
    assert not half.approval_met and not half.passed
    more = vote("ordinary", "100", 5, *agreeing("40", "40", "10"), ("5", "disagree"), ("5", "abstain"))  # 3 of 5
    assert more.approval_met and more.passed


def test_the_same_ballots_can_pass_an_ordinary_matter_and_fail_a_major_one():
    ballots = [*agreeing("70", "70"), ("60", "disagree")]                       # 2/3 of owners and 70 % of area
    assert vote("ordinary", "200", 3, *ballots).passed
    assert not vote("major", "200", 3, *ballots).passed


def test_passing_needs_both_area_and_headcount():
    # One big owner agrees against three small ones: the area approves, the headcount does not.
    area_only = vote("ordinary", "400", 4, ("340", "agree"), ("20", "disagree"), ("20", "disagree"),
                     ("20", "disagree"))
    assert area_only.participation_met and not area_only.approval_met and not area_only.passed
    # Three small owners agree against one big one: the headcount approves, the area does not.
    heads_only = vote("ordinary", "400", 4, *agreeing("20", "20", "20"), ("340", "disagree"))
    assert heads_only.participation_met and not heads_only.approval_met and not heads_only.passed
    # Participation alike: the big owner alone holds enough area but is one head of four.
    assert not vote("ordinary", "400", 4, ("340", "agree")).participation_met
    assert not vote("ordinary", "400", 4, *agreeing("20", "20", "20")).participation_met


def test_a_disagreeing_owner_taking_part_can_carry_a_decision_over_the_participation_line():
    # The law's 2/3 participation rule, not a miscount: staying away is how an owner can block it.
    assert not vote("ordinary", "400", 4, *agreeing("100", "100")).passed                    # 2 of 4 took part
    assert vote("ordinary", "400", 4, *agreeing("100", "100"), ("100", "disagree")).passed   # 3 of 4 did


# ----------------------------------------------------------------------------------------------------------------
# Inputs.

@pytest.mark.parametrize("call", [
    lambda: decide(matter="major", total_area=400.0, total_owners=4, ballots=[]),
    lambda: decide(matter="major", total_area=Decimal(400), total_owners=4.0, ballots=[]),
    lambda: decide(matter="major", total_area=Decimal(400), total_owners=True, ballots=[]),
    lambda: decide(matter="major", total_area=Decimal(400), total_owners=4,
                   ballots=[OwnerBallot(area=100.5, choice="agree")]),
    lambda: build_roll([Unit("o1", 100.25)]),
])
def test_float_inputs_are_refused(call):
    with pytest.raises(TypeError):
        call()


def test_a_count_beyond_the_roll_or_an_unknown_choice_or_matter_is_refused():
    with pytest.raises(ValueError):
        vote("major", "100", 1, ("50", "agree"), ("50", "agree"))                   # two owners on a roll of one
    with pytest.raises(ValueError):
        vote("major", "100", 2, ("100.01", "agree"))                                # more area than the roll
    with pytest.raises(ValueError):
        vote("major", "100", 2, ("50", "yes"))
    with pytest.raises(ValueError):
        vote("urgent", "100", 2, ("50", "agree"))


@pytest.mark.parametrize("item, matter", [(1, "ordinary"), (2, "ordinary"), (3, "ordinary"), (4, "ordinary"),
                                          (5, "ordinary"), (6, "major"), (7, "major"), (8, "major"),
                                          (9, "ordinary")])
def test_the_art_278_item_fixes_the_matter(item, matter):
    assert matter_for_item(item) == matter


@pytest.mark.parametrize("item", [0, 10])
def test_art_278_has_nine_items(item):
    with pytest.raises(ValueError):
        matter_for_item(item)


# ----------------------------------------------------------------------------------------------------------------
# Properties.

AREA = st.decimals(min_value=0, max_value=300, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def owners_votes(draw):
    """(matter, total_area, total_owners, ballots) with small numbers, so thresholds are often met or just missed."""
    matter = draw(st.sampled_from(["major", "ordinary"]))
    ballots = draw(st.lists(st.builds(OwnerBallot, area=AREA, choice=st.sampled_from(["agree", "disagree",
                                                                                      "abstain"])), max_size=12))
    total_owners = len(ballots) + draw(st.integers(0, 8))
    total_area = sum((ballot.area for ballot in ballots), Decimal(0)) + draw(AREA)
    return matter, total_area, total_owners, ballots


def _reference(matter, total_area, total_owners, ballots) -> tuple[bool, bool]:
    """The law read directly, in fractions."""
    area = sum((Fraction(ballot.area) for ballot in ballots), Fraction(0))
    agree = [ballot for ballot in ballots if ballot.choice == "agree"]
    agree_area = sum((Fraction(ballot.area) for ballot in agree), Fraction(0))
    taking_part = total_owners > 0 and (area >= Fraction(2, 3) * Fraction(total_area)
                                        and Fraction(len(ballots)) >= Fraction(2, 3) * total_owners)
    if not ballots:
        return taking_part, False
    if matter == "major":
        approve = agree_area >= Fraction(3, 4) * area and len(agree) >= Fraction(3, 4) * len(ballots)
    else:
        approve = agree_area > area / 2 and len(agree) > Fraction(len(ballots), 2)
    return taking_part, approve


@PROPERTY
@given(case=owners_votes())
def test_the_decision_matches_the_law_read_in_exact_fractions(case):
    matter, total_area, total_owners, ballots = case
    result = decide(matter=matter, total_area=total_area, total_owners=total_owners, ballots=ballots)
    assert (result.participation_met, result.approval_met) == _reference(*case)
    assert result.passed == (result.participation_met and result.approval_met)


@PROPERTY
@given(case=owners_votes(), data=st.data())
def test_the_decision_never_depends_on_the_order_of_ballots(case, data):
    matter, total_area, total_owners, ballots = case
    shuffled = data.draw(st.permutations(ballots))
    assert decide(matter=matter, total_area=total_area, total_owners=total_owners, ballots=shuffled) == \
        decide(matter=matter, total_area=total_area, total_owners=total_owners, ballots=ballots)


@PROPERTY
@given(case=owners_votes())
def test_a_passed_decision_meets_every_threshold_on_area_and_on_headcount(case):
    matter, total_area, total_owners, ballots = case
    result = decide(matter=matter, total_area=total_area, total_owners=total_owners, ballots=ballots)
    if not result.passed:
        return
    share = Fraction(3, 4) if matter == "major" else Fraction(1, 2)
    assert 3 * result.participating_area >= 2 * total_area
    assert 3 * result.participating_owners >= 2 * total_owners
    for part, whole in [(result.agree_area, result.participating_area),
                        (result.agree_owners, result.participating_owners)]:
        if matter == "major":
            assert Fraction(part) >= share * Fraction(whole)
        else:
            assert Fraction(part) > share * Fraction(whole)


@PROPERTY
@given(units=st.lists(st.builds(Unit, owner=st.sampled_from(["o1", "o2", "o3", "o4"]), area=AREA,
                                developer_held=st.booleans()), max_size=12), data=st.data())
def test_the_roll_keeps_every_square_metre_and_counts_each_owner_once(units, data):
    roll = build_roll(units)
    assert roll.total_area == sum((unit.area for unit in units), Decimal(0))
    expected = {unit.owner for unit in units if not unit.developer_held}
    if any(unit.developer_held for unit in units):
        expected.add(DEVELOPER)
    assert set(roll.owners) == expected and roll.total_owners == len(expected)
    assert build_roll(data.draw(st.permutations(units))) == roll
