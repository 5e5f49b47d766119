"""The day-before reminder: each confirmed volunteer is told once, within 24 hours of their shift, and never for a
cancelled activity or from the waitlist."""
from datetime import timedelta

from sqlalchemy import select

from neighbourhood.notifications.models import Notification
from neighbourhood.volunteering import services
from tests import factories
from tests.volunteering.helpers import activity


def _reminded(session):
    return sorted((n.user_id, n.url) for n in session.scalars(
        select(Notification).where(Notification.kind == "volunteering.reminder")))


def test_confirmed_volunteers_are_reminded_once_the_day_before(app, session, world):
    council = world.users["council"]
    shift = activity(session, world.compound, council, capacity=1).shifts[0]
    confirmed = services.sign_up(session, shift=shift, user=world.users["resident"])
    services.sign_up(session, shift=shift, user=world.users["owner"])          # waiting: no reminder
    leaving = factories.verified_resident(session, app.config, world.compound)
    gone = services.sign_up(session, shift=shift, user=leaving)
    services.cancel_signup(session, signup=gone, by=leaving)
    url = f"/volunteering/{shift.activity_id}"

    assert services.process_due(session, now=shift.starts_at - timedelta(hours=25)) == 0
    assert services.process_due(session, now=shift.starts_at - timedelta(hours=24)) == 1
    assert _reminded(session) == [(world.users["resident"].id, url)]
    assert confirmed.reminded_at == shift.starts_at - timedelta(hours=24)
    [reminder] = session.scalars(select(Notification).where(Notification.kind == "volunteering.reminder"))
    assert reminder.params["title"] == shift.activity.title and reminder.params["place"] == "3栋楼下"

    assert services.process_due(session, now=shift.starts_at - timedelta(hours=2)) == 0
    assert len(_reminded(session)) == 1


def test_a_volunteer_promoted_late_is_still_reminded(session, world):
    shift = activity(session, world.compound, world.users["council"], capacity=1).shifts[0]
    first = services.sign_up(session, shift=shift, user=world.users["resident"])
    services.sign_up(session, shift=shift, user=world.users["owner"])
    services.process_due(session, now=shift.starts_at - timedelta(hours=20))
    services.cancel_signup(session, signup=first, by=world.users["council"], now=shift.starts_at - timedelta(hours=6))
    assert services.process_due(session, now=shift.starts_at - timedelta(hours=5)) == 1
    assert [u for u, _url in _reminded(session)] == sorted([world.users["resident"].id, world.users["owner"].id])


def test_no_reminder_for_a_started_shift_or_a_cancelled_activity(session, world):
    council = world.users["council"]
    started = activity(session, world.compound, council).shifts[0]
    services.sign_up(session, shift=started, user=world.users["resident"])
    called_off = activity(session, world.compound, council, title="中心花园除草", days_ahead=6).shifts[0]
    services.sign_up(session, shift=called_off, user=world.users["owner"])
    services.cancel_activity(session, activity=called_off.activity, by=council, reason="下雨改期")

    assert services.process_due(session, now=started.starts_at) == 0
    assert services.process_due(session, now=called_off.starts_at - timedelta(hours=3)) == 0
    assert _reminded(session) == []
