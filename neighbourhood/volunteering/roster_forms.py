"""Forms of the organiser's roster: adjusting a volunteer's hours with a reason, and the evaluation after service.

A roster shows one of each form per volunteer, so each form carries the sign-up's prefix (`s<id>-hours`): the
fields' ids stay unique on the page and a failed form comes back on the right row."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from neighbourhood.volunteering import services
from neighbourhood.volunteering.forms import EVALUATION_LABELS

HOURS_NEEDED = _l("Give the hours as a number, e.g. 2.5.")


def prefix_of(signup_id: int) -> str:
    return f"s{signup_id}"


class HoursForm(FlaskForm):
    # Checked by services.parse_hours, which says what is wrong in the volunteer record's own terms.
    hours = StringField(_l("Hours"), validators=[DataRequired(message=HOURS_NEEDED)],
                        render_kw={"inputmode": "decimal", "autocomplete": "off"},
                        description=_l("To a tenth of an hour, e.g. 2.5."))
    reason = TextAreaField(_l("Why they change"),
                           validators=[DataRequired(message=services.ADJUST_REASON_NEEDED),
                                       Length(max=services.REASON_MAX)],
                           description=_l("Kept in the audit log with the old and the new figure."),
                           render_kw={"rows": 2})


class EvaluationForm(FlaskForm):
    evaluation = RadioField(_l("Evaluation"),
                            choices=[SelectChoice(grade.value, label) for grade, label in EVALUATION_LABELS.items()],
                            validators=[InputRequired(message=_l("Choose a grade."))])
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=services.TEXT_MAX)], render_kw={"rows": 2},
                         description=_l("It goes on the volunteer's record."))
