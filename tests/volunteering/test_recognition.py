"""Recognition and the station's figures: the monthly good-neighbour list (confirmed hours, opted-in volunteers
only, most hours first) and hours per compound per month, where a month is Chengdu's calendar month."""
from datetime import date, datetime, timedelta
from decimal import Decimal

from neighbourhood.volunteering import recognition, services
from neighbourhood.volunteering.models import ActivityCategory, OrganiserKind
from neighbourhood.volunteering.services import ShiftPlan
from tests import factories


def _served(session, compound, organiser, volunteer, starts: datetime, hours: float, *, confirm=True):
    """`volunteer` served `hours` on an activity starting at `starts` (naive UTC), entered afterwards."""
    ends = starts + timedelta(hours=hours)
    made = services.create_activity(
        session, compound=compound, by=organiser, title="垃圾分类宣传", place="小区大门", organiser_name="议事会",
        category=ActivityCategory.ENVIRONMENT, organiser_kind=OrganiserKind.COUNCIL, starts_at=starts, ends_at=ends,
        shifts=[ShiftPlan(starts, ends, 5)])
    signup = services.sign_up(session, shift=made.shifts[0], user=volunteer, now=starts - timedelta(days=1))
    services.check_in(session, signup=signup, by=organiser, at=starts)
    services.check_out(session, signup=signup, by=organiser, at=ends)
    if confirm:
        services.confirm_hours(session, signup=signup, by=organiser, now=ends)
    session.flush()
    return signup


def _opt_in(session, user, on=True):
    profile = services.ensure_profile(session, user)
    profile.on_honour_list = on
    session.flush()


def _listed(session, compound, year, month, **kwargs):
    return [(h.user.id, h.hours) for h in recognition.honour_list(session, compound.id, year, month, **kwargs)]


NOVEMBER = datetime(2026, 11, 10, 1, 0)


def test_the_honour_list_shows_opted_in_volunteers_by_confirmed_hours(app, session, world):
    council, compound = world.users["council"], world.compound
    resident, owner, supervisor = (world.users[n] for n in ("resident", "owner", "supervisor"))
    quiet = factories.verified_resident(session, app.config, compound, display_name="低调的邻居")
    _served(session, compound, council, resident, NOVEMBER, 3)
    _served(session, compound, council, owner, NOVEMBER, 2)
    _served(session, compound, council, owner, NOVEMBER + timedelta(days=3), 3)
    _served(session, compound, council, quiet, NOVEMBER, 8)                        # did not opt in
    _served(session, compound, council, supervisor, NOVEMBER, 9, confirm=False)    # not confirmed yet
    for person in (resident, owner, supervisor):
        _opt_in(session, person)
    _opt_in(session, quiet, on=False)

    assert _listed(session, compound, 2026, 11) == [(owner.id, Decimal("5")), (resident.id, Decimal("3"))]
    assert _listed(session, compound, 2026, 11, limit=1) == [(owner.id, Decimal("5"))]
    assert _listed(session, world.other_compound, 2026, 11) == []
    assert _listed(session, compound, 2026, 10) == []


def test_adjusted_hours_count_on_the_list(session, world):
    council, resident = world.users["council"], world.users["resident"]
    signup = _served(session, world.compound, council, resident, NOVEMBER, 2)
    services.adjust_hours(session, signup=signup, by=council, hours="4", reason="多干了两个小时")
    _opt_in(session, resident)
    assert _listed(session, world.compound, 2026, 11) == [(resident.id, Decimal("4"))]


def test_a_month_is_chengdus_calendar_month(session, world):
    council, compound = world.users["council"], world.compound
    resident, owner = world.users["resident"], world.users["owner"]
    _served(session, compound, council, resident, datetime(2026, 10, 31, 17, 0), 1)   # 1 November, 01:00 local
    _served(session, compound, council, owner, datetime(2026, 10, 31, 15, 0), 0.5)    # 31 October, 23:00 local
    _opt_in(session, resident)
    _opt_in(session, owner)

    assert _listed(session, compound, 2026, 11) == [(resident.id, Decimal("1"))]
    assert _listed(session, compound, 2026, 10) == [(owner.id, Decimal("0.5"))]
    assert recognition.month_bounds(2026, 11) == (datetime(2026, 10, 31, 16, 0), datetime(2026, 11, 30, 16, 0))
    assert recognition.month_bounds(2026, 12) == (datetime(2026, 11, 30, 16, 0), datetime(2026, 12, 31, 16, 0))


def test_hours_per_compound_and_month_for_the_station(session, world):
    council, other_council = world.users["council"], world.users["other_council"]
    resident, owner = world.users["resident"], world.users["owner"]
    _served(session, world.compound, council, resident, datetime(2026, 10, 31, 17, 0), 2)   # November
    _served(session, world.compound, council, owner, datetime(2026, 11, 20, 2, 0), 1.5)     # November
    _served(session, world.compound, council, owner, datetime(2026, 9, 5, 2, 0), 3)         # September
    _served(session, world.other_compound, other_council, other_council, datetime(2026, 11, 2, 2, 0), 4)
    _served(session, world.compound, council, resident, datetime(2026, 11, 21, 2, 0), 6, confirm=False)
    _served(session, world.compound, council, resident, datetime(2025, 11, 21, 2, 0), 1)    # before the window

    months = recognition.last_months(date(2026, 11, 29), count=3)
    assert months == [(2026, 9), (2026, 10), (2026, 11)]
    assert recognition.hours_by_compound_month(session, world.community.id, months) == {
        (world.compound.id, (2026, 9)): Decimal("3"),
        (world.compound.id, (2026, 11)): Decimal("3.5"),
        (world.other_compound.id, (2026, 11)): Decimal("4"),
    }
    assert recognition.hours_by_compound_month(session, world.community.id + 1, months) == {}
    assert recognition.hours_by_compound_month(session, world.community.id, []) == {}


def test_the_last_months_run_across_new_year():
    assert recognition.last_months(date(2026, 2, 3), count=4) == [(2025, 11), (2025, 12), (2026, 1), (2026, 2)]
    assert len(recognition.last_months(date(2026, 2, 3))) == 12
