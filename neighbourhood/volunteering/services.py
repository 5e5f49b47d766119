"""Volunteering: profiles, activities and shifts, sign-up with a waitlist, check-in and check-out, hours (computed,
adjusted with a reason, confirmed into time coins), the organiser's evaluation, and the day-before reminder.

Capacity and promotion move by conditional UPDATEs, so parallel sign-ups and cancellations never overfill a shift
or promote one volunteer twice. Every decision goes into the audit chain in the same transaction."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from neighbourhood.accounts.models import User
from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError, give_back_places, take_place, utcnow
from neighbourhood.notifications.services import notify
from neighbourhood.places.models import Compound
from neighbourhood.volunteering import rules, timebank
from neighbourhood.volunteering.models import (
    Activity, ActivityCategory, ActivityStatus, Evaluation, OrganiserKind, Shift, Signup, SignupStatus,
    VolunteerProfile,
)

TITLE_MAX = 80
TEXT_MAX = 500
REASON_MAX = 500
ADJUST_REASON_NEEDED = _l("Say why the hours change: the reason is kept in the audit log.")


def activity_url(activity: Activity) -> str:
    return f"/volunteering/{activity.id}"


def _record(session: Session, activity: Activity, by, action: str, data: dict | None = None, subject=None) -> None:
    audit.record(session, actor=by, action=action, subject=subject or activity, compound_id=activity.compound_id,
                 community_id=activity.community_id, data={"activity": activity.id, **(data or {})})


# --- profiles ------------------------------------------------------------------------------------------------------

def profile_of(session: Session, user: User) -> VolunteerProfile | None:
    return session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))


def ensure_profile(session: Session, user: User) -> VolunteerProfile:
    """The volunteer's profile, made with its volunteer number the first time they volunteer or ask for it."""
    profile = profile_of(session, user)
    if profile is not None:
        return profile
    profile = VolunteerProfile(user_id=user.id, number=f"new-{secrets.token_hex(8)}")
    try:
        with session.begin_nested():
            session.add(profile)
            session.flush()
    except IntegrityError:   # the same volunteer's other tab made it first
        return profile_of(session, user)
    profile.number = rules.volunteer_number(profile.created_at.year, profile.id)
    return profile


def update_profile(session: Session, *, user: User, skills: str, available_times: str, emergency_contact: str,
                   emergency_phone: str, on_honour_list: bool) -> VolunteerProfile:
    profile = ensure_profile(session, user)
    profile.skills = (skills or "").strip()
    profile.available_times = (available_times or "").strip()
    profile.emergency_contact = (emergency_contact or "").strip()
    profile.emergency_phone = (emergency_phone or "").strip()
    profile.on_honour_list = bool(on_honour_list)
    return profile


# --- activities and shifts -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ShiftPlan:
    starts_at: datetime
    ends_at: datetime
    capacity: int
    label: str = ""


def _check_shift(activity: Activity, plan: ShiftPlan) -> None:
    if plan.ends_at <= plan.starts_at:
        raise DomainError(_l("A shift must end after it starts."))
    if plan.starts_at < activity.starts_at or plan.ends_at > activity.ends_at:
        raise DomainError(_l("A shift must lie within the activity's start and end."))
    if not isinstance(plan.capacity, int) or isinstance(plan.capacity, bool) or not 1 <= plan.capacity <= 500:
        raise DomainError(_l("A shift takes from 1 to 500 volunteers."))


def create_activity(session: Session, *, compound: Compound, by: User, title: str, place: str,
                    category: ActivityCategory, organiser_kind: OrganiserKind, organiser_name: str,
                    starts_at: datetime, ends_at: datetime, shifts: list[ShiftPlan], description: str = "",
                    requirements: str = "", risk_note: str = "", insurance_required: bool = False,
                    cancel_cutoff_hours: int = 12, project_id: int | None = None,
                    enterprise_id: int | None = None) -> Activity:
    """An activity with at least one shift. A past activity may be entered afterwards to record its service."""
    title, place, organiser_name = (title or "").strip(), (place or "").strip(), (organiser_name or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise DomainError(_l("Give the activity a title of up to %(max)s characters.", max=TITLE_MAX))
    if not place or not organiser_name:
        raise DomainError(_l("Say where the activity takes place and who organises it."))
    if ends_at <= starts_at:
        raise DomainError(_l("The activity must end after it starts."))
    if insurance_required and not (risk_note or "").strip():
        raise DomainError(_l("Describe the risk when the work needs insurance."))
    if not shifts:
        raise DomainError(_l("An activity needs at least one shift."))
    activity = Activity(compound_id=compound.id, community_id=compound.community_id, title=title,
                        description=(description or "").strip(), place=place, category=category,
                        organiser_kind=organiser_kind, organiser_name=organiser_name, project_id=project_id,
                        enterprise_id=enterprise_id, created_by_id=by.id, starts_at=starts_at, ends_at=ends_at,
                        requirements=(requirements or "").strip(), risk_note=(risk_note or "").strip(),
                        insurance_required=bool(insurance_required), cancel_cutoff_hours=cancel_cutoff_hours,
                        status=ActivityStatus.PUBLISHED)
    activity.compound = compound
    for plan in shifts:
        _check_shift(activity, plan)
    session.add(activity)
    session.flush()
    for plan in shifts:
        session.add(Shift(activity_id=activity.id, compound_id=compound.id, label=(plan.label or "").strip(),
                          starts_at=plan.starts_at, ends_at=plan.ends_at, capacity=plan.capacity, taken=0))
    session.flush()
    _record(session, activity, by, "volunteering.activity_created", {"title": title, "shifts": len(shifts)})
    return activity


# What volunteers who signed up must hear about when it changes: where to go, and what risk they took on.
NOTIFIED_CHANGES = ("place", "risk_note", "insurance_required")


def update_activity(session: Session, *, activity: Activity, by: User, title: str, place: str,
                    category: ActivityCategory, description: str = "", requirements: str = "", risk_note: str = "",
                    insurance_required: bool = False, cancel_cutoff_hours: int = 12) -> list[str]:
    """The organiser corrects the activity's details (its times live in its shifts). Returns the fields changed;
    volunteers signed up or waiting are told when the place or the risk changes."""
    if activity.status is ActivityStatus.CANCELLED:
        raise DomainError(_l("This activity is cancelled."))
    title, place = (title or "").strip(), (place or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise DomainError(_l("Give the activity a title of up to %(max)s characters.", max=TITLE_MAX))
    if not place:
        raise DomainError(_l("Say where the activity takes place and who organises it."))
    if insurance_required and not (risk_note or "").strip():
        raise DomainError(_l("Describe the risk when the work needs insurance."))
    wanted = {"title": title, "place": place, "category": ActivityCategory(category),
              "description": (description or "").strip(), "requirements": (requirements or "").strip(),
              "risk_note": (risk_note or "").strip(), "insurance_required": bool(insurance_required),
              "cancel_cutoff_hours": cancel_cutoff_hours}
    changed = [name for name, value in wanted.items() if getattr(activity, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(activity, name, wanted[name])
    _record(session, activity, by, "volunteering.activity_updated", {"changed": changed})
    if any(name in NOTIFIED_CHANGES for name in changed):
        signed_up = session.scalars(select(Signup).where(Signup.activity_id == activity.id,
                                                         Signup.status != SignupStatus.CANCELLED)
                                    .options(joinedload(Signup.user)))
        notify(session, recipients=[s.user for s in signed_up], kind="volunteering.changed",
               url=activity_url(activity), params={"title": activity.title}, compound_id=activity.compound_id,
               actor=by)
    return changed


def add_shift(session: Session, *, activity: Activity, by: User, plan: ShiftPlan) -> Shift:
    if activity.status is ActivityStatus.CANCELLED:
        raise DomainError(_l("This activity is cancelled."))
    _check_shift(activity, plan)
    shift = Shift(activity_id=activity.id, compound_id=activity.compound_id, label=(plan.label or "").strip(),
                  starts_at=plan.starts_at, ends_at=plan.ends_at, capacity=plan.capacity, taken=0)
    session.add(shift)
    _record(session, activity, by, "volunteering.shift_added", {"capacity": plan.capacity}, subject=shift)
    return shift


def cancel_activity(session: Session, *, activity: Activity, by: User, reason: str) -> None:
    """The organiser calls it off: everyone signed up or waiting is told, with the reason."""
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise DomainError(_l("Say why the activity is cancelled (up to %(max)s characters).", max=REASON_MAX))
    if activity.status is ActivityStatus.CANCELLED:
        raise DomainError(_l("This activity is cancelled."))
    activity.status = ActivityStatus.CANCELLED
    activity.cancel_reason = reason
    # Service already given (checked in) stays on record: a storm that ends the afternoon does not erase the morning.
    signups = list(session.scalars(select(Signup).where(Signup.activity_id == activity.id,
                                                        Signup.status != SignupStatus.CANCELLED,
                                                        Signup.checked_in_at.is_(None))
                                    .options(joinedload(Signup.user))))
    now = utcnow()
    freed: dict[int, int] = {}
    for signup in signups:
        if signup.status is SignupStatus.CONFIRMED:
            freed[signup.shift_id] = freed.get(signup.shift_id, 0) + 1
        signup.status = SignupStatus.CANCELLED
        signup.cancelled_at = now
    for shift_id, places in freed.items():
        give_back_places(session, Shift, shift_id, places)
    _record(session, activity, by, "volunteering.activity_cancelled", {"reason": reason})
    notify(session, recipients=[s.user for s in signups], kind="volunteering.cancelled", url=activity_url(activity),
           params={"title": activity.title, "reason": reason}, compound_id=activity.compound_id, actor=by)


# --- sign-up, cancellation and the waitlist ------------------------------------------------------------------------

def sign_up(session: Session, *, shift: Shift, user: User, accepted_risk: bool = False,
            now: datetime | None = None) -> Signup:
    """A place on the shift when one is free, else a place on its waitlist (promoted in order when someone
    cancels). Signing up again after cancelling reuses the volunteer's row."""
    now = now or utcnow()
    activity = shift.activity
    if activity.status is ActivityStatus.CANCELLED:
        raise DomainError(_l("This activity is cancelled."))
    if shift.starts_at <= now:
        raise DomainError(_l("This shift has started: sign-up is closed."))
    if activity.insurance_required and not accepted_risk:
        raise DomainError(_l("This work carries a risk: read the risk note and confirm you accept it."))
    ensure_profile(session, user)
    signup = session.scalar(select(Signup).where(Signup.shift_id == shift.id, Signup.user_id == user.id))
    if signup is not None and signup.status is not SignupStatus.CANCELLED:
        raise DomainError(_l("You have signed up for this shift already."))
    if signup is None:
        signup = Signup(shift_id=shift.id, activity_id=activity.id, compound_id=activity.compound_id,
                        community_id=activity.community_id, user_id=user.id, status=SignupStatus.WAITLISTED,
                        signed_up_at=now)
        try:
            with session.begin_nested():
                session.add(signup)
                session.flush()
        except IntegrityError:   # the volunteer's other tab signed up at the same moment
            raise DomainError(_l("You have signed up for this shift already.")) from None
    else:
        # Back from cancelled, once: a parallel second request finds the row no longer cancelled.
        reopened = session.execute(
            update(Signup).where(Signup.id == signup.id, Signup.status == SignupStatus.CANCELLED)
            .values(status=SignupStatus.WAITLISTED, signed_up_at=now, cancelled_at=None, reminded_at=None)
            .execution_options(synchronize_session=False))
        if reopened.rowcount != 1:
            raise DomainError(_l("You have signed up for this shift already."))
        session.refresh(signup)
    if take_place(session, Shift, shift.id):
        signup.status = SignupStatus.CONFIRMED
    session.flush()
    _record(session, activity, user, "volunteering.signed_up",
            {"shift": shift.id, "status": signup.status.value}, subject=signup)
    return signup


def _promote_next(session: Session, shift: Shift, by) -> Signup | None:
    """Hand a freed place to the longest-waiting volunteer. Each promotion is a conditional UPDATE, so two
    cancellations at the same moment promote two different people."""
    while True:
        waiting = session.scalar(select(Signup).where(Signup.shift_id == shift.id,
                                                      Signup.status == SignupStatus.WAITLISTED)
                                 .order_by(Signup.signed_up_at, Signup.id).limit(1))
        if waiting is None:
            return None
        promoted = session.execute(update(Signup).where(Signup.id == waiting.id,
                                                        Signup.status == SignupStatus.WAITLISTED)
                                   .values(status=SignupStatus.CONFIRMED)
                                   .execution_options(synchronize_session=False))
        if promoted.rowcount == 1:
            session.refresh(waiting)
            _record(session, shift.activity, by, "volunteering.promoted", {"shift": shift.id}, subject=waiting)
            notify(session, recipients=[waiting.user], kind="volunteering.promoted",
                   url=activity_url(shift.activity), params={"title": shift.activity.title},
                   compound_id=shift.compound_id)
            return waiting


def cancel_signup(session: Session, *, signup: Signup, by: User, now: datetime | None = None) -> Signup | None:
    """The volunteer cancels until the activity's cutoff; an organiser may take anyone off at any time. A freed
    place goes to the first on the waitlist (returned), else back to the shift."""
    now = now or utcnow()
    shift = signup.shift
    by_volunteer = by.id == signup.user_id
    if signup.status is SignupStatus.CANCELLED:
        raise DomainError(_l("This sign-up is cancelled already."))
    if signup.checked_in_at is not None:
        raise DomainError(_l("This volunteer has checked in: the service is on record and cannot be cancelled."))
    if by_volunteer and signup.status is SignupStatus.CONFIRMED \
            and not rules.may_cancel(shift.starts_at, shift.activity.cancel_cutoff_hours, now):
        raise DomainError(_l("It is too late to cancel here (%(hours)s hours before the shift): please tell the "
                             "organiser.", hours=shift.activity.cancel_cutoff_hours))
    was = signup.status
    cancelled = session.execute(update(Signup).where(Signup.id == signup.id, Signup.status == was)
                                .values(status=SignupStatus.CANCELLED, cancelled_at=now)
                                .execution_options(synchronize_session=False))
    if cancelled.rowcount != 1:
        raise DomainError(_l("This sign-up is cancelled already."))
    session.refresh(signup)
    _record(session, shift.activity, by, "volunteering.signup_cancelled",
            {"shift": shift.id, "was": was.value, "volunteer": signup.user_id}, subject=signup)
    if not by_volunteer:
        notify(session, recipients=[signup.user], kind="volunteering.removed", url=activity_url(shift.activity),
               params={"title": shift.activity.title}, compound_id=shift.compound_id, actor=by)
    if was is not SignupStatus.CONFIRMED:
        return None
    promoted = _promote_next(session, shift, by)
    if promoted is None:
        give_back_places(session, Shift, shift.id)
    session.refresh(shift)
    return promoted


# --- check-in, check-out and hours ---------------------------------------------------------------------------------

def _must_be_confirmed(signup: Signup) -> None:
    if signup.status is not SignupStatus.CONFIRMED:
        raise DomainError(_l("Only volunteers with a confirmed place check in."))


def check_in(session: Session, *, signup: Signup, by: User, at: datetime | None = None) -> Signup:
    _must_be_confirmed(signup)
    if signup.checked_in_at is not None:
        raise DomainError(_l("Checked in already."))
    signup.checked_in_at = at or utcnow()
    signup.checked_in_by_id = by.id
    _record(session, signup.activity, by, "volunteering.checked_in", {"volunteer": signup.user_id}, subject=signup)
    return signup


def check_out(session: Session, *, signup: Signup, by: User, at: datetime | None = None) -> Signup:
    _must_be_confirmed(signup)
    if signup.checked_in_at is None:
        raise DomainError(_l("Check in first."))
    if signup.checked_out_at is not None:
        raise DomainError(_l("Checked out already."))
    at = at or utcnow()
    if at < signup.checked_in_at:
        raise DomainError(_l("Check-out cannot come before check-in."))
    signup.checked_out_at = at
    signup.hours = rules.hours_between(signup.checked_in_at, at)
    _record(session, signup.activity, by, "volunteering.checked_out",
            {"volunteer": signup.user_id, "hours": rules.shown_hours(signup.hours)}, subject=signup)
    return signup


def scan(session: Session, *, shift: Shift, user: User, now: datetime | None = None) -> tuple[str, Signup]:
    """What scanning the shift's QR code does for this volunteer: check in, or check out once checked in.
    Returns ("in" | "out", the sign-up)."""
    now = now or utcnow()
    signup = session.scalar(select(Signup).where(Signup.shift_id == shift.id, Signup.user_id == user.id))
    if signup is None or signup.status is not SignupStatus.CONFIRMED:
        raise DomainError(_l("You have no confirmed place on this shift. Ask the organiser to add you."))
    if signup.checked_in_at is None and now < shift.starts_at - rules.CHECK_IN_OPENS:
        raise DomainError(_l("Check-in opens an hour before the shift starts."))
    if signup.checked_in_at is None:
        return "in", check_in(session, signup=signup, by=user, at=now)
    if signup.checked_out_at is None:
        return "out", check_out(session, signup=signup, by=user, at=now)
    raise DomainError(_l("You have checked in and out of this shift already."))


def parse_hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(rules.HOUR_STEP)
    except ArithmeticError:
        raise DomainError(_l("Give the hours as a number, e.g. 2.5.")) from None
    if hours.is_nan() or not Decimal("0") <= hours <= rules.MAX_HOURS_PER_SHIFT:
        raise DomainError(_l("Hours for one shift lie between 0 and %(max)s.", max=rules.MAX_HOURS_PER_SHIFT))
    return hours


def adjust_hours(session: Session, *, signup: Signup, by: User, hours, reason: str) -> Signup:
    """An organiser corrects the hours (a forgotten check-out, a long wait in the rain) with a reason, which is
    audited with the old and new figure. After confirmation the difference in time coins follows."""
    _must_be_confirmed(signup)
    hours = parse_hours(hours)
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise DomainError(ADJUST_REASON_NEEDED)
    before = signup.credited_hours
    signup.adjusted_hours = hours
    signup.adjustment_reason = reason
    signup.adjusted_by_id = by.id
    _record(session, signup.activity, by, "volunteering.hours_adjusted",
            {"volunteer": signup.user_id, "from": rules.shown_hours(before) if before is not None else None,
             "to": rules.shown_hours(hours),
             "reason": reason}, subject=signup)
    if signup.confirmed_at is not None:
        timebank.settle_service(session, signup=signup, by=by)
    return signup


def confirm_hours(session: Session, *, signup: Signup, by: User, now: datetime | None = None) -> Signup:
    """The organiser confirms the service: the hours go on the volunteer's record and become time coins."""
    _must_be_confirmed(signup)
    if signup.confirmed_at is not None:
        raise DomainError(_l("These hours are confirmed already."))
    if signup.credited_hours is None:
        raise DomainError(_l("There are no hours yet: check the volunteer out, or enter the hours with a reason."))
    signup.confirmed_at = now or utcnow()
    signup.confirmed_by_id = by.id
    _record(session, signup.activity, by, "volunteering.hours_confirmed",
            {"volunteer": signup.user_id, "hours": rules.shown_hours(signup.credited_hours)}, subject=signup)
    timebank.settle_service(session, signup=signup, by=by)
    notify(session, recipients=[signup.user], kind="volunteering.hours", url="/me/volunteering",
           params={"title": signup.activity.title, "hours": rules.shown_hours(signup.credited_hours)},
           compound_id=signup.compound_id, actor=by)
    return signup


def evaluate(session: Session, *, signup: Signup, by: User, evaluation: Evaluation, note: str = "") -> Signup:
    """评价: the organiser's grade for the volunteer's service, after they served."""
    if signup.status is not SignupStatus.CONFIRMED or (signup.checked_in_at is None and signup.adjusted_hours is None):
        raise DomainError(_l("Evaluate a volunteer after they have served."))
    note = (note or "").strip()
    if len(note) > TEXT_MAX:
        raise DomainError(_l("Keep the note to %(max)s characters or fewer.", max=TEXT_MAX))
    signup.evaluation = Evaluation(evaluation)
    signup.evaluation_note = note
    _record(session, signup.activity, by, "volunteering.evaluated",
            {"volunteer": signup.user_id, "evaluation": signup.evaluation.value}, subject=signup)
    return signup


# --- reminders -----------------------------------------------------------------------------------------------------

REMIND_AHEAD = timedelta(hours=24)


def process_due(session: Session, now: datetime | None = None) -> int:
    """The day-before reminder: each confirmed volunteer whose shift starts within 24 hours is told once."""
    now = now or utcnow()
    due = list(session.scalars(
        select(Signup).join(Shift, Shift.id == Signup.shift_id).join(Activity, Activity.id == Signup.activity_id)
        .where(Signup.status == SignupStatus.CONFIRMED, Signup.reminded_at.is_(None),
               Activity.status == ActivityStatus.PUBLISHED,
               Shift.starts_at > now, Shift.starts_at <= now + REMIND_AHEAD)))
    for signup in due:
        signup.reminded_at = now
        notify(session, recipients=[signup.user], kind="volunteering.reminder",
               url=activity_url(signup.activity),
               params={"title": signup.activity.title, "starts": signup.shift.starts_at.isoformat(),
                       "place": signup.activity.place},
               compound_id=signup.compound_id)
    return len(due)


def upcoming(session: Session, compound_id: int, limit: int, now: datetime | None = None) -> list[Activity]:
    """The compound's next published activities that have not ended, soonest first (for the home page)."""
    now = now or utcnow()
    return list(session.scalars(select(Activity).where(Activity.compound_id == compound_id,
                                                       Activity.status == ActivityStatus.PUBLISHED,
                                                       Activity.ends_at > now)
                                .order_by(Activity.starts_at, Activity.id).limit(limit)))
