"""Signing up for a shift: its capacity, the waitlist and who is promoted when someone cancels, the cutoff, the
organiser taking someone off, and the refusals a volunteer meets (cancelled activity, risky work, a started shift)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from neighbourhood.db import DomainError, utcnow
from neighbourhood.notifications.models import Notification
from neighbourhood.volunteering import services
from neighbourhood.volunteering.models import ActivityCategory, OrganiserKind, Signup, SignupStatus, VolunteerProfile
from tests import factories
from tests.volunteering.helpers import activity


pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def organiser(world):
    return world.users["council"]


@pytest.fixture
def neighbours(app, session, world):
    return [factories.verified_resident(session, app.config, world.compound, display_name=f"邻居{i}")
            for i in range(5)]


def _shift(session, world, organiser, **kwargs):
    return activity(session, world.compound, organiser, **kwargs).shifts[0]


def _notified(session, user, kind):
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind))


def _statuses(session, shift):
    session.expire_all()
    return [(s.user_id, s.status) for s in session.scalars(
        select(Signup).where(Signup.shift_id == shift.id).order_by(Signup.id))]


def test_a_shift_confirms_up_to_its_capacity_and_waitlists_the_rest(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser, capacity=2)
    signups = [services.sign_up(session, shift=shift, user=n) for n in neighbours[:4]]
    assert [s.status for s in signups] == [SignupStatus.CONFIRMED] * 2 + [SignupStatus.WAITLISTED] * 2
    session.refresh(shift)
    assert (shift.taken, shift.free) == (2, 0)


def test_signing_up_gives_the_volunteer_a_profile_and_a_volunteer_number(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser)
    services.sign_up(session, shift=shift, user=neighbours[0])
    profile = session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == neighbours[0].id))
    assert profile.number == f"LL{profile.created_at.year}{profile.id:06d}"
    assert services.ensure_profile(session, neighbours[0]).id == profile.id


def test_signing_up_twice_is_refused(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser)
    services.sign_up(session, shift=shift, user=neighbours[0])
    with pytest.raises(DomainError, match="signed up for this shift already"):
        services.sign_up(session, shift=shift, user=neighbours[0])
    session.refresh(shift)
    assert shift.taken == 1


def test_a_cancellation_promotes_whoever_has_waited_longest(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser, capacity=1)
    early = shift.starts_at - timedelta(days=2)
    first = services.sign_up(session, shift=shift, user=neighbours[0], now=early)
    # The later row waited longer: order is by when they signed up, not by row.
    later_row = services.sign_up(session, shift=shift, user=neighbours[1], now=early + timedelta(hours=3))
    earlier_wait = services.sign_up(session, shift=shift, user=neighbours[2], now=early + timedelta(hours=1))
    assert later_row.id < earlier_wait.id

    promoted = services.cancel_signup(session, signup=first, by=neighbours[0], now=early + timedelta(hours=4))

    assert promoted.id == earlier_wait.id and promoted.status is SignupStatus.CONFIRMED
    assert _notified(session, neighbours[2], "volunteering.promoted") == 1
    assert _notified(session, neighbours[1], "volunteering.promoted") == 0
    assert _statuses(session, shift) == [(neighbours[0].id, SignupStatus.CANCELLED),
                                         (neighbours[1].id, SignupStatus.WAITLISTED),
                                         (neighbours[2].id, SignupStatus.CONFIRMED)]
    assert shift.taken == 1


def test_a_cancellation_with_nobody_waiting_frees_the_place(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser, capacity=2)
    signup = services.sign_up(session, shift=shift, user=neighbours[0])
    assert services.cancel_signup(session, signup=signup, by=neighbours[0]) is None
    session.refresh(shift)
    assert shift.taken == 0 and signup.status is SignupStatus.CANCELLED and signup.cancelled_at is not None


def test_leaving_the_waitlist_neither_frees_a_place_nor_promotes(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser, capacity=1)
    services.sign_up(session, shift=shift, user=neighbours[0])
    waiting = services.sign_up(session, shift=shift, user=neighbours[1])
    services.sign_up(session, shift=shift, user=neighbours[2])
    assert services.cancel_signup(session, signup=waiting, by=neighbours[1]) is None
    assert [s for _u, s in _statuses(session, shift)] == \
        [SignupStatus.CONFIRMED, SignupStatus.CANCELLED, SignupStatus.WAITLISTED]
    assert shift.taken == 1
    assert session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.kind == "volunteering.promoted")) == 0


def test_cancelling_twice_is_refused(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser)
    signup = services.sign_up(session, shift=shift, user=neighbours[0])
    services.cancel_signup(session, signup=signup, by=neighbours[0])
    with pytest.raises(DomainError, match="cancelled already"):
        services.cancel_signup(session, signup=signup, by=neighbours[0])
    session.refresh(shift)
    assert shift.taken == 0


def test_signing_up_again_after_cancelling_reuses_the_row_at_the_back_of_the_queue(session, world, organiser,
                                                                                  neighbours):
    shift = _shift(session, world, organiser, capacity=1)
    mine = services.sign_up(session, shift=shift, user=neighbours[0])
    services.sign_up(session, shift=shift, user=neighbours[1])     # waiting, is promoted when I cancel
    services.cancel_signup(session, signup=mine, by=neighbours[0])
    again = services.sign_up(session, shift=shift, user=neighbours[0])
    assert again.id == mine.id and again.status is SignupStatus.WAITLISTED and again.cancelled_at is None
    assert session.scalar(select(func.count()).select_from(Signup).where(Signup.shift_id == shift.id)) == 2


def test_signing_up_again_takes_a_free_place(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser, capacity=1)
    mine = services.sign_up(session, shift=shift, user=neighbours[0])
    services.cancel_signup(session, signup=mine, by=neighbours[0])
    again = services.sign_up(session, shift=shift, user=neighbours[0])
    assert again.id == mine.id and again.status is SignupStatus.CONFIRMED
    session.refresh(shift)
    assert shift.taken == 1


def test_the_volunteer_cannot_cancel_after_the_cutoff_but_the_organiser_can(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser, capacity=1, cancel_cutoff_hours=12)
    volunteer = services.sign_up(session, shift=shift, user=neighbours[0])
    waiting = services.sign_up(session, shift=shift, user=neighbours[1])
    too_late = shift.starts_at - timedelta(hours=11)

    with pytest.raises(DomainError, match="too late to cancel"):
        services.cancel_signup(session, signup=volunteer, by=neighbours[0], now=too_late)
    assert volunteer.status is SignupStatus.CONFIRMED

    promoted = services.cancel_signup(session, signup=volunteer, by=organiser, now=too_late)
    assert promoted.id == waiting.id
    assert volunteer.status is SignupStatus.CANCELLED
    assert _notified(session, neighbours[0], "volunteering.removed") == 1
    assert _notified(session, neighbours[1], "volunteering.promoted") == 1


def test_the_volunteer_may_cancel_exactly_at_the_cutoff(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser, cancel_cutoff_hours=12)
    signup = services.sign_up(session, shift=shift, user=neighbours[0])
    services.cancel_signup(session, signup=signup, by=neighbours[0], now=shift.starts_at - timedelta(hours=12))
    assert signup.status is SignupStatus.CANCELLED
    assert _notified(session, neighbours[0], "volunteering.removed") == 0


def test_a_waiting_volunteer_may_leave_the_waitlist_after_the_cutoff(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser, capacity=1)
    services.sign_up(session, shift=shift, user=neighbours[0])
    waiting = services.sign_up(session, shift=shift, user=neighbours[1])
    services.cancel_signup(session, signup=waiting, by=neighbours[1], now=shift.starts_at - timedelta(hours=1))
    assert waiting.status is SignupStatus.CANCELLED


def test_a_volunteer_who_checked_in_cannot_be_cancelled(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser)
    signup = services.sign_up(session, shift=shift, user=neighbours[0], now=shift.starts_at - timedelta(days=1))
    services.check_in(session, signup=signup, by=organiser, at=shift.starts_at)
    for by in (neighbours[0], organiser):
        with pytest.raises(DomainError, match="checked in"):
            services.cancel_signup(session, signup=signup, by=by, now=shift.starts_at - timedelta(days=1))
    assert signup.status is SignupStatus.CONFIRMED


def test_a_cancelled_activity_tells_everyone_and_refuses_sign_ups(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser, capacity=1)
    services.sign_up(session, shift=shift, user=neighbours[0])
    services.sign_up(session, shift=shift, user=neighbours[1])
    with pytest.raises(DomainError, match="Say why"):
        services.cancel_activity(session, activity=shift.activity, by=organiser, reason="  ")
    services.cancel_activity(session, activity=shift.activity, by=organiser, reason="暴雨预警，改期另行通知")

    assert {s for _u, s in _statuses(session, shift)} == {SignupStatus.CANCELLED}
    assert shift.taken == 0
    assert [_notified(session, n, "volunteering.cancelled") for n in neighbours[:3]] == [1, 1, 0]
    with pytest.raises(DomainError, match="cancelled"):
        services.sign_up(session, shift=shift, user=neighbours[2])
    with pytest.raises(DomainError, match="cancelled"):
        services.cancel_activity(session, activity=shift.activity, by=organiser, reason="再次取消")


def test_risky_work_needs_the_volunteer_to_accept_the_risk(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser, insurance_required=True)
    with pytest.raises(DomainError, match="risk"):
        services.sign_up(session, shift=shift, user=neighbours[0])
    assert _statuses(session, shift) == []
    signup = services.sign_up(session, shift=shift, user=neighbours[0], accepted_risk=True)
    assert signup.status is SignupStatus.CONFIRMED


def test_risky_work_needs_a_risk_note(session, world, organiser):
    with pytest.raises(DomainError, match="Describe the risk"):
        services.create_activity(
            session, compound=world.compound, by=organiser, title="修剪高处树枝", place="中心花园",
            category=ActivityCategory.ENVIRONMENT, organiser_kind=OrganiserKind.COUNCIL, organiser_name="议事会",
            starts_at=utcnow() + timedelta(days=1), ends_at=utcnow() + timedelta(days=1, hours=2),
            shifts=[], insurance_required=True)


def test_a_shift_that_has_started_refuses_sign_ups(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser)
    with pytest.raises(DomainError, match="started"):
        services.sign_up(session, shift=shift, user=neighbours[0], now=shift.starts_at)
    assert _statuses(session, shift) == []


def test_shifts_must_fit_the_activity_and_take_a_sensible_number(session, world, organiser):
    made = activity(session, world.compound, organiser)
    start, end = made.starts_at, made.ends_at
    for plan, message in [(services.ShiftPlan(start, start, 2), "end after it starts"),
                          (services.ShiftPlan(start - timedelta(hours=1), end, 2), "within the activity"),
                          (services.ShiftPlan(start, end, 0), "from 1 to 500"),
                          (services.ShiftPlan(start, end, 501), "from 1 to 500")]:
        with pytest.raises(DomainError, match=message):
            services.add_shift(session, activity=made, by=organiser, plan=plan)
    added = services.add_shift(session, activity=made, by=organiser, plan=services.ShiftPlan(start, end, 3, "全天"))
    session.flush()
    session.refresh(made)
    assert [s.capacity for s in made.shifts] == [2, 3] and added.taken == 0


def test_cancelling_an_activity_keeps_the_service_already_on_record(session, world, organiser, neighbours):
    """Calling off the rest of an activity must not wipe out the hours of those who already served (their coins
    stay credited, so the record and the time bank would disagree). Either refusing, or cancelling only those
    who have not checked in, keeps the record."""
    shift = _shift(session, world, organiser, capacity=3)
    served = services.sign_up(session, shift=shift, user=neighbours[0], now=shift.starts_at - timedelta(days=1))
    services.check_in(session, signup=served, by=organiser, at=shift.starts_at)
    services.check_out(session, signup=served, by=organiser, at=shift.starts_at + timedelta(hours=1))
    services.confirm_hours(session, signup=served, by=organiser)
    try:
        services.cancel_activity(session, activity=shift.activity, by=organiser, reason="下半场下暴雨，提前结束")
    except DomainError:
        pass
    session.flush()
    session.expire_all()
    assert served.status is SignupStatus.CONFIRMED and served.credited_hours == 1


def test_the_organiser_taking_someone_off_the_waitlist_tells_them(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser, capacity=1)
    services.sign_up(session, shift=shift, user=neighbours[0])
    waiting = services.sign_up(session, shift=shift, user=neighbours[1])
    services.cancel_signup(session, signup=waiting, by=organiser)
    assert _notified(session, neighbours[1], "volunteering.removed") == 1
    session.refresh(shift)
    assert shift.taken == 1


def test_signing_up_again_brings_the_day_before_reminder_back(session, world, organiser, neighbours):
    shift = _shift(session, world, organiser, days_ahead=1)
    signup = services.sign_up(session, shift=shift, user=neighbours[0])
    assert services.process_due(session, now=shift.starts_at - timedelta(hours=20)) == 1
    services.cancel_signup(session, signup=signup, by=neighbours[0], now=shift.starts_at - timedelta(hours=19))
    services.sign_up(session, shift=shift, user=neighbours[0], now=shift.starts_at - timedelta(hours=18))
    assert services.process_due(session, now=shift.starts_at - timedelta(hours=17)) == 1
    assert _notified(session, neighbours[0], "volunteering.reminder") == 2
