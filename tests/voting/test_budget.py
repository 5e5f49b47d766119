"""Participatory budgeting: which projects the money funds, and what each voter may choose.

`allocate` ranks projects by the number of voters who chose them (ties: lower cost first, then earlier submitted)
and funds them in that order, skipping any that no longer fits, until nothing more fits. Its interface is fixed by
the ballots issue; these tests call it exactly as the issue does."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from neighbourhood.voting.budget import Project, allocate, ranking, spent
from neighbourhood.voting.methods import InvalidChoice, Option, Setup, get

PROPERTY = settings(max_examples=150, deadline=None, database=None)


def projects(**costs) -> list[Project]:
    return [Project(key=key, cost=Decimal(cost)) for key, cost in costs.items()]


def test_the_issues_example_funds_the_most_chosen_projects_in_order():
    winners = allocate(budget=Decimal("100000"),
                       projects=[Project(key="p1", cost=Decimal("30000")),
                                 Project(key="p2", cost=Decimal("50000")),
                                 Project(key="p3", cost=Decimal("40000"))],
                       ballots=[{"p1", "p3"}, {"p2"}, {"p1", "p2"}, {"p1"}])
    # p1 (3 voters) then p2 (2) spend 80,000; p3 (1) needs 40,000 and only 20,000 is left.
    assert winners == ["p1", "p2"]


def test_funding_follows_votes_not_the_order_projects_were_submitted():
    winners = allocate(budget=Decimal(100), projects=projects(a=10, b=20, c=30),
                       ballots=[{"c"}, {"c", "b"}, {"c", "b", "a"}])
    assert winners == ["c", "b", "a"]


def test_equal_votes_fund_the_cheaper_project_first():
    winners = allocate(budget=Decimal(100), projects=projects(dear=60, cheap=50), ballots=[{"dear"}, {"cheap"}])
    assert winners == ["cheap"]


def test_equal_votes_and_cost_fund_the_project_submitted_earlier():
    winners = allocate(budget=Decimal(100), projects=projects(first=60, second=60), ballots=[{"second"}, {"first"}])
    assert winners == ["first"]
    assert ranking(projects(first=60, second=60), [{"second"}, {"first"}]) == ["first", "second"]


def test_a_project_that_no_longer_fits_is_skipped_and_a_cheaper_later_one_still_funded():
    winners = allocate(budget=Decimal(100), projects=projects(a=60, b=50, c=40),
                       ballots=[{"a", "b", "c"}, {"a", "b"}, {"a"}])
    # a (3) leaves 40; b (2) needs 50 and is skipped; c (1) costs exactly the 40 left.
    assert winners == ["a", "c"]
    assert spent(projects(a=60, b=50, c=40), winners) == Decimal(100)


def test_a_project_nobody_chose_is_never_funded_however_much_is_left():
    winners = allocate(budget=Decimal(1000), projects=projects(a=10, b=20, free=0), ballots=[{"a"}])
    assert winners == ["a"]
    assert allocate(budget=Decimal(1000), projects=projects(a=10, b=20), ballots=[]) == []


def test_a_free_project_chosen_by_anyone_is_funded_even_with_no_money_left():
    winners = allocate(budget=Decimal(100), projects=projects(a=100, free=0), ballots=[{"a"}, {"a", "free"}])
    assert winners == ["a", "free"]


def test_money_is_exact_to_the_fen():
    winners = allocate(budget=Decimal("0.30"), projects=projects(a="0.10", b="0.20", c="0.01"),
                       ballots=[{"a", "b", "c"}, {"a", "b"}, {"a"}])
    assert winners == ["a", "b"]                      # 0.10 + 0.20 is exactly 0.30; nothing is left for c


@pytest.mark.parametrize("budget, costs, error", [
    (100.0, {"a": Decimal(1)}, TypeError),
    (Decimal(100), {"a": 1.5}, TypeError),
    (Decimal(-1), {"a": Decimal(1)}, ValueError),
    (Decimal(100), {"a": Decimal(-1)}, ValueError),
    (Decimal("NaN"), {"a": Decimal(1)}, ValueError),
])
def test_money_must_be_exact_and_not_negative(budget, costs, error):
    with pytest.raises(error):
        allocate(budget=budget, projects=[Project(key, cost) for key, cost in costs.items()], ballots=[{"a"}])


def test_a_ballot_for_a_project_not_on_the_list_and_duplicate_keys_are_refused():
    with pytest.raises(ValueError):
        allocate(budget=Decimal(100), projects=projects(a=1), ballots=[{"z"}])
    with pytest.raises(ValueError):
        allocate(budget=Decimal(100), projects=[Project("a", Decimal(1)), Project("a", Decimal(2))], ballots=[])


# ----------------------------------------------------------------------------------------------------------------
# What a voter may choose on a budget ballot (the method).

def budget_ballot(min_spend_percent=None, budget="1000", **costs) -> Setup:
    return Setup(options=tuple(Option(key, key.upper(), Decimal(cost)) for key, cost in costs.items()),
                 budget=Decimal(budget), min_spend_percent=min_spend_percent)


def test_a_choice_may_spend_the_whole_budget_but_not_a_fen_more():
    setup = budget_ballot(a="600", b="400", c="400.01")
    method = get("budget")
    assert method.validate(setup, ["a", "b"]) == ["a", "b"]
    with pytest.raises(InvalidChoice) as refused:
        method.validate(setup, ["a", "c"])
    assert str(refused.value) == "The projects you chose cost 1,000.01 yuan, more than the budget of 1,000 yuan."


def test_minimum_spend_includes_its_boundary_exactly():
    setup = budget_ballot(50, a="500", b="499.99", c="0.01")
    method = get("budget")
    method.check_setup(setup)
    assert method.validate(setup, ["a"]) == ["a"]                      # exactly 50 % of 1,000
    assert method.validate(setup, ["b", "c"]) == ["b", "c"]            # 499.99 + 0.01 is exactly 500
    with pytest.raises(InvalidChoice) as refused:
        method.validate(setup, ["b"])
    assert str(refused.value) == ("Choose projects costing at least 500 yuan (50% of the budget of 1,000 yuan); "
                                  "yours cost 499.99 yuan.")


def test_minimum_spend_of_an_awkward_share_is_compared_exactly_and_shown_rounded_up():
    # 33 % of 100.05 yuan is 33.0165 yuan: 33.01 falls short, 33.02 is enough.
    setup = budget_ballot(33, budget="100.05", short="33.01", enough="33.02", rest="60")
    method = get("budget")
    assert method.validate(setup, ["enough"]) == ["enough"]
    with pytest.raises(InvalidChoice) as refused:
        method.validate(setup, ["short"])
    assert "at least 33.02 yuan (33% of the budget of 100.05 yuan)" in str(refused.value)


def test_budget_form_reads_the_ticked_projects():
    setup = budget_ballot(a="600", b="400", c="400.01")
    method = get("budget")
    assert method.parse(setup, MultiDict([("choice", "b"), ("choice", "a")])) == ["a", "b"]
    with pytest.raises(InvalidChoice) as refused:
        method.parse(setup, MultiDict())
    assert "at least one" in str(refused.value)


# ----------------------------------------------------------------------------------------------------------------
# Properties of the allocation.

KEYS = ["p1", "p2", "p3", "p4", "p5", "p6"]
MONEY = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def boxes(draw):
    """(budget, projects, ballots): any costs, any budget, any choices."""
    size = draw(st.integers(1, len(KEYS)))
    keys = KEYS[:size]
    listed = [Project(key, draw(MONEY)) for key in keys]
    budget = draw(st.decimals(min_value=0, max_value=3000, places=2, allow_nan=False, allow_infinity=False))
    chosen = draw(st.lists(st.lists(st.sampled_from(keys), unique=True).map(set), max_size=20))
    return budget, listed, chosen


@PROPERTY
@given(box=boxes())
def test_the_funded_projects_never_cost_more_than_the_budget(box):
    budget, listed, chosen = box
    funded = allocate(budget=budget, projects=listed, ballots=chosen)
    assert spent(listed, funded) <= budget
    assert len(set(funded)) == len(funded)
    assert set(funded) <= set().union(*chosen)


@PROPERTY
@given(box=boxes())
def test_nothing_chosen_and_left_unfunded_would_have_fitted_in_the_money_left(box):
    budget, listed, chosen = box
    funded = allocate(budget=budget, projects=listed, ballots=chosen)
    left = budget - spent(listed, funded)
    for project in listed:
        if project.key not in funded and any(project.key in ballot for ballot in chosen):
            assert project.cost > left


@PROPERTY
@given(box=boxes())
def test_projects_are_funded_in_ranking_order(box):
    budget, listed, chosen = box
    funded = allocate(budget=budget, projects=listed, ballots=chosen)
    order = ranking(listed, chosen)
    assert funded == [key for key in order if key in funded]


@PROPERTY
@given(box=boxes(), data=st.data())
def test_the_funded_projects_do_not_depend_on_the_order_ballots_arrived_in(box, data):
    budget, listed, chosen = box
    shuffled = data.draw(st.permutations(chosen))
    assert allocate(budget=budget, projects=listed, ballots=shuffled) == \
        allocate(budget=budget, projects=listed, ballots=chosen)


@PROPERTY
@given(box=boxes(), data=st.data())
def test_one_more_voter_choosing_only_a_funded_project_keeps_it_funded(box, data):
    # It moves up the ranking past a block of projects just ahead of it; what is still ahead of it was funded
    # (or skipped) exactly as before, so at least as much money is left when its turn comes.
    budget, listed, chosen = box
    funded = allocate(budget=budget, projects=listed, ballots=chosen)
    if not funded:
        return
    project = data.draw(st.sampled_from(funded))
    assert project in allocate(budget=budget, projects=listed, ballots=chosen + [{project}])


def test_a_ballot_for_a_funded_project_and_another_can_defund_it():
    # Only the ballot choosing the funded project ALONE is safe (the property above): here the other project
    # chosen with it overtakes it and spends the money, although that ballot stays within the budget.
    listed = projects(p0=6, p1=7, p2=10, p3=5)
    chosen = [{"p0", "p3"}, {"p3", "p2"}, {"p1"}, {"p0", "p1", "p3"}, {"p3", "p2"}, {"p1", "p2"}]
    assert allocate(budget=Decimal(18), projects=listed, ballots=chosen) == ["p3", "p1", "p0"]
    assert allocate(budget=Decimal(18), projects=listed, ballots=chosen + [{"p0", "p2"}]) == ["p3", "p2"]
