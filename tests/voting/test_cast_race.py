"""Parallel casts on real threads with their own connections and transactions (SQLite: a file database;
PostgreSQL when DATABASE_URL is set). However the requests interleave, one elector counts once."""
import threading

import pytest
from sqlalchemy import func, select

from neighbourhood.db import DomainError
from neighbourhood.extensions import db
from neighbourhood.voting import services
from neighbourhood.voting.models import ElectorateKind, Participation, Secrecy, Vote
from tests import factories
from tests.conftest import USING_POSTGRES
from tests.voting.helpers import KEYS, opened


@pytest.fixture
def app_overrides(tmp_path):
    return {} if USING_POSTGRES else {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'race.db'}"}


def cast_in_parallel(app, ballot_id: int, casts: list[tuple[int, object]]) -> list:
    """Each (user id, choice) casts in its own thread, app context and session, released together."""
    barrier = threading.Barrier(len(casts))
    outcomes: list = [None] * len(casts)

    def run(index, user_id, choice):
        with app.app_context():
            session = db.session
            from neighbourhood.accounts.models import User
            from neighbourhood.voting.models import Ballot

            ballot, user = session.get(Ballot, ballot_id), session.get(User, user_id)
            barrier.wait(timeout=10)
            try:
                outcomes[index] = services.cast(session, ballot=ballot, user=user, choice=choice, keys=KEYS).receipt
                session.commit()
            except DomainError as refusal:
                session.rollback()
                outcomes[index] = type(refusal).__name__
            except Exception as error:  # reported by the assertion, not swallowed
                session.rollback()
                outcomes[index] = error
            finally:
                session.remove()

    threads = [threading.Thread(target=run, args=(i, uid, choice)) for i, (uid, choice) in enumerate(casts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def stored(session, ballot):
    session.expire_all()
    participations = session.scalar(select(func.count()).select_from(Participation).where(
        Participation.ballot_id == ballot.id, Participation.voided_at.is_(None)))
    votes = session.scalars(select(Vote.choice).where(Vote.ballot_id == ballot.id, Vote.counted.is_(True))).all()
    return participations, sorted(votes)


def test_household_members_voting_at_once_count_once(app, session, world):
    ballot = opened(session, world.compound, world.users["council"], electorate=ElectorateKind.HOUSEHOLDS,
                    secrecy=Secrecy.ANONYMOUS)
    session.commit()
    members = [world.users[name] for name in ("resident", "owner", "council", "supervisor")]
    outcomes = cast_in_parallel(app, ballot.id, [(u.id, "yes") for u in members] * 2)
    receipts = [o for o in outcomes if isinstance(o, str) and "-" in o]
    assert len(receipts) == 1, outcomes
    assert all(o == "AlreadyVoted" for o in outcomes if o not in receipts), outcomes
    assert stored(session, ballot) == (1, ["yes"])


def test_one_voter_double_submitting_a_secret_ballot_keeps_one_vote(app, session, world):
    ballot = opened(session, world.compound, world.users["council"], secrecy=Secrecy.SECRET)
    session.commit()
    owner = world.users["owner"].id
    outcomes = cast_in_parallel(app, ballot.id, [(owner, "yes"), (owner, "no")] * 3)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    participations, votes = stored(session, ballot)
    assert participations == 1 and len(votes) == 1


def test_many_neighbours_voting_at_once_are_all_counted(app, session, world):
    neighbours = [factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{i}")
                  for i in range(8)]
    ballot = opened(session, world.compound, world.users["council"])
    session.commit()
    outcomes = cast_in_parallel(app, ballot.id, [(n.id, "yes" if i % 2 else "no")
                                                 for i, n in enumerate(neighbours)])
    assert all(isinstance(o, str) and "-" in o for o in outcomes), outcomes
    assert stored(session, ballot) == (8, ["no"] * 4 + ["yes"] * 4)
