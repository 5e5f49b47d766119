"""Forms for raising a need, triage, and the station's reply."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from neighbourhood.needs.categories import CATEGORY_LABELS, Category
from neighbourhood.needs.labels import OUTCOME_LABELS
from neighbourhood.needs.models import DESCRIPTION_MAX, NOTE_MAX, PLACE_MAX, TITLE_MAX, NeedStatus

REQUIRED = _l("This field is required.")


def category_choices():
    return [SelectChoice(c.value, CATEGORY_LABELS[c]) for c in Category]


def _optional_int(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class NeedForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(message=REQUIRED), Length(min=4, max=TITLE_MAX)],
        description=_l("What is wrong or missing, in a few words."),
    )
    description = TextAreaField(
        _l("Description"), validators=[DataRequired(message=REQUIRED), Length(min=5, max=DESCRIPTION_MAX)],
        description=_l("What you see, since when, and who it affects."), render_kw={"rows": 6},
    )
    building = SelectField(_l("Building"), coerce=_optional_int, validate_choice=False)
    place = StringField(
        _l("Or a common area"), validators=[Optional(), Length(max=PLACE_MAX)],
        description=_l("For example: east gate, underground car park, central garden."),
    )
    category = SelectField(_l("Category"), choices=category_choices, validators=[DataRequired(message=REQUIRED)])
    submit = SubmitField(_l("Raise the need"))

    def set_buildings(self, buildings) -> None:
        self.building.choices = [SelectChoice("", _l("Not a building (say where below)"))] + [
            SelectChoice(b.id, b.name) for b in buildings]
        self._building_ids = {b.id for b in buildings}

    def validate_building(self, field):
        if field.data is not None and field.data not in getattr(self, "_building_ids", set()):
            raise ValidationError(_l("Choose a building of this compound."))

    def validate_place(self, field):
        if self.building.data is None and not (field.data or "").strip():
            raise ValidationError(_l("Say where it is: choose a building, or name a common area."))


class TriageForm(FlaskForm):
    list_entry = SelectField(_l("Which of the four lists it falls under"), coerce=_optional_int,
                             validate_choice=False)
    outcome = RadioField(_l("Outcome"), choices=[SelectChoice(s.value, label) for s, label in OUTCOME_LABELS.items()],
                         validators=[DataRequired(message=_l("Choose what happens to the need."))])
    note = TextAreaField(
        _l("Note for residents"), validators=[Length(max=NOTE_MAX)], render_kw={"rows": 3},
        description=_l("Shown on the need's timeline. Required except when it becomes a proposal."),
    )
    submit = SubmitField(_l("Save triage"))

    def set_entries(self, grouped: dict, kind_labels: dict) -> None:
        choices = [SelectChoice("", _l("Choose…"))]
        for kind, entries in grouped.items():
            for entry in entries:
                choices.append(SelectChoice(entry.id, entry.name, optgroup=str(kind_labels[kind])))
        self.list_entry.choices = choices


class StationReplyForm(FlaskForm):
    text = TextAreaField(
        _l("Reply"), validators=[DataRequired(message=_l("Write the reply first.")), Length(max=NOTE_MAX)],
        render_kw={"rows": 3}, description=_l("Shown on the need's timeline; its author and \"me too\" residents "
                                               "are told."),
    )
    close = SelectField(_l("And then"), choices=[
        SelectChoice("", _l("Keep it with the station")),
        SelectChoice(NeedStatus.RESOLVED.value, _l("Close it as resolved")),
        SelectChoice(NeedStatus.DECLINED.value, _l("Close it as declined")),
    ], validators=[Optional()])
    submit = SubmitField(_l("Send reply"))
