"""Forms for recording a council meeting and for a supervisor's opinion."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from neighbourhood.proposals.models import ProposalStatus

REQUIRED = _l("This field is required.")
COUNT_RANGE = _l("Enter a whole number from 0 to 99.")

OUTCOME_LABELS = {
    ProposalStatus.TO_BALLOT: _l("Put to a residents' ballot"),
    ProposalStatus.ADOPTED: _l("Adopt within the council's authority"),
    ProposalStatus.MERGED: _l("Merge into another proposal"),
    ProposalStatus.REJECTED: _l("Reject, with public reasons"),
}
# What a decision is called once taken (meeting pages, the agenda).
OUTCOME_NAMES = {
    ProposalStatus.TO_BALLOT: _l("To a residents' ballot"),
    ProposalStatus.ADOPTED: _l("Adopted by the council"),
    ProposalStatus.MERGED: _l("Merged"),
    ProposalStatus.REJECTED: _l("Rejected"),
}


def outcome_name(value) -> str:
    """A stored outcome code in the reader's language (notifications store codes, not words)."""
    try:
        return str(OUTCOME_NAMES[ProposalStatus(value)])
    except (KeyError, ValueError):
        return str(value)


def _count(label):
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=99, message=COUNT_RANGE)],
                        render_kw={"inputmode": "numeric", "min": 0, "max": 99})


class AgendaItemForm(Form):
    """The decision on one agenda item. No outcome = not decided at this meeting (it stays on the agenda)."""

    proposal_id = HiddenField()
    outcome = SelectField(_l("Decision"), default="", choices=[
        SelectChoice("", _l("No decision at this meeting")),
        *[SelectChoice(status.value, label) for status, label in OUTCOME_LABELS.items()],
    ])
    merge_into = SelectField(_l("Merge into"), default="", validate_choice=False, choices=[])
    reason = TextAreaField(_l("Public reasons"), validators=[Optional(), Length(max=2000)],
                           description=_l("Required to reject or merge. Residents read them on the proposal."),
                           render_kw={"rows": 3})
    votes_for = _count(_l("For"))
    votes_against = _count(_l("Against"))
    votes_abstain = _count(_l("Abstain"))


class MeetingForm(FlaskForm):
    held_on = DateField(_l("Date of the meeting"), validators=[DataRequired(message=_l("Enter a valid date."))])
    place = StringField(_l("Place"), validators=[DataRequired(message=REQUIRED), Length(max=120)],
                        render_kw={"placeholder": _l("e.g. the station's meeting room")})
    present = SelectMultipleField(_l("Council members present"), coerce=int, validate_choice=False)
    supervisors = SelectMultipleField(_l("Supervisors present (a voice, no vote)"), coerce=int,
                                      validate_choice=False)
    minutes = TextAreaField(_l("Minutes"), validators=[Optional(), Length(max=10000)],
                            description=_l("What was discussed, in a few lines. Published with the meeting."),
                            render_kw={"rows": 5})
    items = FieldList(FormField(AgendaItemForm))
    submit = SubmitField(_l("Save the meeting record"))


class OpinionForm(FlaskForm):
    body = TextAreaField(_l("Your opinion"), validators=[DataRequired(message=_l("Write your opinion.")),
                                                       Length(max=2000)], render_kw={"rows": 3})
    objection = BooleanField(_l("Object: return this decision to the council's agenda"))
    submit = SubmitField(_l("Add opinion"))
