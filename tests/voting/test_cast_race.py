"""Parallel casts on real threads with their own connections and transactions (SQLite: a file database;
PostgreSQL when DATABASE_URL is set). However the requests interleave, one elector counts once."""
import threading

import pytest
from sqlalchemy import func, select

from neighbourhood.accounts.models import User
from neighbourhood.db import DomainError
from neighbourhood.extensions import db
from neighbourhood.voting import services
from neighbourhood.voting.models import Ballot, ElectorateKind, Participation, Secrecy, Vote
from tests import factories
from tests.concurrency import file_database, run_together
from tests.voting.helpers import KEYS, opened


@pytest.fixture
def app_overrides(tmp_path):
    return file_database(tmp_path)


@pytest.fixture
def cast_in_parallel(app, monkeypatch):
    """Each (user id, choice) casts in its own thread, app context and session: the receipt, or the name of
    the refusal. Every thread reads "not voted yet" before any of them writes — the worst interleaving, every
    time — so only the database's constraint can keep an elector to one ballot."""
    def run(ballot_id: int, casts: list[tuple[int, object]]) -> list:
        all_read = threading.Barrier(len(casts))
        read = services.standing_of

        def read_then_wait(*args, **kwargs):
            standing = read(*args, **kwargs)
            all_read.wait(timeout=10)
            return standing

        monkeypatch.setattr(services, "standing_of", read_then_wait)
        return run_together([lambda u=user_id, c=choice: _cast(app, ballot_id, u, c) for user_id, choice in casts])
    return run


def _cast(app, ballot_id, user_id, choice):
    with app.app_context():
        session = db.session
        try:
            ballot, user = session.get(Ballot, ballot_id), session.get(User, user_id)
            receipt = services.cast(session, ballot=ballot, user=user, choice=choice, keys=KEYS).receipt
            session.commit()
            return receipt
        except DomainError as refusal:
            session.rollback()
            return type(refusal).__name__
        finally:
            session.remove()


def stored(session, ballot):
    session.expire_all()
    participations = session.scalar(select(func.count()).select_from(Participation).where(
        Participation.ballot_id == ballot.id, Participation.voided_at.is_(None)))
    votes = session.scalars(select(Vote.choice).where(Vote.ballot_id == ballot.id, Vote.counted.is_(True))).all()
    return participations, sorted(votes)


@pytest.mark.parametrize("secrecy", list(Secrecy))
def test_household_members_voting_at_once_count_once(app, session, world, cast_in_parallel, secrecy):
    ballot = opened(session, world.compound, world.users["council"], electorate=ElectorateKind.HOUSEHOLDS,
                    secrecy=secrecy)
    session.commit()
    members = [world.users[name] for name in ("resident", "owner", "council", "supervisor")]
    outcomes = cast_in_parallel(ballot.id, [(u.id, "yes") for u in members] * 2)
    receipts = [o for o in outcomes if isinstance(o, str) and "-" in o]
    assert len(receipts) == 1, outcomes
    assert all(o == "AlreadyVoted" for o in outcomes if o not in receipts), outcomes
    assert stored(session, ballot) == (1, ["yes"])


def test_one_voter_double_submitting_a_secret_ballot_keeps_one_vote(app, session, world, cast_in_parallel):
    ballot = opened(session, world.compound, world.users["council"], secrecy=Secrecy.SECRET)
    session.commit()
    owner = world.users["owner"].id
    outcomes = cast_in_parallel(ballot.id, [(owner, "yes"), (owner, "no")] * 3)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    participations, votes = stored(session, ballot)
    assert participations == 1 and len(votes) == 1


def test_many_neighbours_voting_at_once_are_all_counted(app, session, world, cast_in_parallel):
    neighbours = [factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{i}")
                  for i in range(8)]
    ballot = opened(session, world.compound, world.users["council"])
    session.commit()
    outcomes = cast_in_parallel(ballot.id, [(n.id, "yes" if i % 2 else "no")
                                                 for i, n in enumerate(neighbours)])
    assert all(isinstance(o, str) and "-" in o for o in outcomes), outcomes
    assert stored(session, ballot) == (8, ["no"] * 4 + ["yes"] * 4)
