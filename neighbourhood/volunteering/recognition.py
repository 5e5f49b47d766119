"""Confirmed hours summed for recognition and for the station: the monthly good-neighbour list (volunteers who
opted in, by hours) and volunteer hours per compound per month. A month is the community's calendar month
(Asia/Shanghai), counted by when the shift started; each figure is one query however many rows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, selectinload

from neighbourhood.accounts.models import HouseholdMembership, User
from neighbourhood.places.models import Household
from neighbourhood.voting.manage_forms import to_utc
from neighbourhood.volunteering.models import Shift, Signup, VolunteerProfile

CREDITED = func.coalesce(Signup.adjusted_hours, Signup.hours)


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The local calendar month as naive UTC [start, end)."""
    following = date(year + (month == 12), month % 12 + 1, 1)
    return to_utc(datetime(year, month, 1)), to_utc(datetime.combine(following, datetime.min.time()))


def last_months(today: date, count: int = 12) -> list[tuple[int, int]]:
    """(year, month) of the `count` months up to and including today's, oldest first."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


@dataclass(frozen=True)
class Honour:
    user: User
    hours: Decimal


def honour_list(session: Session, compound_id: int, year: int, month: int, limit: int = 10) -> list[Honour]:
    """The month's good neighbours (好邻居榜): opted-in volunteers of the compound by confirmed hours."""
    start, end = month_bounds(year, month)
    hours = func.sum(CREDITED).label("hours")
    ranked = (select(Signup.user_id, hours).join(Shift, Shift.id == Signup.shift_id)
              .join(VolunteerProfile, and_(VolunteerProfile.user_id == Signup.user_id,
                                           VolunteerProfile.on_honour_list.is_(True)))
              .where(Signup.compound_id == compound_id, Signup.confirmed_at.is_not(None),
                     Shift.starts_at >= start, Shift.starts_at < end)
              .group_by(Signup.user_id).having(hours > 0).order_by(hours.desc(), Signup.user_id).limit(limit)
              .subquery())
    rows = session.execute(select(User, ranked.c.hours).join(ranked, ranked.c.user_id == User.id)
                           .order_by(ranked.c.hours.desc(), User.id)
                           .options(selectinload(User.memberships).joinedload(HouseholdMembership.household)
                                    .joinedload(Household.building))).unique().all()
    return [Honour(user, Decimal(str(total))) for user, total in rows]


def hours_by_compound_month(session: Session, community_id: int, months: list[tuple[int, int]]) \
        -> dict[tuple[int, tuple[int, int]], Decimal]:
    """Confirmed volunteer hours of each compound of the community in each of `months`: {(compound id, (year,
    month)): hours}; months with no service are absent."""
    if not months:
        return {}
    bounds = [(m, *month_bounds(*m)) for m in months]
    bucket = case(*[(and_(Shift.starts_at >= start, Shift.starts_at < end), index)
                    for index, (_m, start, end) in enumerate(bounds)], else_=None).label("bucket")
    rows = session.execute(
        select(Signup.compound_id, bucket, func.sum(CREDITED)).join(Shift, Shift.id == Signup.shift_id)
        .where(Signup.community_id == community_id, Signup.confirmed_at.is_not(None),
               Shift.starts_at >= bounds[0][1], Shift.starts_at < bounds[-1][2])
        .group_by(Signup.compound_id, bucket))
    return {(compound_id, bounds[index][0]): Decimal(str(total)) for compound_id, index, total in rows
            if index is not None and total is not None}
