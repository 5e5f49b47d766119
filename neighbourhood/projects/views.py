"""Project pages: the list, a project (timeline, ledger, objections), and the council's and supervisors' actions."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice
from sqlalchemy.orm import joinedload

from neighbourhood.accounts.permissions import compounds_of
from neighbourhood.accounts.services import public_name_loads
from neighbourhood.council import services as council_services
from neighbourhood.db import DomainError, utcnow
from neighbourhood.extensions import db
from neighbourhood.media import services as media
from neighbourhood.projects import bid_views, evaluation_views, funding_views, oversight  # noqa: F401  (routes on bp)
from neighbourhood.projects import forms, pages, services
from neighbourhood.projects.blueprint import bp
from neighbourhood.projects.forms import EntryForm, MilestoneForm, ProjectForm
from neighbourhood.projects.models import (
    EntryKind, FundingSource, ImplementerKind, LedgerEntry, Objection, Project, ProjectStatus,
)
from neighbourhood.projects.permissions import (
    can_accept_answer, can_accept_project, can_answer_objection, can_create_project, can_decide_spending,
    can_object, can_read_projects, can_run_project,
)
from neighbourhood.proposals.models import Proposal
from neighbourhood.web.rendering import chosen_compound, get_or_404, render, require

__all__ = ["bp"]

from neighbourhood.projects.pages import MILESTONE, RECEIPT

LIST_ORDER = (ProjectStatus.UNDER_WAY, ProjectStatus.PLANNING, ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED)


# App-wide: the proposal page and the disclosure board name project states too.
@bp.app_context_processor
def _project_words():
    return {"project_status_label": forms.STATUS_LABELS.get, "source_label": forms.SOURCE_LABELS.get,
            "implementer_label": forms.IMPLEMENTER_LABELS.get, "entry_kind_label": forms.KIND_LABELS.get,
            "entry_status_label": forms.ENTRY_STATUS_LABELS.get, "objection_label": forms.OBJECTION_LABELS.get}


# --- the list --------------------------------------------------------------------------------------------------

@bp.get("/projects/")
@login_required
def index():
    require(can_read_projects(current_user))
    compound = chosen_compound()
    if compound is None:
        return render("projects/index.html", compound=None, compounds=[], sections=[], waiting=[], money={})
    projects = list(db.session.scalars(
        select(Project).where(Project.compound_id == compound.id, Project.status.in_(LIST_ORDER))
        .options(public_name_loads(joinedload(Project.lead))).order_by(Project.created_at.desc(), Project.id.desc())))
    sections = [(status, [p for p in projects if p.status is status]) for status in LIST_ORDER]
    waiting = services.adopted_without_project(db.session, compound.id) \
        if can_create_project(current_user, compound) else []
    return render("projects/index.html", compound=compound, compounds=compounds_of(current_user),
                  sections=sections, waiting=waiting, money=services.balances(db.session, [p.id for p in projects]))


# --- a new project ---------------------------------------------------------------------------------------------

@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def new():
    proposal = get_or_404(Proposal, request.args.get("proposal", type=int) or 0)
    require(can_create_project(current_user, proposal.compound))
    council, _supervisors = council_services.roles_on(db.session, proposal.compound, utcnow().date())
    form = ProjectForm()
    form.lead.choices = [SelectChoice(u.id, u.display_name) for u in council]
    if request.method == "GET":
        today = utcnow().date()
        form.lead.data = current_user.id
        form.planned_start.data, form.planned_end.data = today, today + timedelta(days=30)
        if proposal.estimated_cost:
            form.budget.data = proposal.estimated_cost
    if form.validate_on_submit():
        members = {u.id: u for u in council}
        data = services.ProjectInput(
            lead=members[form.lead.data], budget=form.budget.data,
            funding_source=FundingSource(form.funding_source.data), planned_start=form.planned_start.data,
            planned_end=form.planned_end.data, implementer_kind=ImplementerKind(form.implementer_kind.data),
            implementer_name=form.implementer_name.data or "", implementer_reason=form.implementer_reason.data or "")
        try:
            project = services.create_project(db.session, proposal=proposal, by=current_user, data=data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The project is set up. Start it when the work begins."), "success")
            return redirect(url_for("projects.detail", project_id=project.id))
    elif request.method == "POST":
        form.form_errors.append(_("Nothing was saved. Please correct the marked fields."))
    return render("projects/new.html", form=form, proposal=proposal, compound=proposal.compound)


@bp.get("/projects/<int:project_id>")
@login_required
def detail(project_id: int):
    return pages.detail_page(pages.load_project(project_id))


@bp.post("/projects/<int:project_id>/start")
@login_required
def start(project_id: int):
    project = pages.load_project(project_id)
    require(can_run_project(current_user, project))
    return pages.attempt(project, lambda: services.start(db.session, project=project, by=current_user),
                         _("The project is under way."))


@bp.post("/projects/<int:project_id>/complete")
@login_required
def complete(project_id: int):
    project = pages.load_project(project_id)
    require(can_run_project(current_user, project))
    return pages.attempt(project, lambda: services.complete(db.session, project=project, by=current_user),
                         _("The project is reported complete. The supervisors check it before acceptance."))


@bp.post("/projects/<int:project_id>/milestones")
@login_required
def add_milestone(project_id: int):
    project = pages.load_project(project_id)
    require(can_run_project(current_user, project))
    form = MilestoneForm()
    config = current_app.config
    if form.validate_on_submit():
        try:
            blobs = media.read_uploads(request.files.getlist("photos"), max_bytes=config["MAX_PHOTO_BYTES"],
                                       max_count=config["MAX_PHOTOS"])
            cleaned = media.check_photos(blobs)
            milestone = services.add_milestone(db.session, project=project, by=current_user, title=form.title.data,
                                               progress_percent=form.progress.data, reached_on=form.reached_on.data,
                                               note=form.note.data or "")
            media.attach_photos(db.session, upload_dir=config["UPLOAD_DIR"], cleaned=cleaned,
                                subject_type=MILESTONE, subject_id=milestone.id, compound_id=project.compound_id,
                                uploader=current_user)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            return pages.done(project, _("The milestone is on the public timeline."))
    elif not form.form_errors:
        form.form_errors.append(_("Nothing was saved. Please correct the marked fields."))
    return pages.detail_page(pages.load_project(project_id), failed="milestone", milestone_form=form)


@bp.post("/projects/<int:project_id>/ledger")
@login_required
def add_entry(project_id: int):
    project = pages.load_project(project_id)
    require(can_run_project(current_user, project))
    form = EntryForm()
    config = current_app.config
    if form.validate_on_submit():
        kind = EntryKind(form.kind.data)
        try:
            blobs = media.read_uploads(request.files.getlist("receipt"), max_bytes=config["MAX_PHOTO_BYTES"],
                                       max_count=1)
            if kind is EntryKind.SPENDING and not blobs:
                raise DomainError(_("Add a photo of the receipt: spending is not entered without it."))
            cleaned = media.check_photos(blobs)
            entry = services.add_entry(db.session, project=project, by=current_user, data=services.EntryInput(
                kind=kind, amount=form.amount.data, occurred_on=form.occurred_on.data,
                counterparty=form.counterparty.data, counterparty_is_person=form.is_person.data,
                purpose=form.purpose.data))
            media.attach_photos(db.session, upload_dir=config["UPLOAD_DIR"], cleaned=cleaned, subject_type=RECEIPT,
                                subject_id=entry.id, compound_id=project.compound_id, uploader=current_user)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            if kind is EntryKind.SPENDING:
                return pages.done(project, _("The spending is entered. It counts once another supervisor approves it."))
            return pages.done(project, _("The income is entered."))
    else:
        form.form_errors.append(_("Nothing was saved. Please correct the marked fields."))
    return pages.detail_page(pages.load_project(project_id), failed="entry", entry_form=form)


def _entry(project: Project, entry_id: int) -> LedgerEntry:
    entry = get_or_404(LedgerEntry, entry_id)
    if entry.project_id != project.id:
        abort(404)
    return entry


@bp.post("/projects/<int:project_id>/ledger/<int:entry_id>/approve")
@login_required
def approve_entry(project_id: int, entry_id: int):
    project = pages.load_project(project_id)
    entry = _entry(project, entry_id)
    require(can_decide_spending(current_user, entry))
    return pages.attempt(
        project, lambda: services.decide_entry(db.session, entry=entry, by=current_user, approve=True),
        _("The spending is approved and counts in the ledger."))


@bp.post("/projects/<int:project_id>/ledger/<int:entry_id>/reject")
@login_required
def reject_entry(project_id: int, entry_id: int):
    project = pages.load_project(project_id)
    entry = _entry(project, entry_id)
    require(can_decide_spending(current_user, entry))
    return pages.text_action(project, f"reject-{entry.id}", _("Why is it rejected?"),
                        lambda text: services.decide_entry(db.session, entry=entry, by=current_user, approve=False,
                                                           reason=text),
                        _("The spending is rejected. The council sees your reason."))


@bp.post("/projects/<int:project_id>/accept")
@login_required
def accept(project_id: int):
    project = pages.load_project(project_id)
    require(can_accept_project(current_user, project))
    return pages.text_action(project, "accept", _("What did you check?"),
                        lambda text: services.accept(db.session, project=project, by=current_user, note=text),
                        _("The project is accepted."))


@bp.post("/projects/<int:project_id>/objections")
@login_required
def object_to(project_id: int):
    project = pages.load_project(project_id)
    require(can_object(current_user, project))
    return pages.text_action(project, "objection", _("What do you object to?"),
                        lambda text: services.object_to(db.session, project=project, by=current_user, body=text),
                        _("Your objection is recorded. Spending is paused until it is settled."))


def _objection(project: Project, objection_id: int) -> Objection:
    objection = get_or_404(Objection, objection_id)
    if objection.project_id != project.id:
        abort(404)
    return objection


@bp.post("/projects/<int:project_id>/objections/<int:objection_id>/answer")
@login_required
def answer_objection(project_id: int, objection_id: int):
    project = pages.load_project(project_id)
    objection = _objection(project, objection_id)
    require(can_answer_objection(current_user, objection))
    return pages.text_action(project, f"answer-{objection.id}", _("The council's answer"),
                        lambda text: services.answer_objection(db.session, objection=objection, by=current_user,
                                                               text=text),
                        _("Your answer is sent to the supervisor."))


@bp.post("/projects/<int:project_id>/objections/<int:objection_id>/accept")
@login_required
def accept_answer(project_id: int, objection_id: int):
    project = pages.load_project(project_id)
    objection = _objection(project, objection_id)
    require(can_accept_answer(current_user, objection))
    return pages.attempt(project, lambda: services.accept_answer(db.session, objection=objection, by=current_user),
                         _("The objection is settled."))
