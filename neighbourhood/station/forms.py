"""Forms for keeping the four lists."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from neighbourhood.station.labels import LIST_KIND_LABELS
from neighbourhood.station.services import DESCRIPTION_MAX, NAME_MAX

REQUIRED = _l("This field is required.")


class ListEntryForm(FlaskForm):
    kind = SelectField(_l("List"), choices=[SelectChoice(k.value, label) for k, label in LIST_KIND_LABELS.items()],
                       validators=[DataRequired(message=REQUIRED)])
    name = StringField(_l("Matter"), validators=[DataRequired(message=REQUIRED), Length(max=NAME_MAX)])
    description = TextAreaField(_l("Description (optional)"), validators=[Optional(), Length(max=DESCRIPTION_MAX)],
                                render_kw={"rows": 2})
    sort_order = IntegerField(_l("Order (optional)"), validators=[Optional(), NumberRange(min=0, max=9999)])
    submit = SubmitField(_l("Add to the list"))


class EditListEntryForm(ListEntryForm):
    active = BooleanField(_l("In use (untick to retire it; needs already classified keep it)"))
    submit = SubmitField(_l("Save"))
