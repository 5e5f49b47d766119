"""The notification inbox (/notifications), reading one, marking all read, preferences, and the daily SMS digest."""
from __future__ import annotations

import click
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from neighbourhood.extensions import db
from neighbourhood.notifications import permissions, services
from neighbourhood.notifications.forms import field_name, preferences_form_class
from neighbourhood.notifications.kinds import KINDS, render as render_message
from neighbourhood.notifications.models import Channel, Notification, Timing
from neighbourhood.web.rendering import render, require
from neighbourhood.web.views import safe_next

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _notification_helpers():
    return {"notification_text": render_message}


@bp.get("/notifications")
@login_required
def inbox():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    items, has_more = services.inbox_page(db.session, current_user, page=page)
    return render("notifications/inbox.html", partial="notifications/_partials/page.html", items=items,
                  has_more=has_more, page=page)


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_item(notification_id: int):
    """Marks it read and goes to what it is about. Someone else's notification does not exist for you."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or not permissions.can_read_notification(current_user, notification):
        abort(404)
    services.mark_read(db.session, notification)
    db.session.commit()
    return redirect(safe_next(notification.url, url_for("notifications.inbox")))


@bp.post("/notifications/read-all")
@login_required
def read_all():
    require(permissions.can_use_inbox(current_user))
    count = services.mark_all_read(db.session, current_user)
    db.session.commit()
    flash(_("All marked as read.") if count else _("Nothing unread."), "success")
    return redirect(url_for("notifications.inbox"))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    form_class = preferences_form_class()
    current = services.preferences(db.session, current_user)
    if request.method == "GET":
        data = {field_name(kind): {"channel": channel.value, "timing": timing.value}
                for kind, (channel, timing) in current.items()}
        form = form_class(data=data)
    else:
        form = form_class()
    if form.validate_on_submit():
        choices = {}
        for kind in KINDS:
            sub = form[field_name(kind)]
            choices[kind] = (Channel(sub.channel.data), Timing(sub.timing.data))
        if not permissions.can_get_sms(current_user) and any(c is Channel.SMS for c, _t in choices.values()):
            form.form_errors.append(_("Add a phone number to your account to get text messages."))
        else:
            services.set_preferences(db.session, current_user, choices)
            db.session.commit()
            flash(_("Your notification preferences are saved."), "success")
            return redirect(url_for("notifications.preferences"))
    return render("notifications/preferences.html", form=form, kinds=KINDS, field_name=field_name,
                  can_sms=permissions.can_get_sms(current_user))


@bp.cli.command("send-digest")
def send_digest_command():
    """Send each resident one text message summarising the notifications they want as a daily digest."""
    sent = services.send_digest(db.session)
    db.session.commit()
    click.echo(f"Sent {sent} digest message(s).")
