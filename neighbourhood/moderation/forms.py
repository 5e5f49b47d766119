"""Hiding, restoring and reporting content: a reason from the fixed list and a short note."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from neighbourhood.moderation.reasons import REASON_LABELS
from neighbourhood.moderation.services import NOTE_MAX


def reason_choices():
    return [SelectChoice(reason.value, label) for reason, label in REASON_LABELS.items()]


class _Back(FlaskForm):
    next = HiddenField()


class ReportForm(_Back):
    reason = SelectField(_l("Reason"), choices=reason_choices,
                         validators=[DataRequired(_l("Choose a reason from the list."))],
                         validate_choice=True)
    note = TextAreaField(_l("What is wrong (optional)"),
                         validators=[Length(max=NOTE_MAX, message=_l("Keep the note under %(max)d characters."))])


class HideForm(_Back):
    reason = SelectField(_l("Reason"), choices=reason_choices,
                         validators=[DataRequired(_l("Choose a reason from the list."))],
                         validate_choice=True)
    note = TextAreaField(_l("Note for the record (optional)"),
                         validators=[Length(max=NOTE_MAX, message=_l("Keep the note under %(max)d characters."))])


class RestoreForm(_Back):
    note = TextAreaField(_l("Note for the record (optional)"),
                         validators=[Length(max=NOTE_MAX, message=_l("Keep the note under %(max)d characters."))])
