"""The station's inbox of escalated and overdue needs, and the four lists it keeps per community."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from neighbourhood.db import DomainError, utcnow
from neighbourhood.extensions import db
from neighbourhood.needs import services as needs
from neighbourhood.places.models import Community
from neighbourhood.station import permissions, services
from neighbourhood.station.forms import EditListEntryForm, ListEntryForm
from neighbourhood.station.labels import LIST_KIND_HELP, LIST_KIND_LABELS
from neighbourhood.station.models import FourListEntry
from neighbourhood.web.rendering import get_or_404, render, require

bp = Blueprint("station", __name__, url_prefix="/station")


@bp.get("/inbox")
@login_required
def inbox():
    require(permissions.can_use_station_inbox(current_user))
    now = utcnow()
    communities = services.communities_served(db.session, current_user)
    return render("station/inbox.html", inbox=needs.station_inbox(db.session, communities=communities, now=now),
                  now=now)


@bp.route("/communities/<int:community_id>/lists", methods=["GET", "POST"])
@login_required
def lists(community_id: int):
    community = get_or_404(Community, community_id)
    require(permissions.can_keep_four_lists(current_user, community))
    form = ListEntryForm()
    if form.validate_on_submit():
        try:
            services.add_list_entry(db.session, community=community, by=current_user, kind=form.kind.data,
                                    name=form.name.data, description=form.description.data or "",
                                    sort_order=form.sort_order.data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Added to the list."), "success")
            return redirect(url_for("station.lists", community_id=community.id))
    entries = services.list_entries(db.session, community_id=community.id)
    return render("station/lists.html", community=community, form=form,
                  grouped=services.entries_by_kind(entries), kind_labels=LIST_KIND_LABELS,
                  kind_help=LIST_KIND_HELP)


@bp.route("/lists/<int:entry_id>", methods=["GET", "POST"])
@login_required
def edit_entry(entry_id: int):
    entry = get_or_404(FourListEntry, entry_id)
    require(permissions.can_keep_four_lists(current_user, entry.community))
    form = EditListEntryForm(obj=entry)
    if form.validate_on_submit():
        try:
            services.update_list_entry(db.session, entry=entry, by=current_user, kind=form.kind.data,
                                       name=form.name.data, description=form.description.data or "",
                                       sort_order=form.sort_order.data, active=form.active.data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("station.lists", community_id=entry.community_id))
    return render("station/entry.html", entry=entry, form=form)
