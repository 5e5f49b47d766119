"""Moderation: hide, restore and report content; the council's review queue; the public moderation log."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from neighbourhood.accounts.permissions import compounds_of
from neighbourhood.db import DomainError
from neighbourhood.extensions import db, htmx
from neighbourhood.moderation import content, permissions, services
from neighbourhood.moderation.forms import HideForm, ReportForm, RestoreForm
from neighbourhood.moderation.models import ContentReport, ModerationAction  # noqa: F401  (tables)
from neighbourhood.places.models import Compound
from neighbourhood.web.rendering import get_or_404, render, require
from neighbourhood.web.views import safe_next

bp = Blueprint("moderation", __name__)


def _content(kind: str, subject_id: int):
    entry = content.kinds().get(kind)
    if entry is None:
        abort(404)
    return get_or_404(entry.model, subject_id)


def _back(form, kind: str, item) -> str:
    return safe_next(form.next.data or request.args.get("next"), content.kind_of(kind).url(item))


def _done(form, kind: str, item, message: str, category: str = "success"):
    """htmx: the updated controls fragment; otherwise back to the page the form was on."""
    if htmx:
        return render("moderation/_partials/controls.html", kind=kind, item=item, moderation_message=message)
    flash(message, category)
    return redirect(_back(form, kind, item))


def _form_page(action: str, form, kind: str, item, status: int = 200):
    """The form again, filled in with its errors, on a page of its own (the content page is elsewhere)."""
    return render("moderation/act.html", action=action, form=form, kind=kind, item=item,
                  back=_back(form, kind, item), status=status)


@bp.post("/moderation/<kind>/<int:subject_id>/hide")
@login_required
def hide(kind: str, subject_id: int):
    item = _content(kind, subject_id)
    require(permissions.can_moderate(current_user, kind, item))
    form = HideForm()
    if form.validate_on_submit():
        try:
            services.hide(db.session, kind=kind, item=item, by=current_user, reason=form.reason.data,
                          note=form.note.data)
        except DomainError as error:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(error)]
        else:
            db.session.commit()
            return _done(form, kind, item, _("Hidden. The author is told, and the moderation log shows the reason."))
    return _form_page("hide", form, kind, item)


def _settle(action: str, kind: str, subject_id: int, settle, done_message: str):
    """Restore or dismiss: the council's answer to hidden or reported content, with an optional note."""
    item = _content(kind, subject_id)
    require(permissions.can_moderate(current_user, kind, item))
    form = RestoreForm()
    if form.validate_on_submit():
        try:
            settle(db.session, kind=kind, item=item, by=current_user, note=form.note.data)
        except DomainError as error:
            db.session.rollback()
            form.note.errors = [*form.note.errors, str(error)]
        else:
            db.session.commit()
            return _done(form, kind, item, done_message)
    return _form_page(action, form, kind, item)


@bp.post("/moderation/<kind>/<int:subject_id>/restore")
@login_required
def restore(kind: str, subject_id: int):
    return _settle("restore", kind, subject_id, services.restore, _("Restored: everyone can read it again."))


@bp.post("/moderation/<kind>/<int:subject_id>/dismiss")
@login_required
def dismiss(kind: str, subject_id: int):
    return _settle("dismiss", kind, subject_id, services.dismiss, _("Reports dismissed: it stays up."))


@bp.post("/moderation/<kind>/<int:subject_id>/report")
@login_required
def report(kind: str, subject_id: int):
    item = _content(kind, subject_id)
    # Who may not report at all is refused; "already reported" and "already hidden" come back as messages.
    require(permissions.may_report(current_user, kind, item))
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.report(db.session, kind=kind, item=item, by=current_user, reason=form.reason.data,
                            note=form.note.data)
        except DomainError as error:
            db.session.rollback()
            return _done(form, kind, item, str(error), "error")
        db.session.commit()
        return _done(form, kind, item, _("Thank you. The council will review it."))
    return _form_page("report", form, kind, item)


@bp.get("/moderation/")
@login_required
def queue():
    chosen = request.args.get("compound", type=int)
    if chosen is not None:
        compound = get_or_404(Compound, chosen)
    else:
        compound = next((c for c in compounds_of(current_user)
                         if permissions.can_review_reports(current_user, c)), None)
        if compound is None:
            abort(403)
    require(permissions.can_review_reports(current_user, compound))
    items = services.review_queue(db.session, compound)
    return render("moderation/queue.html", compound=compound, items=items)


@bp.get("/moderation/log")
def log():
    compound = None
    chosen = request.args.get("compound", type=int)
    if chosen is not None:
        compound = get_or_404(Compound, chosen)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    actions, has_more = services.log_page(db.session, compound_id=compound.id if compound else None, page=page)
    compounds = {}
    if compound is None and actions:
        ids = {a.compound_id for a in actions}
        compounds = {c.id: c for c in db.session.scalars(db.select(Compound).where(Compound.id.in_(ids)))}
    return render("moderation/log.html", partial="moderation/_partials/log_page.html", actions=actions,
                  has_more=has_more, page=page, compound=compound, compounds=compounds)
