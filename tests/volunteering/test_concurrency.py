"""Volunteers and coins at the same moment, on real threads with their own connections and transactions (SQLite: a
file database; PostgreSQL when DATABASE_URL is set): a shift never takes more than its capacity, two cancellations
promote two different people once each, and a balance never goes below zero however many spends arrive at once."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from neighbourhood.accounts.models import User
from neighbourhood.db import DomainError
from neighbourhood.extensions import db
from neighbourhood.notifications.models import Notification
from neighbourhood.volunteering import services, timebank
from neighbourhood.volunteering.models import (
    CoinAccount, CoinEntry, Shift, Signup, SignupStatus, TimeBankOffer,
)
from tests import factories
from tests.concurrency import file_database, run_together
from tests.volunteering.helpers import activity, served


@pytest.fixture
def app_overrides(tmp_path):
    return file_database(tmp_path)


def _in_own_session(app, job):
    """Run `job(session)` in a fresh app context and session, commit; the refusal's class name when it refuses."""
    def run():
        with app.app_context():
            session = db.session
            try:
                outcome = job(session)
                session.commit()
                return outcome
            except DomainError as refusal:
                session.rollback()
                return type(refusal).__name__
            finally:
                session.remove()
    return run


def _sign_up(shift_id, user_id):
    def job(session):
        return services.sign_up(session, shift=session.get(Shift, shift_id), user=session.get(User, user_id)).status
    return job


def _cancel(signup_id):
    def job(session):
        signup = session.get(Signup, signup_id)
        promoted = services.cancel_signup(session, signup=signup, by=signup.user)
        return promoted.user_id if promoted else None
    return job


def _spend(offer_id, user_id):
    def job(session):
        timebank.spend(session, offer=session.get(TimeBankOffer, offer_id), by=session.get(User, user_id))
        return "paid"
    return job


def _transfer(sender_id, recipient_id):
    def job(session):
        timebank.transfer(session, sender=session.get(User, sender_id), recipient=session.get(User, recipient_id),
                          amount="1")
        return "sent"
    return job


@pytest.fixture
def volunteers(app, session, world):
    people = [factories.verified_resident(session, app.config, world.compound, display_name=f"志愿者{i}")
              for i in range(12)]
    session.commit()
    return [p.id for p in people]


def _signups(session, shift_id):
    session.expire_all()
    return session.scalars(select(Signup).where(Signup.shift_id == shift_id).order_by(Signup.id)).all()


def test_twelve_volunteers_signing_up_at_once_for_five_places(app, session, world, volunteers):
    shift_id = activity(session, world.compound, world.users["council"], capacity=5).shifts[0].id
    session.commit()

    outcomes = run_together([_in_own_session(app, _sign_up(shift_id, user_id)) for user_id in volunteers])

    assert sorted(outcomes) == [SignupStatus.CONFIRMED] * 5 + [SignupStatus.WAITLISTED] * 7, outcomes
    signups = _signups(session, shift_id)
    assert sorted(s.status for s in signups) == [SignupStatus.CONFIRMED] * 5 + [SignupStatus.WAITLISTED] * 7
    assert session.get(Shift, shift_id).taken == 5


def test_two_cancelling_at_once_promote_the_two_waiting_once_each(app, session, world, volunteers):
    shift = activity(session, world.compound, world.users["council"], capacity=2).shifts[0]
    first, second, *waiting = [services.sign_up(session, shift=shift, user=session.get(User, user_id))
                               for user_id in volunteers[:4]]
    session.commit()
    shift_id, waiting_ids = shift.id, sorted(s.user_id for s in waiting)

    promoted = run_together([_in_own_session(app, _cancel(first.id)), _in_own_session(app, _cancel(second.id))])

    assert sorted(promoted) == waiting_ids, promoted
    by_user = {s.user_id: s.status for s in _signups(session, shift_id)}
    assert [by_user[u] for u in waiting_ids] == [SignupStatus.CONFIRMED] * 2
    assert session.get(Shift, shift_id).taken == 2
    told = session.scalars(select(Notification.user_id).where(Notification.kind == "volunteering.promoted")).all()
    assert sorted(told) == waiting_ids


def _with_three_coins(session, world):
    resident = world.users["resident"]
    served(session, activity(session, world.compound, world.users["council"]).shifts[0], resident,
           world.users["council"], hours=3)
    return resident


def _entries_add_up(session):
    session.expire_all()
    for account in session.scalars(select(CoinAccount)):
        entries = session.scalar(select(func.coalesce(func.sum(CoinEntry.amount), 0))
                                 .where(CoinEntry.user_id == account.user_id))
        assert account.balance >= 0 and account.balance == Decimal(str(entries)), account.user_id


def test_five_spends_at_once_of_a_balance_of_three_pay_three_times(app, session, world):
    resident = _with_three_coins(session, world)
    seller = factories.verified_resident(session, app.config, world.compound, display_name="修车师傅")
    offer = timebank.offer_service(session, compound=world.compound, by=seller, title="修自行车", price="1")
    session.commit()
    offer_id, resident_id, seller_id = offer.id, resident.id, seller.id

    outcomes = run_together([_in_own_session(app, _spend(offer_id, resident_id)) for _ in range(5)])

    assert sorted(outcomes) == ["DomainError"] * 2 + ["paid"] * 3, outcomes
    assert timebank.balance_of(session, session.get(User, resident_id)) == Decimal("0.00")
    assert timebank.balance_of(session, session.get(User, seller_id)) == Decimal("3.00")
    _entries_add_up(session)


def test_five_transfers_at_once_of_a_balance_of_three_send_three(app, session, world):
    resident = _with_three_coins(session, world)
    session.commit()
    resident_id, owner_id = resident.id, world.users["owner"].id

    outcomes = run_together([_in_own_session(app, _transfer(resident_id, owner_id)) for _ in range(5)])

    assert sorted(outcomes) == ["DomainError"] * 2 + ["sent"] * 3, outcomes
    assert timebank.balance_of(session, session.get(User, resident_id)) == Decimal("0.00")
    assert timebank.balance_of(session, session.get(User, owner_id)) == Decimal("3.00")
    _entries_add_up(session)
