"""Participatory budgeting: which projects a money cap funds, given each voter's chosen projects.

Projects are ranked by the number of voters who chose them (ties: lower cost first, then earlier submitted)
and funded greedily in that order, skipping any that no longer fits the remaining money, until nothing more
fits. A project nobody chose is never funded, however much money is left."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Project:
    key: str
    cost: Decimal


def _money(value, what: str) -> Decimal:
    if isinstance(value, float) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{what} must be a Decimal or an int, never {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what} must be zero or more, not {value}")
    return value


def votes_per_project(projects, ballots) -> Counter:
    keys = {project.key for project in projects}
    if len(keys) != len(projects):
        raise ValueError("project keys must be unique")
    votes: Counter = Counter({key: 0 for key in keys})
    for ballot in ballots:
        unknown = set(ballot) - keys
        if unknown:
            raise ValueError(f"a ballot chose projects that are not on it: {sorted(unknown)}")
        votes.update(set(ballot))
    return votes


def ranking(projects, ballots) -> list[str]:
    """Every project key, most chosen first, with the fixed tie rules."""
    projects = list(projects)
    votes = votes_per_project(projects, ballots)
    order = sorted(
        range(len(projects)),
        key=lambda i: (-votes[projects[i].key], _money(projects[i].cost, "a project's cost"), i),
    )
    return [projects[i].key for i in order]


def allocate(*, budget: Decimal, projects, ballots) -> list[str]:
    """The funded projects' keys in the order they were funded. `projects` are in order of submission."""
    remaining = _money(budget, "the budget")
    projects = list(projects)
    ballots = list(ballots)
    votes = votes_per_project(projects, ballots)
    cost = {project.key: _money(project.cost, "a project's cost") for project in projects}
    funded = []
    for key in ranking(projects, ballots):
        if votes[key] == 0:
            break
        if cost[key] <= remaining:
            funded.append(key)
            remaining -= cost[key]
    return funded


def spent(projects, keys) -> Decimal:
    cost = {project.key: project.cost for project in projects}
    return sum((cost[key] for key in keys), Decimal(0))
