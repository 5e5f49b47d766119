"""Shared pieces of the access-control matrix. Each domain adds a module here with

    CASES: list[Case]                           its endpoints × who may use them
    def objects(session, config, world) -> dict  ids its URLs need (built, with the base objects, for its own cases)

tests/test_access_matrix.py collects every module of this package."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from tests.conftest import ROLES

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
STATION = frozenset({"station", "admin"})
REVIEWERS = frozenset({"council", "station", "admin"})
# Reviewers of the other compound: our council has no say there, its own council does.
OTHER_REVIEWERS = frozenset({"other_council", "station", "admin"})
PERSONAL_DETAILS = frozenset({"council", "supervisor", "station", "admin"})
AUDITORS = frozenset({"supervisor", "station", "admin"})


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    url: Callable[[dict], str]
    allowed: frozenset
    variant: str = ""

    @property
    def id(self) -> str:
        return f"{self.endpoint}{'@' + self.variant if self.variant else ''}"
