"""Funding: the community fund and the station's decisions on funding requests."""
from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice
from sqlalchemy.orm import joinedload

from neighbourhood.db import DomainError, utcnow
from neighbourhood.extensions import db
from neighbourhood.places.models import Community
from neighbourhood.projects import services
from neighbourhood.projects.blueprint import bp
from neighbourhood.projects.funding_forms import TYPE_LABELS, DecideForm, FundForm, RequestForm
from neighbourhood.projects.models import CommunityFund, FundRequest, FundRequestStatus, Project
from neighbourhood.projects.permissions import can_decide_funding, can_run_project, can_set_fund
from neighbourhood.projects.rules import FORMULA
from neighbourhood.station import services as station
from neighbourhood.station.models import FourListEntry
from neighbourhood.web.rendering import get_or_404, render, require


def yuan(amount) -> str:
    """¥148,750.00: yuan with thousands separators, to the fen."""
    return f"¥{Decimal(amount):,.2f}"


@bp.context_processor
def _funding_words():
    return {"fund_yuan": yuan, "community_type_label": TYPE_LABELS.get}


# --- the station's page ---------------------------------------------------------------------------------------

def _community() -> Community:
    chosen = request.args.get("community", type=int)
    if chosen is not None:
        community = get_or_404(Community, chosen)
    else:
        served = station.communities_served(db.session, current_user)
        if not served:
            abort(403)
        community = served[0]
    require(can_set_fund(current_user, community.id))
    return community


def _funding_page(community: Community, *, form: FundForm | None = None, failed: int | None = None,
                  failed_form: DecideForm | None = None):
    year = utcnow().year
    status = services.fund_status(db.session, community.id, year)
    fund = db.session.scalar(select(CommunityFund).where(CommunityFund.community_id == community.id,
                                                         CommunityFund.year == year))
    if form is None:
        form = FundForm()
        if fund is not None:
            form.community_type.data, form.residents.data = fund.community_type.value, fund.residents
    waiting = list(db.session.scalars(
        select(FundRequest).where(FundRequest.community_id == community.id,
                                  FundRequest.status == FundRequestStatus.REQUESTED)
        .options(joinedload(FundRequest.project).joinedload(Project.compound))
        .order_by(FundRequest.requested_at, FundRequest.id)))
    entry_ids = {r.list_entry_id for r in waiting}
    matters = {e.id: e for e in db.session.scalars(select(FourListEntry).where(FourListEntry.id.in_(entry_ids)))} \
        if entry_ids else {}
    return render("projects/funding/index.html", community=community, fund_state=status, fund=fund, form=form,
                  waiting=waiting, matters=matters, formula=FORMULA, failed=failed,
                  failed_form=failed_form, decide_form=DecideForm(formdata=None))


@bp.route("/projects/funding", methods=["GET", "POST"])
@login_required
def funding():
    community = _community()
    form = FundForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.set_fund(db.session, community=community, year=utcnow().year,
                                  community_type=form.community_type.data, residents=form.residents.data,
                                  by=current_user)
            except DomainError as error:
                db.session.rollback()
                form.form_errors.append(str(error))
            else:
                db.session.commit()
                flash(_("The fund for this year is set."), "success")
                return redirect(url_for("projects.funding", community=community.id))
        return _funding_page(community, form=form)
    return _funding_page(community)


@bp.post("/projects/funding/<int:request_id>/decide")
@login_required
def decide_funding(request_id: int):
    fund_request = get_or_404(FundRequest, request_id)
    require(can_decide_funding(current_user, fund_request.community_id))
    community = db.session.get(Community, fund_request.community_id)
    form = DecideForm()
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        try:
            services.decide_funding(db.session, request=fund_request, by=current_user, approve=approve,
                                    reason=form.reason.data or "")
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Approved: the money is now the project's income.") if approve
                  else _("Returned to the council with your reasons."), "success")
            return redirect(url_for("projects.funding", community=community.id))
    return _funding_page(community, failed=request_id, failed_form=form)


# --- the council's request -------------------------------------------------------------------------------------

@bp.route("/projects/<int:project_id>/funding", methods=["GET", "POST"])
@login_required
def request_funding(project_id: int):
    project = get_or_404(Project, project_id)
    require(can_run_project(current_user, project))
    entries = station.list_entries(db.session, community_id=project.community_id, active_only=True)
    form = RequestForm()
    form.list_entry.choices = [SelectChoice(e.id, f"{e.name} ({_('negative list')})" if e.is_negative else e.name)
                               for e in entries]
    if request.method == "GET":
        form.year.data = utcnow().year
    if form.validate_on_submit():
        entry = next(e for e in entries if e.id == form.list_entry.data)
        try:
            services.request_funding(db.session, project=project, by=current_user, amount=form.amount.data,
                                     year=form.year.data, list_entry=entry)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Sent to the station. You will be told when it decides."), "success")
            return redirect(url_for("projects.detail", project_id=project.id))
    return render("projects/funding/request.html", project=project, form=form,
                  fund_state=services.fund_status(db.session, project.community_id, form.year.data or utcnow().year))
