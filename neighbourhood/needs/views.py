"""Needs (问需): list, raise, "me too", triage, the station's reply, and the overdue command."""
from __future__ import annotations

import click
from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from neighbourhood.accounts.permissions import compounds_of, is_station_staff
from neighbourhood.db import DomainError, utcnow
from neighbourhood.extensions import db, htmx
from neighbourhood.media import services as media
from neighbourhood.needs import labels, permissions, services
from neighbourhood.needs.categories import CATEGORY_LABELS, category_label
from neighbourhood.needs.forms import NeedForm, StationReplyForm, TriageForm
from neighbourhood.needs.models import Need, NeedStatus
from neighbourhood.station import services as station
from neighbourhood.station.labels import LIST_KIND_LABELS, list_kind_label
from neighbourhood.web.rendering import chosen_compound, render, require

bp = Blueprint("needs", __name__)


@bp.app_context_processor
def _need_labels():
    return {"need_status_label": labels.status_label, "need_event_label": labels.event_label,
            "need_holder": labels.holder, "list_kind_label": list_kind_label,
            "category_label": category_label}


def _arg_int(name: str, default: int = 1) -> int:
    value = request.args.get(name, type=int)
    return value if value is not None and value > 0 else default


def _load(need_id: int) -> Need:
    need = services.load_need(db.session, need_id)
    if need is None:
        abort(404)
    return need


# --- list ------------------------------------------------------------------------------------------------

@bp.get("/needs/")
@login_required
def index():
    compound = chosen_compound()
    args = request.args
    filters = {
        "status": args.get("status") if args.get("status") in services.STATUS_FILTERS else "",
        "category": args.get("category") if args.get("category") in CATEGORY_LABELS else "",
        "sort": args.get("sort") if args.get("sort") in services.SORTS else "newest",
        "q": (args.get("q") or "").strip()[:50],
    }
    if compound is None:
        return render("needs/index.html", compound=None, filters=filters, page=None)
    now = utcnow()
    page = services.list_needs(db.session, compound=compound, viewer=current_user, now=now,
                               page=_arg_int("page"), **filters)
    triager = permissions.can_triage_in(current_user, compound)
    return render("needs/index.html", partial="needs/_partials/page.html", compound=compound,
                  compounds=compounds_of(current_user), filters=filters, page=page, now=now,
                  overdue_count=services.count_overdue(db.session, compound=compound, now=now) if triager else 0,
                  page_args={k: v for k, v in filters.items() if v and not (k == "sort" and v == "newest")},
                  status_labels=labels.status_filter_labels(), sort_labels=labels.SORT_LABELS,
                  categories=CATEGORY_LABELS)


# --- raise -----------------------------------------------------------------------------------------------

@bp.route("/needs/new", methods=["GET", "POST"])
@login_required
def new():
    compound = chosen_compound(taking_part=True)
    require(permissions.can_raise_need(current_user, compound))
    form = NeedForm()
    form.set_buildings(compound.buildings)
    if form.validate_on_submit():
        try:
            need = services.raise_need(db.session, author=current_user, compound=compound, title=form.title.data,
                                       description=form.description.data, category=form.category.data,
                                       building_id=form.building.data, place=form.place.data or "")
            media.save_photos(db.session, config=current_app.config, files=request.files.getlist("photos"),
                              subject_type="need", subject_id=need.id, compound_id=compound.id,
                              uploader=current_user)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your need is posted. The council will answer within %(days)s days.",
                    days=compound.triage_limit_days), "success")
            return redirect(url_for("needs.detail", need_id=need.id))
    return render("needs/form.html", form=form, compound=compound)


# --- detail ----------------------------------------------------------------------------------------------

@bp.get("/needs/<int:need_id>")
@login_required
def detail(need_id: int):
    return _detail_page(_load(need_id))


def _triage_form(need: Need, form: TriageForm | None = None) -> TriageForm | None:
    if not permissions.can_triage_need(current_user, need):
        return None
    form = form or TriageForm(formdata=None)
    entries = station.list_entries(db.session, community_id=need.community_id, active_only=True)
    form.set_entries(station.entries_by_kind(entries), LIST_KIND_LABELS)
    return form


def _detail_page(need: Need, *, triage_form=None, reply_form=None):
    events = services.timeline(db.session, need, also_people=[current_user.id])
    readable = permissions.can_read_need_content(current_user, need)
    photos, resolution_photos = services.need_photos(db.session, need)
    return render(
        "needs/detail.html", need=need, readable=readable, photos=photos if readable else [],
        resolution_photos=resolution_photos, events=events,
        me_too=need.id in services.me_too_of(db.session, [need.id], current_user),
        overdue=need.overdue(need.compound.triage_limit_days),
        triage_form=_triage_form(need, triage_form),
        reply_form=(reply_form or StationReplyForm(formdata=None))
        if permissions.can_reply_to_escalation(current_user, need) else None,
    )


# --- me too ----------------------------------------------------------------------------------------------

def _after_me_too(need: Need, message: str, category: str):
    if htmx:
        return render("needs/_partials/me_too.html", need=need, message=message,
                      me_too=need.id in services.me_too_of(db.session, [need.id], current_user))
    flash(message, category)
    return redirect(url_for("needs.detail", need_id=need.id) + "#me-too")


def _change_me_too(need_id: int, change, changed: str, unchanged: str):
    need = _load(need_id)
    require(permissions.is_eligible_for_me_too(current_user, need))
    try:
        did = change(db.session, need=need, user=current_user)
    except DomainError as error:
        db.session.rollback()
        return _after_me_too(_load(need_id), str(error), "error")
    db.session.commit()
    return _after_me_too(need, changed if did else unchanged, "success")


@bp.post("/needs/<int:need_id>/me-too")
@login_required
def me_too(need_id: int):
    return _change_me_too(need_id, services.add_me_too, _("Counted: you have this problem too."),
                          _("You already said \"me too\" to this need."))


@bp.post("/needs/<int:need_id>/me-too/withdraw")
@login_required
def withdraw_me_too(need_id: int):
    return _change_me_too(need_id, services.withdraw_me_too, _("Your \"me too\" is taken back."),
                          _("You had not said \"me too\" to this need."))


# --- triage and the station's reply ------------------------------------------------------------------------

@bp.post("/needs/<int:need_id>/triage")
@login_required
def triage(need_id: int):
    need = _load(need_id)
    require(permissions.can_triage_in(current_user, need.compound))
    form = TriageForm()
    if form.validate_on_submit():
        outcome = form.outcome.data
        try:
            services.triage_need(db.session, need=need, by=current_user, outcome=outcome, note=form.note.data,
                                 list_entry_id=form.list_entry.data)
            if outcome == NeedStatus.RESOLVED.value:
                media.save_photos(db.session, config=current_app.config, files=request.files.getlist("photos"),
                                  subject_type="need_resolution", subject_id=need.id,
                                  compound_id=need.compound_id, uploader=current_user)
        except DomainError as error:
            db.session.rollback()
            need = _load(need_id)
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved: %(status)s. The author and \"me too\" residents are told.",
                    status=labels.status_label(need.status)), "success")
            return redirect(url_for("needs.detail", need_id=need.id) + "#timeline")
    if not permissions.can_triage_need(current_user, need):
        flash(_("This need has already been triaged."), "error")
        return redirect(url_for("needs.detail", need_id=need.id))
    return _detail_page(need, triage_form=form)


@bp.post("/needs/<int:need_id>/station-reply")
@login_required
def station_reply(need_id: int):
    need = _load(need_id)
    require(is_station_staff(current_user, need.community_id))
    form = StationReplyForm()
    if form.validate_on_submit():
        try:
            services.reply_as_station(db.session, need=need, by=current_user, text=form.text.data,
                                      close=form.close.data or None)
        except DomainError as error:
            db.session.rollback()
            need = _load(need_id)
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your reply is on the need's timeline."), "success")
            return redirect(url_for("needs.detail", need_id=need.id) + "#timeline")
    if not permissions.can_reply_to_escalation(current_user, need):
        flash(_("Only needs escalated to the station take the station's reply."), "error")
        return redirect(url_for("needs.detail", need_id=need.id))
    return _detail_page(need, reply_form=form)


# --- command ---------------------------------------------------------------------------------------------

@bp.cli.command("flag-overdue")
def flag_overdue_command():
    """Tell councils and stations about needs waiting longer than their compound's triage limit (once each)."""
    flagged = services.flag_overdue(db.session)
    db.session.commit()
    click.echo(f"{len(flagged)} overdue need(s) flagged.")
