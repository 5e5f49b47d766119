"""The supervisors' dashboard at /oversight/, and their oversight reports to residents."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from neighbourhood.accounts.permissions import compounds_of
from neighbourhood.accounts.services import public_name_loads
from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError, utcnow
from neighbourhood.extensions import db
from neighbourhood.places.models import Compound
from neighbourhood.projects import reports, services
from neighbourhood.projects.blueprint import bp
from neighbourhood.projects.forms import TextForm
from neighbourhood.projects.models import (
    EntryKind, EntryStatus, LedgerEntry, Objection, ObjectionStatus, OversightReport, Project, ProjectStatus,
)
from neighbourhood.projects.permissions import can_read_projects, can_rule_on, can_see_oversight
from neighbourhood.projects.report_forms import ReportForm
from neighbourhood.projects.report_permissions import can_publish_report
from neighbourhood.station import services as station
from neighbourhood.web.rendering import chosen_compound, get_or_404, render, require

RUNNING = (ProjectStatus.PLANNING, ProjectStatus.UNDER_WAY, ProjectStatus.COMPLETED)
LATEST_REPORTS = 3


def _compound() -> Compound:
    chosen = request.args.get("compound", type=int)
    if chosen is not None:
        compound = get_or_404(Compound, chosen)
    else:
        compound = next((c for c in compounds_of(current_user) if can_see_oversight(current_user, c)), None)
        served = [] if compound is not None else [c.id for c in station.communities_served(db.session, current_user)]
        if served:
            compound = db.session.scalar(select(Compound).where(Compound.community_id.in_(served))
                                         .order_by(Compound.id).limit(1))
        if compound is None:
            abort(403)
    require(can_see_oversight(current_user, compound))
    return compound


def _dashboard(compound: Compound, *, failed: int | None = None, failed_form: TextForm | None = None):
    session = db.session
    today = utcnow().date()
    pending = list(session.scalars(
        select(LedgerEntry).where(LedgerEntry.compound_id == compound.id, LedgerEntry.kind == EntryKind.SPENDING,
                                  LedgerEntry.status == EntryStatus.PENDING)
        .options(joinedload(LedgerEntry.project)).order_by(LedgerEntry.entered_at, LedgerEntry.id)))
    objections = list(session.scalars(
        select(Objection).where(Objection.compound_id == compound.id,
                                Objection.status.in_([ObjectionStatus.OPEN, ObjectionStatus.ANSWERED]))
        .options(joinedload(Objection.project)).order_by(Objection.raised_at, Objection.id)))
    projects = list(session.scalars(
        select(Project).where(Project.compound_id == compound.id, Project.status.in_(RUNNING))
        .order_by(Project.id)))
    money = services.balances(session, [p.id for p in projects])
    over = [(p, money[p.id]) for p in projects if money[p.id].spent + money[p.id].pending > p.budget]
    late = [p for p in projects if p.planned_end < today
            and p.status in (ProjectStatus.PLANNING, ProjectStatus.UNDER_WAY)]
    return render("projects/oversight/index.html", compound=compound, pending=pending, objections=objections,
                  over=over, late=late, reports=reports.reports_of(session, compound.id, limit=LATEST_REPORTS),
                  failed=failed, failed_form=failed_form, today=today)


@bp.get("/oversight/")
@login_required
def oversight():
    return _dashboard(_compound())


@bp.get("/oversight/audit")
@login_required
def oversight_audit():
    """The audit chain's state for the dashboard, which loads it after the page (htmx), or as a page of its own.
    The chain is re-hashed whole on every load — one streamed query, but time growing with the chain — and the
    cross-checks read this compound's records and their audit entries. Both are checked now; the page says when."""
    compound = _compound()
    return render("projects/oversight/audit.html", partial="projects/oversight/_partials/audit_state.html",
                  compound=compound, chain=audit.verify_chain(db.session),
                  checks=audit.run_cross_checks(db.session, compound_id=compound.id), checked_at=utcnow())


@bp.post("/oversight/objections/<int:objection_id>/rule")
@login_required
def rule_objection(objection_id: int):
    objection = get_or_404(Objection, objection_id)
    require(can_rule_on(current_user, objection))
    compound = objection.project.compound
    form = TextForm()
    if form.validate_on_submit():
        try:
            services.rule_on(db.session, objection=objection, by=current_user, text=form.text.data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The ruling is recorded and the objection is settled."), "success")
            return redirect(url_for("projects.oversight", compound=compound.id))
    return _dashboard(compound, failed=objection_id, failed_form=form)


# --- oversight reports -------------------------------------------------------------------------------------------

@bp.get("/oversight/reports")
@login_required
def reports_index():
    require(can_read_projects(current_user))
    compound = chosen_compound()
    shown = reports.reports_of(db.session, compound.id) if compound is not None else []
    return render("projects/oversight/reports.html", compound=compound, reports=shown)


@bp.get("/oversight/reports/<int:report_id>")
@login_required
def report(report_id: int):
    require(can_read_projects(current_user))
    shown = db.session.scalar(select(OversightReport).where(OversightReport.id == report_id)
                              .options(public_name_loads(joinedload(OversightReport.published_by))))
    if shown is None:
        abort(404)
    return render("projects/oversight/report.html", report=shown, compound=get_or_404(Compound, shown.compound_id))


def _publishing_compound() -> Compound:
    chosen = request.args.get("compound", type=int)
    if chosen is not None:
        compound = get_or_404(Compound, chosen)
    else:
        compound = next((c for c in compounds_of(current_user) if can_publish_report(current_user, c)), None)
    require(can_publish_report(current_user, compound))
    return compound


@bp.route("/oversight/reports/new", methods=["GET", "POST"])
@login_required
def new_report():
    compound = _publishing_compound()
    form = ReportForm()
    if form.validate_on_submit():
        try:
            published = reports.publish_report(db.session, compound=compound, by=current_user,
                                               title=form.title.data, period=form.period.data, body=form.body.data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The report is published and the compound's residents are told."), "success")
            return redirect(url_for("projects.report", report_id=published.id))
    return render("projects/oversight/new_report.html", compound=compound, form=form)
