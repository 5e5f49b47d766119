"""What the volunteer's own page, the time bank and the station's figures read, each in a fixed number of queries
however many rows: the volunteer's record in the five categories of 志愿服务记录与证明出具办法, their time coins,
the offers of a compound, and a community's volunteer hours per compound per month."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload, selectinload

from neighbourhood.accounts.models import HouseholdMembership, MembershipStatus, User
from neighbourhood.accounts.services import public_name_loads
from neighbourhood.db import utcnow
from neighbourhood.places.models import Compound, Household
from neighbourhood.volunteering import recognition, timebank
from neighbourhood.volunteering.models import (
    Award, Certificate, CoinAccount, CoinEntry, Shift, Signup, SignupStatus, TimeBankOffer, Training,
    VolunteerProfile,
)
from neighbourhood.voting.manage_forms import to_local

MOVEMENTS_SHOWN = 50
ZERO = Decimal("0.00")


# --- the volunteer's own page -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Record:
    """The five categories of the record: basic information (the profile), service, training, awards and the
    organisers' evaluations; and the certificates asked for."""
    profile: VolunteerProfile | None
    upcoming: list[Signup]      # soonest first: still to serve, confirmed or on the waitlist
    past: list[Signup]          # latest first: served (the shift is over, or they checked out)
    trainings: list[Training]
    awards: list[Award]
    certificates: list[Certificate]

    @property
    def evaluated(self) -> list[Signup]:
        return [s for s in self.past if s.evaluation is not None]

    @property
    def confirmed_hours(self) -> Decimal:
        """Only hours an organiser confirmed count, as on a certificate."""
        return sum((s.credited_hours or ZERO for s in self.past if s.confirmed_at is not None), ZERO)


@dataclass(frozen=True)
class Coins:
    balance: Decimal
    movements: list[CoinEntry]   # the latest MOVEMENTS_SHOWN, newest first
    members: list[User]          # whom the user may give coins to


@dataclass(frozen=True)
class MyVolunteering:
    record: Record
    coins: Coins
    compounds: list[Compound]    # of the user's verified homes: where they may ask for a certificate
    # The people the page names, held so the session (which keeps loaded objects only weakly) does not load them
    # again one by one.
    people: list[User]


def _served(signup: Signup, now: datetime) -> bool:
    return signup.checked_out_at is not None or signup.shift.ends_at <= now


def _people(session: Session, ids: set[int], user: User) -> list[User]:
    """These users and everyone verified in the user's verified households, with their memberships' households,
    buildings and compounds (what public names and the certificate form read), in two queries however many."""
    mine, theirs = aliased(HouseholdMembership), aliased(HouseholdMembership)
    homes = select(mine.household_id).where(mine.user_id == user.id, mine.status == MembershipStatus.VERIFIED)
    housemates = select(theirs.user_id).where(theirs.household_id.in_(homes),
                                              theirs.status == MembershipStatus.VERIFIED)
    return list(session.scalars(select(User).where(or_(User.id.in_(ids), User.id.in_(housemates)))
                                .order_by(User.id).options(
        selectinload(User.memberships).joinedload(HouseholdMembership.household).joinedload(Household.building),
        selectinload(User.memberships).joinedload(HouseholdMembership.compound))))


def my_volunteering(session: Session, user: User, now: datetime | None = None) -> MyVolunteering:
    """Everything the volunteer's own page shows, in a fixed number of queries however long the record."""
    now = now or utcnow()
    signups = list(session.scalars(
        select(Signup).join(Signup.shift).where(Signup.user_id == user.id, Signup.status != SignupStatus.CANCELLED)
        .options(contains_eager(Signup.shift), joinedload(Signup.activity))
        .order_by(Shift.starts_at, Signup.id)))
    # A place on the waitlist of a shift that is over was never service.
    past = [s for s in signups if _served(s, now) and s.status is SignupStatus.CONFIRMED]
    upcoming = [s for s in signups if not _served(s, now)]
    trainings = list(session.scalars(select(Training).where(Training.user_id == user.id)
                                     .order_by(Training.held_on.desc(), Training.id.desc())))
    awards = list(session.scalars(select(Award).where(Award.user_id == user.id)
                                  .order_by(Award.awarded_on.desc(), Award.id.desc())))
    certificates = list(session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                                        .order_by(Certificate.requested_at.desc(), Certificate.id.desc())))
    profile, balance = session.execute(
        select(VolunteerProfile, CoinAccount.balance).select_from(User)
        .outerjoin(VolunteerProfile, VolunteerProfile.user_id == User.id)
        .outerjoin(CoinAccount, CoinAccount.user_id == User.id).where(User.id == user.id)).one()
    movements = timebank.history(session, user, MOVEMENTS_SHOWN)
    people = _people(session, {user.id} | {m.counterparty_id for m in movements if m.counterparty_id}, user)
    homes = {m.household_id for m in user.verified_memberships}   # loaded with the people just now
    # Whom coins may go to (timebank.household_members), read from the people already loaded.
    members = [p for p in people if p.id != user.id and not p.is_deleted
               and any(m.household_id in homes for m in p.verified_memberships)]
    compounds: dict[int, Compound] = {}
    for membership in user.verified_memberships:
        compounds.setdefault(membership.compound_id, membership.compound)
    return MyVolunteering(
        record=Record(profile=profile, upcoming=upcoming, past=past[::-1], trainings=trainings, awards=awards,
                      certificates=certificates),
        coins=Coins(balance=balance or ZERO, movements=movements, members=members),
        compounds=list(compounds.values()), people=people)


# --- the time bank -------------------------------------------------------------------------------------------------

def offers_of(session: Session, compound: Compound) -> list[TimeBankOffer]:
    """The compound's standing offers, newest first, with whoever offered them."""
    return list(session.scalars(
        select(TimeBankOffer).where(TimeBankOffer.compound_id == compound.id, TimeBankOffer.active.is_(True))
        .options(public_name_loads(joinedload(TimeBankOffer.offered_by)))
        .order_by(TimeBankOffer.created_at.desc(), TimeBankOffer.id.desc())))


# --- the station's figures -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HoursTable:
    """Confirmed volunteer hours of each compound in each of the months, with the totals both ways."""
    compounds: list[Compound]
    months: list[tuple[int, int]]
    hours: dict[tuple[int, tuple[int, int]], Decimal]

    def cell(self, compound: Compound, month: tuple[int, int]) -> Decimal:
        return self.hours.get((compound.id, month), ZERO)

    def compound_total(self, compound: Compound) -> Decimal:
        return sum((self.cell(compound, m) for m in self.months), ZERO)

    def month_total(self, month: tuple[int, int]) -> Decimal:
        return sum((self.cell(c, month) for c in self.compounds), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((self.month_total(m) for m in self.months), ZERO)


def local_today() -> date:
    return to_local(utcnow()).date()


def hours_table(session: Session, community_id: int, today: date, months: int = 12) -> HoursTable:
    compounds = list(session.scalars(select(Compound).where(Compound.community_id == community_id)
                                     .order_by(Compound.name, Compound.id)))
    shown = recognition.last_months(today, months)
    return HoursTable(compounds=compounds, months=shown,
                      hours=recognition.hours_by_compound_month(session, community_id, shown))


@dataclass(frozen=True)
class Bar:
    month: tuple[int, int]
    hours: Decimal
    x: int
    y: int
    height: int


CHART_HEIGHT = 120
BAR_STEP = 24
BAR_WIDTH = 16


def monthly_bars(table: HoursTable) -> list[Bar]:
    """The community's monthly totals as bars of an SVG chart: the busiest month fills the chart's height."""
    totals = [(m, table.month_total(m)) for m in table.months]
    top = max((hours for _m, hours in totals), default=ZERO)
    bars = []
    for index, (month, hours) in enumerate(totals):
        height = int(round(CHART_HEIGHT * hours / top)) if top > 0 else 0
        bars.append(Bar(month=month, hours=hours, x=index * BAR_STEP + (BAR_STEP - BAR_WIDTH) // 2,
                        y=CHART_HEIGHT - height, height=height))
    return bars
