"""The organiser's roster of a shift (its QR code, who has arrived, hours, confirmation, evaluation) and the
volunteer's side of the QR code: the signed check-in link, which checks them in and, scanned again, out."""
from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from neighbourhood.accounts.services import public_name_loads, with_public_names
from neighbourhood.db import DomainError, utcnow
from neighbourhood.extensions import db
from neighbourhood.volunteering import rules, services
from neighbourhood.volunteering.blueprint import bp
from neighbourhood.volunteering.forms import EVALUATION_LABELS
from neighbourhood.volunteering.models import (
    Activity, ActivityStatus, Evaluation, Shift, Signup, SignupStatus, VolunteerProfile,
)
from neighbourhood.volunteering.permissions import can_manage_activity
from neighbourhood.volunteering.roster_forms import EvaluationForm, HoursForm, prefix_of
from neighbourhood.web.actions import one_click, saved
from neighbourhood.web.display import local_datetime, public_name
from neighbourhood.web.qr import qr_svg
from neighbourhood.web.rendering import render, require

# Shown on the organiser's phone or a printed sheet and read by volunteers' phones at arm's length: medium error
# correction and the standard four-module quiet zone; CSS sets the size on screen.
HOURS_FAILED = "hours"
EVALUATION_FAILED = "evaluation"


# --- loading -------------------------------------------------------------------------------------------------------

def _shift(shift_id: int) -> Shift:
    shift = db.session.scalar(select(Shift).where(Shift.id == shift_id)
                              .options(joinedload(Shift.activity).joinedload(Activity.compound)))
    if shift is None:
        abort(404)
    return shift


def _managed_shift(shift_id: int) -> Shift:
    shift = _shift(shift_id)
    require(can_manage_activity(current_user, shift.activity))
    return shift


def _managed_signup(signup_id: int) -> Signup:
    signup = db.session.scalar(
        select(Signup).where(Signup.id == signup_id)
        .options(joinedload(Signup.shift), joinedload(Signup.activity).joinedload(Activity.compound),
                 public_name_loads(joinedload(Signup.user))))
    if signup is None:
        abort(404)
    require(can_manage_activity(current_user, signup.activity))
    return signup


def _own_signup(shift: Shift) -> Signup | None:
    return db.session.scalar(select(Signup).where(Signup.shift_id == shift.id, Signup.user_id == current_user.id))


# --- the roster page -----------------------------------------------------------------------------------------------

def check_in_link(shift: Shift) -> tuple[str, datetime]:
    """The absolute link the shift's QR code carries, and the moment (UTC) it stops working."""
    valid_until = rules.check_in_valid_until(shift.ends_at)
    token = rules.check_in_token(current_app.config["SECRET_KEY"], shift.id, valid_until)
    return url_for("volunteering.scan", token=token, _external=True), valid_until


def check_in_qr(url: str) -> Markup:
    """The check-in QR code as inline SVG (the CSP lets no script or outside image in)."""
    return qr_svg(url, css_class="roster-qr-code", border=4, scalable=True)


def _awaiting_confirmation(signup: Signup) -> bool:
    """Hours to confirm: a confirmed volunteer checked out, or whose hours an organiser entered."""
    return (signup.status is SignupStatus.CONFIRMED and signup.confirmed_at is None
            and (signup.checked_out_at is not None or signup.adjusted_hours is not None))


def _row_forms(failed: str, failed_form):
    """Makers of each row's forms: the failed one comes back as it was sent, the others filled from the record."""
    def hours_form(signup: Signup) -> HoursForm:
        if failed == f"{HOURS_FAILED}-{signup.id}":
            return failed_form
        return HoursForm(formdata=None, prefix=prefix_of(signup.id), hours=rules.shown_hours(signup.credited_hours))

    def evaluation_form(signup: Signup) -> EvaluationForm:
        if failed == f"{EVALUATION_FAILED}-{signup.id}":
            return failed_form
        return EvaluationForm(formdata=None, prefix=prefix_of(signup.id), note=signup.evaluation_note,
                              evaluation=signup.evaluation.value if signup.evaluation else None)
    return hours_form, evaluation_form


def roster_page(shift: Shift, *, failed: str = "", failed_form=None):
    """The roster: the QR code, the confirmed volunteers with their records and the organiser's buttons, and the
    waitlist in order. People, households and profiles come in a fixed number of queries, however many."""
    session = db.session
    signups = list(session.scalars(with_public_names(
        select(Signup).where(Signup.shift_id == shift.id, Signup.status != SignupStatus.CANCELLED)
        .order_by(Signup.signed_up_at, Signup.id), Signup.user)))
    user_ids = [s.user_id for s in signups]
    profiles = {p.user_id: p for p in session.scalars(
        select(VolunteerProfile).where(VolunteerProfile.user_id.in_(user_ids)))} if user_ids else {}
    confirmed = [s for s in signups if s.status is SignupStatus.CONFIRMED]
    url, valid_until = check_in_link(shift)
    hours_form, evaluation_form = _row_forms(failed, failed_form)
    return render("volunteering/roster.html", partial="volunteering/_partials/roster.html",
                  shift=shift, activity=shift.activity, cancelled=shift.activity.status is ActivityStatus.CANCELLED,
                  confirmed=confirmed, waiting=[s for s in signups if s.status is SignupStatus.WAITLISTED],
                  profiles=profiles, awaiting=sum(1 for s in confirmed if _awaiting_confirmation(s)),
                  check_in_url=url, valid_until=valid_until, code_expired=utcnow() > valid_until,
                  qr=check_in_qr(url), activity_path=services.activity_url(shift.activity),
                  evaluation_label=EVALUATION_LABELS.get, failed=failed,
                  hours_form=hours_form, evaluation_form=evaluation_form)


@bp.get("/volunteering/shifts/<int:shift_id>/roster")
@login_required
def roster(shift_id: int):
    return roster_page(_managed_shift(shift_id))


# --- the organiser's actions ---------------------------------------------------------------------------------------

def _row_url(signup: Signup) -> str:
    """Where the organiser's actions on a volunteer's record go back to: their row on the roster."""
    return url_for("volunteering.roster", shift_id=signup.shift_id, _anchor=f"signup-{signup.id}")


@bp.post("/volunteering/signups/<int:signup_id>/check-in")
@login_required
def check_in(signup_id: int):
    signup = _managed_signup(signup_id)
    return one_click(lambda: services.check_in(db.session, signup=signup, by=current_user),
                     _("%(name)s is checked in.", name=public_name(signup.user)), _row_url(signup))


@bp.post("/volunteering/signups/<int:signup_id>/check-out")
@login_required
def check_out(signup_id: int):
    signup = _managed_signup(signup_id)
    return one_click(lambda: services.check_out(db.session, signup=signup, by=current_user),
                     _("%(name)s is checked out.", name=public_name(signup.user)), _row_url(signup))


@bp.post("/volunteering/signups/<int:signup_id>/confirm")
@login_required
def confirm_hours(signup_id: int):
    signup = _managed_signup(signup_id)
    return one_click(lambda: services.confirm_hours(db.session, signup=signup, by=current_user),
                     _("The hours of %(name)s are confirmed and credited as time coins.",
                       name=public_name(signup.user)),
                     _row_url(signup))


@bp.post("/volunteering/signups/<int:signup_id>/hours")
@login_required
def adjust_hours(signup_id: int):
    signup = _managed_signup(signup_id)
    form = HoursForm(prefix=prefix_of(signup.id))
    if saved(form, lambda: services.adjust_hours(db.session, signup=signup, by=current_user, hours=form.hours.data,
                                                 reason=form.reason.data)):
        flash(_("The hours of %(name)s are now %(hours)s.", name=public_name(signup.user),
                hours=rules.shown_hours(signup.credited_hours)), "success")
        return redirect(_row_url(signup))
    return roster_page(_shift(signup.shift_id), failed=f"{HOURS_FAILED}-{signup.id}", failed_form=form)


@bp.post("/volunteering/signups/<int:signup_id>/evaluation")
@login_required
def evaluate(signup_id: int):
    signup = _managed_signup(signup_id)
    form = EvaluationForm(prefix=prefix_of(signup.id))
    if saved(form, lambda: services.evaluate(db.session, signup=signup, by=current_user,
                                             evaluation=Evaluation(form.evaluation.data), note=form.note.data)):
        flash(_("The evaluation of %(name)s is on their record.", name=public_name(signup.user)), "success")
        return redirect(_row_url(signup))
    return roster_page(_shift(signup.shift_id), failed=f"{EVALUATION_FAILED}-{signup.id}", failed_form=form)


@bp.post("/volunteering/shifts/<int:shift_id>/confirm-all")
@login_required
def confirm_all(shift_id: int):
    """Confirm every volunteer's hours that wait for it, in one transaction: all of them, or none and the reason."""
    shift = _managed_shift(shift_id)
    due = list(db.session.scalars(
        select(Signup).where(Signup.shift_id == shift.id, Signup.status == SignupStatus.CONFIRMED,
                             Signup.confirmed_at.is_(None),
                             or_(Signup.checked_out_at.is_not(None), Signup.adjusted_hours.is_not(None)))
        .options(joinedload(Signup.user)).order_by(Signup.id)))
    back = url_for("volunteering.roster", shift_id=shift.id)
    if not due:
        flash(_("No hours are waiting for confirmation."), "info")
        return redirect(back)

    def confirm_each() -> None:
        for signup in due:
            services.confirm_hours(db.session, signup=signup, by=current_user)

    return one_click(confirm_each, _("Hours confirmed and credited as time coins: %(n)s volunteers.", n=len(due)),
                     back)


# --- the volunteer's check-in link ---------------------------------------------------------------------------------

def _next_step(signup: Signup | None) -> str | None:
    """What scanning does for this volunteer now: "in", "out", or None (nothing: not on the shift, or done)."""
    if signup is None or signup.status is not SignupStatus.CONFIRMED or signup.checked_out_at is not None:
        return None
    return "out" if signup.checked_in_at is not None else "in"


@bp.route("/volunteering/check-in/<token>", methods=["GET", "POST"])
@login_required
def scan(token: str):
    """GET shows the shift and the one step the volunteer can take; POST takes it for whoever is signed in (an
    organiser scanning checks themselves in, not others). The form names the step it showed, so a double tap on
    "Check in" never checks the volunteer straight out again."""
    shift_id, expired = rules.read_check_in_token(current_app.config["SECRET_KEY"], token, utcnow())
    shift = db.session.scalar(select(Shift).where(Shift.id == shift_id).options(joinedload(Shift.activity))) \
        if shift_id is not None else None
    if shift is None:
        return render("volunteering/scan.html", status=404, shift=None)
    if expired:
        return render("volunteering/scan.html", shift=shift, activity=shift.activity, expired=True,
                      activity_path=services.activity_url(shift.activity))
    signup = _own_signup(shift)
    step = _next_step(signup)
    if request.method == "POST":
        if step is not None and request.form.get("step") == step:
            # Not one_click: the message says which step was taken, and when.
            try:
                done, signup = services.scan(db.session, shift=shift, user=current_user)
            except DomainError as error:
                db.session.rollback()
                flash(str(error), "error")
            else:
                db.session.commit()
                if done == "in":
                    flash(_("Checked in at %(time)s. Scan the code again when you leave, to check out.",
                            time=local_datetime(signup.checked_in_at, "short")), "success")
                else:
                    flash(_("Checked out at %(time)s: %(hours)s hours, pending confirmation by the organiser.",
                            time=local_datetime(signup.checked_out_at, "short"), hours=rules.shown_hours(signup.hours)),
                          "success")
        return redirect(url_for("volunteering.scan", token=token))
    return render("volunteering/scan.html", shift=shift, activity=shift.activity, expired=False, signup=signup,
                  step=step, activity_path=services.activity_url(shift.activity))
