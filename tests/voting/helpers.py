"""Building ballots for tests through the real services."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from neighbourhood.db import utcnow
from neighbourhood.voting import services
from neighbourhood.voting.integrity import BallotKeys
from neighbourhood.voting.models import ElectorateKind, ResultsVisibility, Secrecy

KEYS = BallotKeys.from_secret("test-secret")


def ballot_input(**overrides) -> services.BallotInput:
    now = utcnow()
    fields = dict(title="是否同意在3栋门口加装路灯", description="由议事会提交居民表决。", method="yes_no",
                  electorate=ElectorateKind.RESIDENTS, secrecy=Secrecy.SECRET,
                  results_visibility=ResultsVisibility.AFTER_CLOSE, opens_at=None,
                  closes_at=now + timedelta(days=5))
    fields.update(overrides)
    return services.BallotInput(**fields)


def draft(session, compound, by, *, options=(), **overrides):
    ballot = services.draft_ballot(session, compound=compound, by=by, data=ballot_input(**overrides))
    for option in options:
        label, cost = option if isinstance(option, tuple) else (option, None)
        services.add_option(session, ballot=ballot, by=by, label=label,
                            cost=Decimal(cost) if cost is not None else None)
    return ballot


def opened(session, compound, by, *, options=(), **overrides):
    ballot = draft(session, compound, by, options=options, **overrides)
    services.open_ballot(session, ballot=ballot, by=by)
    session.flush()
    return ballot
