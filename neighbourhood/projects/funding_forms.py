"""Forms of the funding pages: the community's fund, a funding request, and the station's decision on one."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from neighbourhood.projects.rules import CommunityType
from neighbourhood.proposals.forms import CostField

REQUIRED = _l("This field is required.")
TYPE_LABELS = {CommunityType.CITY: _l("City community"), CommunityType.RURAL: _l("Rural community")}


class FundForm(FlaskForm):
    community_type = SelectField(_l("Kind of community"),
                                 choices=[SelectChoice(kind.value, label) for kind, label in TYPE_LABELS.items()])
    residents = IntegerField(_l("Number of residents"), validators=[InputRequired(message=REQUIRED),
                                                                    NumberRange(min=0, max=10_000_000)])


class RequestForm(FlaskForm):
    amount = CostField(_l("Amount (yuan)"), places=2, validators=[InputRequired(message=REQUIRED),
                                                                  NumberRange(min=0.01)])
    year = IntegerField(_l("Year"), validators=[InputRequired(message=REQUIRED), NumberRange(min=2000, max=2100)])
    list_entry = SelectField(_l("Matter on the community's four lists"), coerce=int,
                             validators=[InputRequired(message=REQUIRED)],
                             description=_l("Matters on the negative list cannot be paid from the fund."))


class DecideForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[SelectChoice("approve", _l("Approve")),
                                                             SelectChoice("return", _l("Return"))])
    reason = TextAreaField(_l("Reasons (needed to return a request)"), validators=[Optional(), Length(max=2000)],
                           render_kw={"rows": 2})
