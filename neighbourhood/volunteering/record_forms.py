"""Forms of the records page (a training, an award, issuing or declining a certificate request, revoking a
certificate), the volunteer's certificate request, and the public certificate check."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from neighbourhood.volunteering import records

REQUIRED = _l("Please fill this in.")
BAD_DATE = _l("Give the date, e.g. 2026-03-01.")
CHOOSE_VOLUNTEER = _l("Choose the volunteer.")


def _user_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _VolunteerForm(FlaskForm):
    """The volunteer: the view offers the compound's volunteers and residents with a profile, and the service
    refuses anyone else, so a forged id is answered there with the reason."""
    volunteer = SelectField(_l("Volunteer"), coerce=_user_id, choices=[], validate_choice=False,
                            validators=[DataRequired(message=CHOOSE_VOLUNTEER)])


class TrainingForm(_VolunteerForm):
    title = StringField(_l("Training"), validators=[DataRequired(message=REQUIRED), Length(max=records.TITLE_MAX)])
    organiser_name = StringField(_l("Run by"), validators=[DataRequired(message=REQUIRED),
                                                           Length(max=records.TITLE_MAX)])
    held_on = DateField(_l("Held on"), validators=[InputRequired(message=BAD_DATE)])
    hours = StringField(_l("Hours"), validators=[DataRequired(message=REQUIRED), Length(max=8)],
                        render_kw={"inputmode": "decimal"})


class AwardForm(_VolunteerForm):
    title = StringField(_l("Award"), validators=[DataRequired(message=REQUIRED), Length(max=records.TITLE_MAX)])
    issuer = StringField(_l("Given by"), validators=[DataRequired(message=REQUIRED), Length(max=records.TITLE_MAX)])
    awarded_on = DateField(_l("Given on"), validators=[InputRequired(message=BAD_DATE)])


class IssueForm(FlaskForm):
    person_in_charge = StringField(_l("Person in charge of the issuer"),
                                   validators=[DataRequired(message=REQUIRED), Length(max=records.PERSON_MAX)],
                                   description=_l("The head of the residents' committee, as on its seal."))
    contact = StringField(_l("Contact"), validators=[DataRequired(message=REQUIRED),
                                                     Length(max=records.CONTACT_MAX)],
                          description=_l("An office phone number for questions about the certificate."))
    period_from = DateField(_l("Service from"), validators=[Optional()],
                            description=_l("Leave empty to certify from the first confirmed service."))
    period_to = DateField(_l("Service until"), validators=[Optional()],
                          description=_l("Leave empty to certify up to the latest confirmed service."))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(message=REQUIRED),
                                                     Length(max=records.REASON_MAX)], render_kw={"rows": 2})


class CertificateRequestForm(FlaskForm):
    compound = IntegerField(validators=[Optional()])
    purpose = StringField(_l("What is it for? (optional)"), validators=[Length(max=records.PURPOSE_MAX)])


class LookupForm(FlaskForm):
    """The public check is a GET form: nothing changes, and the address can be shared."""
    class Meta:
        csrf = False

    number = StringField(_l("Certificate number"), validators=[DataRequired(message=REQUIRED), Length(max=24)],
                         render_kw={"autocapitalize": "characters", "spellcheck": "false"})
