"""The supervisors' dashboard at /oversight/."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from neighbourhood.accounts.permissions import compounds_of
from neighbourhood.audit import services as audit
from neighbourhood.db import DomainError, utcnow
from neighbourhood.extensions import db
from neighbourhood.places.models import Compound
from neighbourhood.projects import services
from neighbourhood.projects.blueprint import bp
from neighbourhood.projects.forms import TextForm
from neighbourhood.projects.models import (
    EntryKind, EntryStatus, LedgerEntry, Objection, ObjectionStatus, Project, ProjectStatus,
)
from neighbourhood.projects.permissions import can_rule_on, can_see_oversight
from neighbourhood.station import services as station
from neighbourhood.web.rendering import get_or_404, render, require

RUNNING = (ProjectStatus.PLANNING, ProjectStatus.UNDER_WAY, ProjectStatus.COMPLETED)


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
    # Reads the whole chain; fine at a compound's scale for now.
    chain = audit.verify_chain(session)
    return render("projects/oversight/index.html", compound=compound, pending=pending, objections=objections,
                  over=over, late=late, chain=chain, failed=failed, failed_form=failed_form, today=today)


@bp.get("/oversight/")
@login_required
def oversight():
    return _dashboard(_compound())


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
