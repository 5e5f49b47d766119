"""Activity pages: the list with the month's good neighbours, organising an activity, an activity with its shifts,
signing up (or joining the waitlist) and cancelling, and the organiser's corrections, shifts and cancellation."""
from neighbourhood.volunteering import me_views, record_views, roster_views  # noqa: F401  (routes on bp)

from datetime import timedelta
from urllib.parse import urlsplit

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from neighbourhood.accounts.permissions import compounds_of, is_council_member, is_station_staff
from neighbourhood.db import DomainError, utcnow
from neighbourhood.enterprises.models import Enterprise
from neighbourhood.enterprises.permissions import operates
from neighbourhood.extensions import db
from neighbourhood.projects.bid_permissions import is_enterprise_operator
from neighbourhood.projects.models import Project, ProjectStatus
from neighbourhood.voting.manage_forms import to_local
from neighbourhood.volunteering import forms, recognition, services
from neighbourhood.volunteering.blueprint import bp
from neighbourhood.volunteering.forms import (
    ActivityEditForm, ActivityForm, CancelActivityForm, ShiftForm, SignUpForm,
)
from neighbourhood.volunteering.models import (
    Activity, ActivityCategory, ActivityStatus, OrganiserKind, Shift, Signup, SignupStatus,
)
from neighbourhood.volunteering.permissions import (
    can_cancel_signup, can_manage_activity, can_organise_activities, can_read_volunteering, can_sign_up,
)
from neighbourhood.web.actions import one_click, saved
from neighbourhood.web.rendering import chosen_compound, get_or_404, render, require

__all__ = ["bp"]

PAST_SHOWN = 20
HONOURS_SHOWN = 10
# Where a cancel button may send the volunteer back to: their own pages or the activity pages.
NEXT_PREFIXES = ("/volunteering/", "/me/volunteering")


# App-wide: the volunteer's page, the roster and the records name these too.
@bp.app_context_processor
def _volunteering_words():
    return {"activity_category_label": forms.CATEGORY_LABELS.get, "organiser_label": forms.ORGANISER_LABELS.get,
            "activity_status_label": forms.ACTIVITY_STATUS_LABELS.get,
            "signup_status_label": forms.SIGNUP_STATUS_LABELS.get,
            "evaluation_label": forms.EVALUATION_LABELS.get}


# --- the list ------------------------------------------------------------------------------------------------------

def _free_places(activity_ids: list[int]) -> dict[int, int]:
    """Places still free across each activity's shifts, in one query."""
    if not activity_ids:
        return {}
    rows = db.session.execute(select(Shift.activity_id, func.sum(Shift.capacity - Shift.taken))
                              .where(Shift.activity_id.in_(activity_ids)).group_by(Shift.activity_id))
    return {activity_id: int(free or 0) for activity_id, free in rows}


def _good_neighbours(compound_id: int):
    """This local month's good-neighbour list; early in a month, while it is still empty, last month's."""
    today = to_local(utcnow()).date()
    for year, month in reversed(recognition.last_months(today, 2)):
        honours = recognition.honour_list(db.session, compound_id, year, month, limit=HONOURS_SHOWN)
        if honours:
            return (year, month), honours
    return (today.year, today.month), []


@bp.get("/volunteering/")
@login_required
def index():
    require(can_read_volunteering(current_user))
    compound = chosen_compound()
    if compound is None:
        return render("volunteering/index.html", compound=None)
    now = utcnow()
    mine = Activity.compound_id == compound.id
    # ?project=<id>: the volunteer activities of one micro-project (linked from its page).
    project = db.session.get(Project, request.args.get("project", type=int) or 0)
    if project is not None and project.compound_id == compound.id:
        mine = and_(mine, Activity.project_id == project.id)
    else:
        project = None
    coming = list(db.session.scalars(select(Activity).where(mine, Activity.ends_at >= now)
                                     .order_by(Activity.starts_at, Activity.id)))
    past = list(db.session.scalars(select(Activity).where(mine, Activity.ends_at < now)
                                   .order_by(Activity.starts_at.desc(), Activity.id.desc()).limit(PAST_SHOWN)))
    month, honours = _good_neighbours(compound.id)
    return render("volunteering/index.html", compound=compound, compounds=compounds_of(current_user),
                  coming=coming, past=past, free=_free_places([a.id for a in coming]), now=now, project=project,
                  honour_month=month, honours=honours)


# --- organising an activity ----------------------------------------------------------------------------------------

def _organiser_kinds(compound, projects: list[Project]) -> list[OrganiserKind]:
    """Whom the user may organise for, by their roles in the compound: the council also for its running
    micro-projects."""
    kinds = []
    if is_council_member(current_user, compound):
        kinds += [OrganiserKind.COUNCIL, OrganiserKind.PROJECT] if projects else [OrganiserKind.COUNCIL]
    if is_station_staff(current_user, compound.community_id):
        kinds.append(OrganiserKind.STATION)
    if is_enterprise_operator(current_user, compound):
        kinds.append(OrganiserKind.ENTERPRISE)
    return kinds


def _usual_organiser_name(compound, kind: OrganiserKind) -> str:
    """The name records usually carry for an organiser; an enterprise types its own."""
    if kind in (OrganiserKind.COUNCIL, OrganiserKind.PROJECT):
        return _("%(compound)s council", compound=compound.name)
    if kind is OrganiserKind.STATION:
        return compound.station_name or compound.community.centre_name or compound.community.name
    return ""


def _running_projects(compound) -> list[Project]:
    return list(db.session.scalars(select(Project).where(
        Project.compound_id == compound.id, Project.status.in_((ProjectStatus.PLANNING, ProjectStatus.UNDER_WAY)))
        .order_by(Project.created_at.desc(), Project.id.desc())))


def _posting_enterprise(compound) -> Enterprise | None:
    """?enterprise=<id>: a social enterprise of this compound that the user runs, posting a public-benefit activity
    (公益活动) that its dashboard then lists."""
    enterprise_id = request.args.get("enterprise", type=int)
    if enterprise_id is None:
        return None
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None or enterprise.compound_id != compound.id or not operates(current_user, enterprise):
        abort(404)
    return enterprise


@bp.route("/volunteering/new", methods=["GET", "POST"])
@login_required
def new():
    compound = chosen_compound()
    require(can_organise_activities(current_user, compound))
    enterprise = _posting_enterprise(compound)
    projects = _running_projects(compound) if is_council_member(current_user, compound) and not enterprise else []
    kinds = [OrganiserKind.ENTERPRISE] if enterprise else _organiser_kinds(compound, projects)
    form = ActivityForm()
    form.limit_organisers(kinds, projects)
    if request.method == "GET":
        form.organiser_kind.data = kinds[0].value
        if enterprise:
            form.organiser_name.data = enterprise.name
    created: list[Activity] = []   # the new activity, for the redirect to its page

    def create() -> None:
        kind = OrganiserKind(form.organiser_kind.data)
        created.append(services.create_activity(
            db.session, compound=compound, by=current_user, title=form.title.data, place=form.place.data,
            category=ActivityCategory(form.category.data), organiser_kind=kind,
            organiser_name=form.organiser_name.data or (enterprise.name if enterprise
                                                         else _usual_organiser_name(compound, kind)),
            starts_at=form.starts_at.data, ends_at=form.ends_at.data,
            shifts=[services.ShiftPlan(form.starts_at.data, form.ends_at.data, form.capacity.data,
                                       form.shift_label.data or "")],
            description=form.description.data or "", requirements=form.requirements.data or "",
            risk_note=form.risk_note.data or "", insurance_required=form.insurance_required.data,
            cancel_cutoff_hours=form.cancel_cutoff_hours.data,
            project_id=form.project.data if kind is OrganiserKind.PROJECT else None,
            enterprise_id=enterprise.id if enterprise else None))

    # Only a POST is a try at saving: the empty form a GET shows must not say "nothing was saved".
    if request.method == "POST" and saved(form, create):
        flash(_("The activity is published. Residents of the compound can sign up now."), "success")
        return redirect(_activity_url(created[0]))
    usual_names = [(forms.ORGANISER_LABELS[k], _usual_organiser_name(compound, k)) for k in kinds
                   if k is not OrganiserKind.PROJECT and _usual_organiser_name(compound, k)]
    return render("volunteering/new.html", form=form, compound=compound, usual_names=usual_names, enterprise=enterprise)


# --- one activity --------------------------------------------------------------------------------------------------

def _load_activity(activity_id: int) -> Activity:
    return get_or_404(Activity, activity_id, joinedload(Activity.compound), joinedload(Activity.community))


def _viewer_signups(activity: Activity) -> dict[int, Signup]:
    """The viewer's sign-ups on the activity's shifts, by shift id."""
    return {s.shift_id: s for s in db.session.scalars(select(Signup).where(
        Signup.activity_id == activity.id, Signup.user_id == current_user.id))}


def _waitlists(activity: Activity, signups: dict[int, Signup]) -> tuple[dict[int, int], dict[int, int]]:
    """(waitlist length by shift, the viewer's place in line by shift): two queries however many shifts."""
    waiting = Signup.status == SignupStatus.WAITLISTED
    lengths = dict(db.session.execute(select(Signup.shift_id, func.count(Signup.id))
                                      .where(Signup.activity_id == activity.id, waiting)
                                      .group_by(Signup.shift_id)).all())
    if not any(s.status is SignupStatus.WAITLISTED for s in signups.values()):
        return lengths, {}
    ahead = aliased(Signup)
    positions = dict(db.session.execute(
        select(Signup.shift_id, func.count(ahead.id)).join(ahead, and_(
            ahead.shift_id == Signup.shift_id, ahead.status == SignupStatus.WAITLISTED,
            or_(ahead.signed_up_at < Signup.signed_up_at,
                and_(ahead.signed_up_at == Signup.signed_up_at, ahead.id <= Signup.id))))
        .where(Signup.activity_id == activity.id, Signup.user_id == current_user.id, waiting)
        .group_by(Signup.shift_id)).all())
    return lengths, positions


def detail_page(activity: Activity, *, shift_form: ShiftForm | None = None,
                cancel_form: CancelActivityForm | None = None):
    """The activity page, or again with the organiser's failed form filled in and its errors shown."""
    require(can_read_volunteering(current_user))
    shifts = list(db.session.scalars(select(Shift).where(Shift.activity_id == activity.id)
                                     .order_by(Shift.starts_at, Shift.id)))
    signups = _viewer_signups(activity)
    lengths, positions = _waitlists(activity, signups)
    project = db.session.get(Project, activity.project_id) if activity.project_id else None
    return render("volunteering/detail.html", partial="volunteering/_partials/shifts.html", activity=activity,
                  shifts=shifts, signups=signups, waitlist_lengths=lengths, positions=positions, project=project,
                  now=utcnow(), cutoff=timedelta(hours=activity.cancel_cutoff_hours),
                  shift_form=shift_form or ShiftForm(formdata=None, starts_at=activity.starts_at,
                                                     ends_at=activity.ends_at),
                  cancel_form=cancel_form or CancelActivityForm(formdata=None),
                  shift_failed=shift_form is not None, cancel_failed=cancel_form is not None)


@bp.get("/volunteering/<int:activity_id>")
@login_required
def detail(activity_id: int):
    return detail_page(_load_activity(activity_id))


def _activity_url(activity: Activity) -> str:
    return url_for("volunteering.detail", activity_id=activity.id)


def _back_to(activity: Activity):
    return redirect(_activity_url(activity))


@bp.post("/volunteering/<int:activity_id>/shifts")
@login_required
def add_shift(activity_id: int):
    activity = _load_activity(activity_id)
    require(can_manage_activity(current_user, activity))
    form = ShiftForm()

    def add() -> None:
        plan = services.ShiftPlan(form.starts_at.data, form.ends_at.data, form.capacity.data, form.label.data or "")
        services.add_shift(db.session, activity=activity, by=current_user, plan=plan)

    if saved(form, add):
        flash(_("The shift is added."), "success")
        return _back_to(activity)
    return detail_page(_load_activity(activity_id), shift_form=form)


@bp.route("/volunteering/<int:activity_id>/edit", methods=["GET", "POST"])
@login_required
def edit(activity_id: int):
    activity = _load_activity(activity_id)
    require(can_manage_activity(current_user, activity))
    if activity.status is ActivityStatus.CANCELLED:
        flash(_("This activity is cancelled."), "error")
        return _back_to(activity)
    form = ActivityEditForm(obj=activity)
    changed: list[str] = []

    def update() -> None:
        changed.extend(services.update_activity(db.session, activity=activity, by=current_user, **form.details()))

    # Only a POST is a try at saving: the prefilled form a GET shows must not say "nothing was saved".
    if request.method == "POST" and saved(form, update):
        if not changed:
            flash(_("Nothing changed."), "info")
        elif set(changed) & set(services.NOTIFIED_CHANGES):
            flash(_("The details are saved. Everyone signed up is told."), "success")
        else:
            flash(_("The details are saved."), "success")
        return _back_to(activity)
    return render("volunteering/edit.html", form=form, activity=activity)


@bp.post("/volunteering/<int:activity_id>/cancel")
@login_required
def cancel_activity(activity_id: int):
    activity = _load_activity(activity_id)
    require(can_manage_activity(current_user, activity))
    form = CancelActivityForm()
    # Not saved(): a missing reason shows only beside its field, without the generic "nothing was saved" line.
    if form.validate_on_submit():
        try:
            services.cancel_activity(db.session, activity=activity, by=current_user, reason=form.reason.data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The activity is cancelled. Everyone who signed up is told."), "success")
            return _back_to(activity)
    return detail_page(_load_activity(activity_id), cancel_form=form)


# --- signing up and cancelling -------------------------------------------------------------------------------------

@bp.post("/volunteering/shifts/<int:shift_id>/sign-up")
@login_required
def sign_up(shift_id: int):
    shift = get_or_404(Shift, shift_id)
    activity = shift.activity
    require(can_sign_up(current_user, activity))
    form = SignUpForm()
    # Not one_click: which message to give depends on what the sign-up turned out to be.
    try:
        signup = services.sign_up(db.session, shift=shift, user=current_user,
                                  accepted_risk=bool(form.accepted_risk.data))
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back_to(activity)
    db.session.commit()
    if signup.status is SignupStatus.CONFIRMED:
        flash(_("You are signed up. We will remind you the day before."), "success")
    else:
        flash(_("The shift is full: you are on the waitlist and get the next free place."), "success")
    return _back_to(activity)


def _safe_next(value: str | None) -> str | None:
    """A local volunteering page to return to, or None: never another site or a path outside volunteering."""
    if not value or "\\" in value or ".." in value or value.startswith("//"):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith(NEXT_PREFIXES):
        return None
    return value


@bp.post("/volunteering/signups/<int:signup_id>/cancel")
@login_required
def cancel_signup(signup_id: int):
    signup = get_or_404(Signup, signup_id)
    activity = signup.activity
    require(can_cancel_signup(current_user, signup))
    return one_click(lambda: services.cancel_signup(db.session, signup=signup, by=current_user), _("Cancelled."),
                     _safe_next(request.form.get("next")) or _activity_url(activity))
