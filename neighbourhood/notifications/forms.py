"""The notification preferences form: per kind, a channel and a timing."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FormField, RadioField, SelectChoice, SubmitField
from wtforms import Form as PlainForm

from neighbourhood.notifications.kinds import KINDS
from neighbourhood.notifications.models import Channel, Timing

CHANNEL_LABELS = {Channel.INBOX: _l("Inbox only"), Channel.SMS: _l("Inbox and text message")}
TIMING_LABELS = {Timing.DIGEST: _l("Once a day"), Timing.IMMEDIATE: _l("Immediately")}


class KindPreference(PlainForm):
    channel = RadioField(_l("How"), choices=[SelectChoice(c.value, label) for c, label in CHANNEL_LABELS.items()],
                         default=Channel.INBOX.value)
    timing = RadioField(_l("When"), choices=[SelectChoice(t.value, label) for t, label in TIMING_LABELS.items()],
                        default=Timing.DIGEST.value)


def preferences_form_class():
    """One sub-form per kind of notification, named after the kind (dots become underscores)."""
    attrs = {field_name(kind): FormField(KindPreference, label=entry.label) for kind, entry in KINDS.items()}
    attrs["submit"] = SubmitField(_l("Save preferences"))
    return type("PreferencesForm", (FlaskForm,), attrs)


def field_name(kind: str) -> str:
    return "k_" + kind.replace(".", "_")
