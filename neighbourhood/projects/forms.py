"""Forms of the project pages: a new project, a milestone, a ledger entry, and the short texts of decisions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from neighbourhood.projects.models import (
    EntryKind, EntryStatus, FundingSource, ImplementerKind, ObjectionStatus, ProjectStatus,
)
from neighbourhood.proposals.forms import CostField

REQUIRED = _l("This field is required.")

STATUS_LABELS = {
    ProjectStatus.PLANNING: _l("Planning"), ProjectStatus.UNDER_WAY: _l("Under way"),
    ProjectStatus.COMPLETED: _l("Waiting for acceptance"), ProjectStatus.ACCEPTED: _l("Accepted"),
    ProjectStatus.CANCELLED: _l("Cancelled"),
}
SOURCE_LABELS = {
    FundingSource.COMMUNITY_FUND: _l("Community micro-project fund"),
    FundingSource.COMMON_INCOME: _l("The compound's income from common parts"),
    FundingSource.DONATION: _l("Donations"), FundingSource.SOCIAL_ENTERPRISE: _l("Social enterprise"),
}
IMPLEMENTER_LABELS = {
    ImplementerKind.COUNCIL: _l("The council itself"), ImplementerKind.ENTERPRISE: _l("A community social enterprise"),
    ImplementerKind.OTHER: _l("Another contractor"),
}
KIND_LABELS = {EntryKind.INCOME: _l("Income"), EntryKind.SPENDING: _l("Spending")}
ENTRY_STATUS_LABELS = {EntryStatus.PENDING: _l("Waiting for a supervisor"), EntryStatus.APPROVED: _l("Approved"),
                       EntryStatus.REJECTED: _l("Rejected")}
OBJECTION_LABELS = {
    ObjectionStatus.OPEN: _l("Open: spending paused"), ObjectionStatus.ANSWERED: _l("Answered: spending paused"),
    ObjectionStatus.ACCEPTED: _l("Settled: answer accepted"), ObjectionStatus.RULED: _l("Settled by the station"),
}


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(key.value, label) for key, label in labels.items()]


class ProjectForm(FlaskForm):
    lead = SelectField(_l("Lead"), coerce=int, validators=[InputRequired(message=REQUIRED)],
                       description=_l("A council member of the compound answers for the project."))
    budget = CostField(_l("Budget (yuan)"), places=2, validators=[InputRequired(message=REQUIRED),
                                                                  NumberRange(min=0.01)])
    funding_source = SelectField(_l("Funding source"), choices=_choices(SOURCE_LABELS))
    planned_start = DateField(_l("Planned start"), validators=[InputRequired(message=REQUIRED)])
    planned_end = DateField(_l("Planned end"), validators=[InputRequired(message=REQUIRED)])
    implementer_kind = SelectField(_l("Who carries it out"), choices=_choices(IMPLEMENTER_LABELS))
    implementer_name = StringField(_l("Implementer's name"), validators=[Optional(), Length(max=120)])
    implementer_reason = TextAreaField(_l("Why this implementer (public)"), validators=[Optional(), Length(max=2000)],
                                       render_kw={"rows": 3})


class MilestoneForm(FlaskForm):
    title = StringField(_l("Milestone"), validators=[DataRequired(message=REQUIRED), Length(max=120)])
    progress = IntegerField(_l("Progress (per cent)"), validators=[InputRequired(message=REQUIRED),
                                                                   NumberRange(min=0, max=100)])
    reached_on = DateField(_l("Date"), validators=[InputRequired(message=REQUIRED)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})


class EntryForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=_choices(KIND_LABELS))
    amount = CostField(_l("Amount (yuan)"), places=2, validators=[InputRequired(message=REQUIRED),
                                                                  NumberRange(min=0.01)])
    occurred_on = DateField(_l("Date"), validators=[InputRequired(message=REQUIRED)])
    counterparty = StringField(_l("Paid to or received from"), validators=[DataRequired(message=REQUIRED),
                                                                          Length(max=120)])
    is_person = BooleanField(_l("A private individual (residents see the name masked)"))
    purpose = StringField(_l("Purpose"), validators=[DataRequired(message=REQUIRED), Length(max=200)])


class TextForm(FlaskForm):
    """One required text: a reason, a note, an objection, an answer."""
    text = TextAreaField(_l("Text"), validators=[DataRequired(message=REQUIRED), Length(max=2000)],
                         render_kw={"rows": 2})

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label is not None:
            self.text.label.text = label
