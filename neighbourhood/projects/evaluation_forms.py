"""Forms of 问效: a resident's rating. The council's report and the station's notes are one text each (TextForm)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from neighbourhood.projects.evaluation import COMMENT_MAX, SCORES

SCORE_LABELS = {1: _l("1 · very dissatisfied"), 2: _l("2 · dissatisfied"), 3: _l("3 · acceptable"),
                4: _l("4 · satisfied"), 5: _l("5 · very satisfied")}


class RateForm(FlaskForm):
    score = RadioField(_l("How satisfied are you with the result?"), coerce=int,
                       choices=[SelectChoice(score, SCORE_LABELS[score]) for score in reversed(SCORES)],
                       validators=[InputRequired(message=_l("Choose a score from 1 to 5."))])
    comment = TextAreaField(_l("Comment (optional, public)"), render_kw={"rows": 3, "maxlength": COMMENT_MAX},
                            validators=[Optional(), Length(max=COMMENT_MAX, message=_l(
                                "Keep the comment to %(max)s characters or fewer.", max=COMMENT_MAX))])
