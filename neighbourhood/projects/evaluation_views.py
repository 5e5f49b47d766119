"""问效 pages: a resident rates an accepted project (on the project page), and the rectifications page where the
council reports what it put right and the station returns or closes it."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from neighbourhood.accounts.permissions import compounds_of
from neighbourhood.db import DomainError
from neighbourhood.extensions import db
from neighbourhood.places.models import Community, Compound
from neighbourhood.projects import evaluation, pages
from neighbourhood.projects.blueprint import bp
from neighbourhood.projects.evaluation_forms import RateForm
from neighbourhood.projects.evaluation_permissions import (
    can_check_rectification, can_rate, can_report_rectification, can_see_community_rectifications,
    can_see_rectifications,
)
from neighbourhood.projects.forms import TextForm
from neighbourhood.projects.models import Project, Rectification, RectificationStatus
from neighbourhood.station import services as station
from neighbourhood.web.rendering import get_or_404, render, require

RECTIFICATION_LABELS = {
    RectificationStatus.OPEN: _l("Waiting for the council's report"),
    RectificationStatus.REPORTED: _l("Reported: the station checks it"),
    RectificationStatus.CLOSED: _l("Closed: the station confirmed it"),
}
# Open first (the council owes a report), then those the station has to check, then the closed ones.
STATUS_ORDER = case({RectificationStatus.OPEN: 0, RectificationStatus.REPORTED: 1},
                    value=Rectification.status, else_=2)


@bp.context_processor
def _evaluation_words():
    return {"rectification_label": RECTIFICATION_LABELS.get, "blank_rate_form": lambda: RateForm(formdata=None)}


# --- rating ------------------------------------------------------------------------------------------------------

@bp.post("/projects/<int:project_id>/rate")
@login_required
def rate(project_id: int):
    project = pages.load_project(project_id)
    require(can_rate(current_user, project))
    form = RateForm()
    if form.validate_on_submit():
        try:
            evaluation.rate(db.session, project=project, by=current_user, score=form.score.data,
                            comment=form.comment.data or "")
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            return pages.done(project, _("Thank you: your rating is counted."))
    return pages.detail_page(pages.load_project(project_id), failed="rate", failed_form=form)


# --- rectifications ----------------------------------------------------------------------------------------------

def _scope() -> tuple[Community | None, Compound | None]:
    """The station's community (?community=, else the first it serves) or one compound (?compound=, else the
    first whose council the user sits on)."""
    compound_id = request.args.get("compound", type=int)
    if compound_id is not None:
        compound = get_or_404(Compound, compound_id)
        require(can_see_rectifications(current_user, compound))
        return None, compound
    community_id = request.args.get("community", type=int)
    if community_id is not None:
        community = get_or_404(Community, community_id)
        require(can_see_community_rectifications(current_user, community.id))
        return community, None
    served = station.communities_served(db.session, current_user)
    if served:
        return served[0], None
    compound = next((c for c in compounds_of(current_user) if can_see_rectifications(current_user, c)), None)
    if compound is None:
        abort(403)
    return None, compound


def _page(community: Community | None, compound: Compound | None, *, failed: str = "",
          failed_form: TextForm | None = None):
    where = Rectification.compound_id == compound.id if compound is not None \
        else Rectification.community_id == community.id
    rectifications = list(db.session.scalars(
        select(Rectification).where(where)
        .options(joinedload(Rectification.project).joinedload(Project.compound))
        .order_by(STATUS_ORDER, Rectification.opened_at.desc(), Rectification.id.desc())))
    return render("projects/rectifications.html", community=community, compound=compound,
                  rectifications=rectifications, failed=failed, failed_form=failed_form)


@bp.get("/projects/rectifications")
@login_required
def rectifications():
    return _page(*_scope())


def _act(rectification: Rectification, key: str, act, message: str, *, for_station: bool):
    """One text (the report, or the station's note): the service call and back to the list, or the list again
    with the text kept and the error shown."""
    form = TextForm()
    if form.validate_on_submit():
        try:
            act(form.text.data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(message, "success")
            scope = {"community": rectification.community_id} if for_station \
                else {"compound": rectification.compound_id}
            return redirect(url_for("projects.rectifications", **scope))
    if for_station:
        return _page(db.session.get(Community, rectification.community_id), None, failed=key, failed_form=form)
    return _page(None, rectification.project.compound, failed=key, failed_form=form)


@bp.post("/projects/rectifications/<int:rectification_id>/report")
@login_required
def report_rectification(rectification_id: int):
    rectification = get_or_404(Rectification, rectification_id)
    require(can_report_rectification(current_user, rectification))
    return _act(rectification, f"report-{rectification.id}",
                lambda text: evaluation.report_rectification(db.session, rectification=rectification,
                                                             by=current_user, report=text),
                _("Your report is sent to the station."), for_station=False)


@bp.post("/projects/rectifications/<int:rectification_id>/return")
@login_required
def return_rectification(rectification_id: int):
    rectification = get_or_404(Rectification, rectification_id)
    require(can_check_rectification(current_user, rectification))
    return _act(rectification, f"return-{rectification.id}",
                lambda text: evaluation.return_rectification(db.session, rectification=rectification,
                                                             by=current_user, note=text),
                _("The report is returned to the council with your note."), for_station=True)


@bp.post("/projects/rectifications/<int:rectification_id>/close")
@login_required
def close_rectification(rectification_id: int):
    rectification = get_or_404(Rectification, rectification_id)
    require(can_check_rectification(current_user, rectification))
    return _act(rectification, f"close-{rectification.id}",
                lambda text: evaluation.close_rectification(db.session, rectification=rectification,
                                                            by=current_user, note=text),
                _("The rectification is closed."), for_station=True)
