"""Notification text messages: short, in Chinese (the default language), with a link to the site.

Sent through the pluggable sender in `current_app.extensions["sms_sender"]` (accounts/sms.py)."""
from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import force_locale, gettext as _

from neighbourhood.notifications.kinds import render

SMS_MAX = 200
SMS_LOCALE = "zh_Hans"


def site_url() -> str:
    """SITE_URL from the configuration when set, else the address of the current request."""
    configured = current_app.config.get("SITE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return ""


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def immediate_message(notification) -> str:
    with force_locale(SMS_LOCALE):
        text = render(notification.kind, notification.params)
        link = site_url() + notification.url
        prefix = _("[Neighbourhood]")
    return _shorten(prefix + text, SMS_MAX - len(link) - 1) + " " + link


def digest_message(notifications: list) -> str:
    """One message for a user's waiting notifications: how many, the newest, and the inbox link."""
    newest = max(notifications, key=lambda n: (n.created_at, n.id))
    with force_locale(SMS_LOCALE):
        link = site_url() + "/notifications"
        if len(notifications) == 1:
            text = _("[Neighbourhood]") + render(newest.kind, newest.params)
        else:
            text = _("[Neighbourhood] %(n)s new notifications, the latest: %(latest)s", n=len(notifications),
                     latest=render(newest.kind, newest.params))
    return _shorten(text, SMS_MAX - len(link) - 1) + " " + link


def send(phone: str, message: str) -> None:
    current_app.extensions["sms_sender"].send(phone, message)
