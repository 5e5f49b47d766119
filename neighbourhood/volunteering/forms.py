"""Forms of the activity pages, and the labels of volunteering's enums that every volunteering page shows."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from neighbourhood.voting.manage_forms import BAD_TIME, LocalDateTimeField
from neighbourhood.volunteering.models import ActivityCategory, ActivityStatus, Evaluation, OrganiserKind, SignupStatus

CATEGORY_LABELS = {
    ActivityCategory.ENVIRONMENT: _l("Environment"),
    ActivityCategory.ELDERLY: _l("Helping older people"),
    ActivityCategory.CHILDREN: _l("Caring for children"),
    ActivityCategory.SAFETY: _l("Safety patrol"),
    ActivityCategory.CULTURE: _l("Culture"),
    ActivityCategory.HEALTH: _l("Health"),
    ActivityCategory.PUBLIC_SERVICE: _l("Everyday services"),
    ActivityCategory.OTHER: _l("Other"),
}
ORGANISER_LABELS = {
    OrganiserKind.COUNCIL: _l("Compound council"),
    OrganiserKind.STATION: _l("Community station"),
    OrganiserKind.ENTERPRISE: _l("Social enterprise"),
    OrganiserKind.PROJECT: _l("Micro-project"),
}
ACTIVITY_STATUS_LABELS = {ActivityStatus.PUBLISHED: _l("Open for sign-up"), ActivityStatus.CANCELLED: _l("Cancelled")}
SIGNUP_STATUS_LABELS = {
    SignupStatus.CONFIRMED: _l("Confirmed"),
    SignupStatus.WAITLISTED: _l("On the waitlist"),
    SignupStatus.CANCELLED: _l("Cancelled"),
}
EVALUATION_LABELS = {
    Evaluation.EXCELLENT: _l("Excellent"),
    Evaluation.GOOD: _l("Good"),
    Evaluation.SATISFACTORY: _l("Satisfactory"),
    Evaluation.POOR: _l("Poor"),
}

REQUIRED = _l("This field is required.")
CUTOFF_MAX = 72


def _choices(labels: dict, keys=None) -> list[SelectChoice]:
    return [SelectChoice(key.value, label) for key, label in labels.items() if keys is None or key in keys]


class _Times:
    """Start and end typed in Beijing time; the end must come after the start."""

    def validate_ends_at(self, field) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must come after the start."))


class ActivityDetailsForm(FlaskForm):
    """What an organiser may still correct after publishing: everything but the times, which live in the shifts, and
    the organiser, whom records and certificates already name."""
    title = StringField(_l("Title"), validators=[DataRequired(message=REQUIRED), Length(max=80)])
    category = SelectField(_l("Kind of activity"), choices=_choices(CATEGORY_LABELS))
    place = StringField(_l("Place"), validators=[DataRequired(message=REQUIRED), Length(max=120)],
                        description=_l("Where volunteers gather, e.g. the gate of building 3."))
    description = TextAreaField(_l("What volunteers will do"), validators=[Optional(), Length(max=4000)],
                                render_kw={"rows": 4})
    requirements = TextAreaField(_l("Requirements"), validators=[Optional(), Length(max=500)],
                                 description=_l("Skills, age, what to bring."), render_kw={"rows": 2})
    risk_note = TextAreaField(_l("Risk note"), validators=[Optional(), Length(max=500)],
                              description=_l("Work at heights, near water or traffic: say what the risk is."),
                              render_kw={"rows": 2})
    insurance_required = BooleanField(_l("Volunteers need accident insurance for this work"))
    cancel_cutoff_hours = IntegerField(_l("Volunteers may cancel until this many hours before their shift"),
                                       default=12, validators=[InputRequired(message=REQUIRED),
                                                               NumberRange(min=0, max=CUTOFF_MAX)])


class ActivityForm(_Times, ActivityDetailsForm):
    starts_at = LocalDateTimeField(_l("Starts"), validators=[DataRequired(message=BAD_TIME)],
                                   description=_l("Beijing time."))
    ends_at = LocalDateTimeField(_l("Ends"), validators=[DataRequired(message=BAD_TIME)],
                                 description=_l("Beijing time."))
    capacity = IntegerField(_l("Volunteers needed"), default=5,
                            validators=[InputRequired(message=REQUIRED), NumberRange(min=1, max=500)],
                            description=_l("The first shift spans the whole activity; add more shifts on the "
                                           "activity's page."))
    shift_label = StringField(_l("Name of the first shift (optional)"), validators=[Optional(), Length(max=60)])
    organiser_kind = SelectField(_l("Organised by"), choices=_choices(ORGANISER_LABELS))
    project = SelectField(_l("Micro-project"), coerce=int, choices=[], validate_choice=False,
                          description=_l("Only when a micro-project organises the activity."))
    organiser_name = StringField(_l("Organiser's name on records and certificates"),
                                 validators=[Optional(), Length(max=120)])

    def limit_organisers(self, kinds: list[OrganiserKind], projects: list) -> None:
        """Offer only the organisers the user's roles allow, and the compound's running projects."""
        self.organiser_kind.choices = _choices(ORGANISER_LABELS, kinds)
        self.project.choices = [SelectChoice(0, "—")] + [SelectChoice(p.id, p.title) for p in projects]

    def validate_project(self, field) -> None:
        if self.organiser_kind.data != OrganiserKind.PROJECT.value:
            return
        if field.data not in {choice.value for choice in field.choices[1:]}:
            raise ValidationError(_l("Choose the micro-project that organises the activity."))


class ActivityEditForm(ActivityDetailsForm):
    """Correcting a published activity: built with obj=activity, a GET shows what it says now."""

    def details(self) -> dict:
        """The corrected details as services.update_activity takes them."""
        return {"title": self.title.data, "place": self.place.data,
                "category": ActivityCategory(self.category.data), "description": self.description.data or "",
                "requirements": self.requirements.data or "", "risk_note": self.risk_note.data or "",
                "insurance_required": bool(self.insurance_required.data),
                "cancel_cutoff_hours": self.cancel_cutoff_hours.data}


class ShiftForm(_Times, FlaskForm):
    starts_at = LocalDateTimeField(_l("Starts"), validators=[DataRequired(message=BAD_TIME)],
                                   description=_l("Beijing time."))
    ends_at = LocalDateTimeField(_l("Ends"), validators=[DataRequired(message=BAD_TIME)],
                                 description=_l("Beijing time."))
    capacity = IntegerField(_l("Volunteers needed"), default=5,
                            validators=[InputRequired(message=REQUIRED), NumberRange(min=1, max=500)])
    label = StringField(_l("Name of the shift (optional)"), validators=[Optional(), Length(max=60)])


class CancelActivityForm(FlaskForm):
    reason = TextAreaField(_l("Why is the activity cancelled?"), validators=[DataRequired(message=REQUIRED),
                                                                            Length(max=500)],
                           description=_l("Everyone signed up or waiting is told, with this reason."),
                           render_kw={"rows": 2})


class SignUpForm(FlaskForm):
    accepted_risk = BooleanField(_l("I have read the risk note and accept it"))
