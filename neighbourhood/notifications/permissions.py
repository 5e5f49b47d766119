"""Whose notifications are whose, as pure predicates (also Jinja globals), and the header's unread count."""
from __future__ import annotations


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def can_use_inbox(user) -> bool:
    return _signed_in(user)


def can_read_notification(user, notification) -> bool:
    """Only one's own."""
    return _signed_in(user) and notification.user_id == user.id


def can_get_sms(user) -> bool:
    """Text messages need a phone number on the account."""
    return _signed_in(user) and bool(user.phone)


def unread_notifications() -> int:
    """The signed-in user's unread count for the header: one small query per request, none when signed out."""
    from flask import has_request_context, request
    from flask_login import current_user

    if not has_request_context() or not _signed_in(current_user):
        return 0
    # Cached for the request (in its WSGI environ: tests reuse one app context, so not in `g`).
    key = "neighbourhood.unread_notifications"
    if key not in request.environ:
        from neighbourhood.extensions import db
        from neighbourhood.notifications.services import unread_count

        request.environ[key] = unread_count(db.session, current_user)
    return request.environ[key]

PREDICATES = {
    name: value for name, value in dict(globals()).items()
    if name.startswith(("can_", "is_")) and callable(value)
}
PREDICATES["unread_notifications"] = unread_notifications
