"""Hours of service: computed from check-in and check-out, adjusted by an organiser with a reason that the audit
log keeps, confirmed into time coins (an adjustment afterwards credits or takes back the difference, never more
than the volunteer still holds), and the organiser's evaluation."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from neighbourhood.audit.models import AuditEntry
from neighbourhood.audit.services import verify_chain
from neighbourhood.db import DomainError
from neighbourhood.notifications.models import Notification
from neighbourhood.volunteering import services, timebank
from neighbourhood.volunteering.models import CoinEntry, CoinMovement, Evaluation, Signup
from tests import factories
from tests.volunteering.helpers import activity, served


pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def organiser(world):
    return world.users["council"]


@pytest.fixture
def volunteer(world):
    return world.users["resident"]


@pytest.fixture
def shift(session, world, organiser):
    return activity(session, world.compound, organiser, capacity=3).shifts[0]


def _signed_up(session, shift, user):
    return services.sign_up(session, shift=shift, user=user, now=shift.starts_at - timedelta(days=1))


def _movements(session, user):
    return [(e.movement, e.amount) for e in session.scalars(
        select(CoinEntry).where(CoinEntry.user_id == user.id).order_by(CoinEntry.id))]


def _audited(session, action):
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)).all()


def test_hours_come_from_check_in_and_check_out(session, shift, organiser, volunteer):
    signup = _signed_up(session, shift, volunteer)
    services.check_in(session, signup=signup, by=organiser, at=shift.starts_at + timedelta(minutes=5))
    services.check_out(session, signup=signup, by=organiser, at=shift.starts_at + timedelta(hours=1, minutes=34))
    session.flush()
    session.expire_all()
    assert signup.hours == Decimal("1.5") and signup.credited_hours == Decimal("1.5")
    assert signup.checked_in_by_id == organiser.id
    [checked_out] = _audited(session, "volunteering.checked_out")
    assert checked_out.data["hours"] == "1.5"


def test_check_in_and_out_happen_once_and_in_order(session, world, shift, organiser, volunteer):
    signup = _signed_up(session, shift, volunteer)
    with pytest.raises(DomainError, match="Check in first"):
        services.check_out(session, signup=signup, by=organiser, at=shift.starts_at)
    services.check_in(session, signup=signup, by=organiser, at=shift.starts_at)
    with pytest.raises(DomainError, match="Checked in already"):
        services.check_in(session, signup=signup, by=organiser, at=shift.starts_at)
    with pytest.raises(DomainError, match="cannot come before check-in"):
        services.check_out(session, signup=signup, by=organiser, at=shift.starts_at - timedelta(minutes=1))
    services.check_out(session, signup=signup, by=organiser, at=shift.starts_at + timedelta(hours=2))
    with pytest.raises(DomainError, match="Checked out already"):
        services.check_out(session, signup=signup, by=organiser, at=shift.starts_at + timedelta(hours=3))
    assert signup.hours == Decimal("2.0")


def test_only_confirmed_volunteers_check_in(session, world, organiser, volunteer):
    full = activity(session, world.compound, organiser, capacity=1).shifts[0]
    _signed_up(session, full, world.users["owner"])
    waiting = _signed_up(session, full, volunteer)
    with pytest.raises(DomainError, match="confirmed place"):
        services.check_in(session, signup=waiting, by=organiser, at=full.starts_at)
    with pytest.raises(DomainError, match="no confirmed place"):
        services.scan(session, shift=full, user=volunteer, now=full.starts_at)
    with pytest.raises(DomainError, match="no confirmed place"):
        services.scan(session, shift=full, user=world.users["supervisor"], now=full.starts_at)


def test_scanning_the_shift_code_checks_in_then_out_then_refuses(session, shift, volunteer):
    _signed_up(session, shift, volunteer)
    step, signup = services.scan(session, shift=shift, user=volunteer, now=shift.starts_at)
    assert step == "in" and signup.checked_in_by_id == volunteer.id
    step, signup = services.scan(session, shift=shift, user=volunteer, now=shift.starts_at + timedelta(hours=2))
    assert step == "out" and signup.hours == Decimal("2.0")
    with pytest.raises(DomainError, match="checked in and out"):
        services.scan(session, shift=shift, user=volunteer, now=shift.starts_at + timedelta(hours=3))


def test_an_adjustment_needs_a_reason_and_is_audited_with_the_old_and_new_hours(session, shift, organiser,
                                                                              volunteer):
    signup = _signed_up(session, shift, volunteer)
    services.check_in(session, signup=signup, by=organiser, at=shift.starts_at)
    services.check_out(session, signup=signup, by=organiser, at=shift.starts_at + timedelta(hours=2))
    for reason in ("", "   ", "长" * 501):
        with pytest.raises(DomainError, match="Say why the hours change"):
            services.adjust_hours(session, signup=signup, by=organiser, hours="3", reason=reason)
    assert signup.adjusted_hours is None and not _audited(session, "volunteering.hours_adjusted")

    services.adjust_hours(session, signup=signup, by=organiser, hours="2.5", reason=" 雨中多等了半小时 ")
    session.flush()
    assert (signup.credited_hours, signup.hours) == (Decimal("2.5"), Decimal("2.0"))
    assert signup.adjustment_reason == "雨中多等了半小时" and signup.adjusted_by_id == organiser.id
    [entry] = _audited(session, "volunteering.hours_adjusted")
    assert entry.actor_id == organiser.id
    assert (Decimal(entry.data["from"]), Decimal(entry.data["to"]), entry.data["reason"]) == \
        (Decimal("2"), Decimal("2.5"), "雨中多等了半小时")
    assert entry.data["volunteer"] == volunteer.id


@pytest.mark.parametrize("hours", ["abc", "-1", "24.1", "NaN", "Infinity", "1e999", ""])
def test_adjusted_hours_must_be_a_number_from_0_to_24(session, shift, organiser, volunteer, hours):
    signup = _signed_up(session, shift, volunteer)
    services.check_in(session, signup=signup, by=organiser, at=shift.starts_at)
    with pytest.raises(DomainError, match="Hours for one shift|as a number"):
        services.adjust_hours(session, signup=signup, by=organiser, hours=hours, reason="忘了签退")
    assert signup.adjusted_hours is None


def test_a_forgotten_check_out_is_settled_by_entering_the_hours(session, shift, organiser, volunteer):
    signup = _signed_up(session, shift, volunteer)
    services.check_in(session, signup=signup, by=organiser, at=shift.starts_at)
    with pytest.raises(DomainError, match="no hours yet"):
        services.confirm_hours(session, signup=signup, by=organiser)
    services.adjust_hours(session, signup=signup, by=organiser, hours="2", reason="忘记签退，按排班计")
    [entry] = _audited(session, "volunteering.hours_adjusted")
    assert entry.data["from"] is None
    services.confirm_hours(session, signup=signup, by=organiser)
    assert timebank.balance_of(session, volunteer) == Decimal("2.00")


def test_confirming_credits_one_coin_per_hour_and_tells_the_volunteer(session, shift, organiser, volunteer):
    signup = served(session, shift, volunteer, organiser, hours=2)
    assert signup.confirmed_at is not None and signup.confirmed_by_id == organiser.id
    assert timebank.balance_of(session, volunteer) == Decimal("2.00")
    assert _movements(session, volunteer) == [(CoinMovement.EARNED, Decimal("2.00"))]
    assert signup.coins_credited == Decimal("2.00")
    assert session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == volunteer.id, Notification.kind == "volunteering.hours")) == 1
    with pytest.raises(DomainError, match="confirmed already"):
        services.confirm_hours(session, signup=signup, by=organiser)
    assert timebank.balance_of(session, volunteer) == Decimal("2.00")


def test_an_adjustment_after_confirmation_credits_or_takes_back_the_difference(session, shift, organiser,
                                                                             volunteer):
    signup = served(session, shift, volunteer, organiser, hours=2)
    services.adjust_hours(session, signup=signup, by=organiser, hours="3.5", reason="搬运物资延长了一个半小时")
    assert timebank.balance_of(session, volunteer) == Decimal("3.50")
    services.adjust_hours(session, signup=signup, by=organiser, hours="1", reason="核对签到表，实际一小时")
    assert timebank.balance_of(session, volunteer) == Decimal("1.00")
    services.adjust_hours(session, signup=signup, by=organiser, hours="1", reason="复核无误")
    assert _movements(session, volunteer) == [(CoinMovement.EARNED, Decimal("2.00")),
                                              (CoinMovement.CORRECTED, Decimal("1.50")),
                                              (CoinMovement.CORRECTED, Decimal("-2.50"))]
    assert signup.coins_credited == Decimal("1.00")
    assert verify_chain(session).ok


def test_hours_cannot_be_lowered_below_the_coins_already_spent(app, session, world, shift, organiser, volunteer):
    signup = served(session, shift, volunteer, organiser, hours=2)
    neighbour = factories.verified_resident(session, app.config, world.compound, display_name="修车的邻居")
    offer = timebank.offer_service(session, compound=world.compound, by=neighbour, title="修自行车", price="1.5")
    timebank.spend(session, offer=offer, by=volunteer)
    session.commit()

    with pytest.raises(DomainError, match="already spent"):
        services.adjust_hours(session, signup=signup, by=organiser, hours="1", reason="核对后改为一小时")
    session.rollback()   # as every view does when a service refuses

    signup = session.get(Signup, signup.id)
    assert (signup.credited_hours, signup.coins_credited) == (Decimal("2.00"), Decimal("2.00"))
    assert timebank.balance_of(session, volunteer) == Decimal("0.50")
    assert not _audited(session, "volunteering.hours_adjusted")
    # Lowering by no more than what is left works.
    services.adjust_hours(session, signup=signup, by=organiser, hours="1.5", reason="核对后改为一个半小时")
    assert timebank.balance_of(session, volunteer) == Decimal("0.00")


def test_the_organiser_evaluates_a_volunteer_after_they_served(session, shift, organiser, volunteer):
    signup = _signed_up(session, shift, volunteer)
    with pytest.raises(DomainError, match="after they have served"):
        services.evaluate(session, signup=signup, by=organiser, evaluation=Evaluation.GOOD)
    services.check_in(session, signup=signup, by=organiser, at=shift.starts_at)
    with pytest.raises(DomainError, match="500 characters"):
        services.evaluate(session, signup=signup, by=organiser, evaluation=Evaluation.GOOD, note="好" * 501)
    services.evaluate(session, signup=signup, by=organiser, evaluation="excellent", note=" 主动带新人，细致耐心 ")
    assert (signup.evaluation, signup.evaluation_note) == (Evaluation.EXCELLENT, "主动带新人，细致耐心")
    [entry] = _audited(session, "volunteering.evaluated")
    assert entry.data == {"activity": shift.activity_id, "volunteer": volunteer.id, "evaluation": "excellent"}
