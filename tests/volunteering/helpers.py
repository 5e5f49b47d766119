"""Building volunteering for tests through the real services: an activity with shifts in our compound, and a
volunteer whose hours are confirmed (so they hold time coins)."""
from __future__ import annotations

import html
from datetime import timedelta

from neighbourhood.db import utcnow
from neighbourhood.volunteering import services
from neighbourhood.volunteering.models import ActivityCategory, OrganiserKind
from neighbourhood.volunteering.services import ShiftPlan


def activity(session, compound, organiser, *, title="周末楼道清洁", capacity=2, shifts=1, days_ahead=3,
             insurance_required=False, cancel_cutoff_hours=12):
    """An activity `days_ahead` days from now with `shifts` two-hour shifts of `capacity` places each."""
    start = (utcnow() + timedelta(days=days_ahead)).replace(minute=0, second=0, microsecond=0)
    plans = [ShiftPlan(start + timedelta(hours=2 * i), start + timedelta(hours=2 * i + 2), capacity,
                       f"第{i + 1}班") for i in range(shifts)]
    return services.create_activity(
        session, compound=compound, by=organiser, title=title, place="3栋楼下", category=ActivityCategory.ENVIRONMENT,
        organiser_kind=OrganiserKind.COUNCIL, organiser_name=f"{compound.name}议事会", starts_at=start,
        ends_at=start + timedelta(hours=2 * shifts), shifts=plans, description="清理楼道杂物，擦洗扶手。",
        requirements="自备手套", risk_note="高处作业需系安全带" if insurance_required else "",
        insurance_required=insurance_required, cancel_cutoff_hours=cancel_cutoff_hours)


def served(session, shift, volunteer, organiser, *, hours=2):
    """`volunteer` signed up, checked in and out `hours` after, and the organiser confirmed: coins credited."""
    signup = services.sign_up(session, shift=shift, user=volunteer, accepted_risk=True,
                              now=shift.starts_at - timedelta(days=1))
    services.check_in(session, signup=signup, by=organiser, at=shift.starts_at)
    services.check_out(session, signup=signup, by=organiser, at=shift.starts_at + timedelta(hours=hours))
    services.confirm_hours(session, signup=signup, by=organiser)
    session.flush()
    return signup


def planned(session, world, **kwargs):
    """An activity of our council (as `activity`), committed, as a page would find it."""
    made = activity(session, world.compound, world.users["council"], **kwargs)
    session.commit()
    return made


def page_text(response) -> str:
    """The page as a reader sees its text: entities such as &amp; turned back into characters."""
    return html.unescape(response.get_data(as_text=True))
