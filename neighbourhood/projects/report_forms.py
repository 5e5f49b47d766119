"""The form a supervisor writes an oversight report in."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from neighbourhood.projects.reports import BODY_MAX, PERIOD_MAX, TITLE_MAX

REQUIRED = _l("This field is required.")


class ReportForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(message=REQUIRED), Length(max=TITLE_MAX)])
    period = StringField(_l("Period covered"), validators=[InputRequired(message=REQUIRED), Length(max=PERIOD_MAX)],
                         description=_l("As the committee names it, for example 2026年第三季度."))
    body = TextAreaField(_l("Report text"), validators=[InputRequired(message=REQUIRED), Length(max=BODY_MAX)],
                         render_kw={"rows": 14},
                         description=_l("Plain text, or simple Markdown: a blank line between paragraphs, # for a "
                                        "heading, - for a list item, **bold**, *italic* and [text](https://…) for a "
                                        "link. Nothing else is kept."))
