"""Forms of the bids on a project: a bid (quote and plan), and putting the bids to the residents' ballot."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from neighbourhood.projects.bids import BIDDER_KINDS
from neighbourhood.projects.forms import IMPLEMENTER_LABELS, REQUIRED
from neighbourhood.projects.models import BidStatus, ImplementerKind
from neighbourhood.proposals.forms import CostField
from neighbourhood.voting.manage_forms import BAD_TIME, LocalDateTimeField, default_closing

BID_STATUS_LABELS = {
    BidStatus.SUBMITTED: _l("Waiting for a choice"), BidStatus.CHOSEN: _l("Chosen"),
    BidStatus.NOT_CHOSEN: _l("Not chosen"), BidStatus.WITHDRAWN: _l("Withdrawn"),
}


class BidForm(FlaskForm):
    # An operator's form has no choice here: they bid for their social enterprise, the default.
    bidder_kind = SelectField(_l("Bidder"), choices=[SelectChoice(kind.value, IMPLEMENTER_LABELS[kind])
                                                     for kind in BIDDER_KINDS],
                              default=ImplementerKind.ENTERPRISE.value)
    bidder_name = StringField(_l("Bidder's name"), validators=[DataRequired(message=REQUIRED), Length(max=120)])
    quote = CostField(_l("Quote (yuan)"), places=2, validators=[InputRequired(message=REQUIRED),
                                                                NumberRange(min=0.01)])
    plan = TextAreaField(_l("Plan"), validators=[DataRequired(message=REQUIRED), Length(max=4000)],
                         description=_l("What will be done, how, by whom and when."), render_kw={"rows": 4})


class BidBallotForm(FlaskForm):
    closes_at = LocalDateTimeField(_l("The ballot closes at"), validators=[DataRequired(message=BAD_TIME)],
                                   default=default_closing, description=_l("Beijing time."))
