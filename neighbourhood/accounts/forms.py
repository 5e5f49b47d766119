"""Account forms. Labels are lazy so they follow the user's language."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    SelectChoice,
    DateField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from neighbourhood.accounts import rules
from neighbourhood.accounts.models import Relation, Role
from neighbourhood.web.display import RELATION_LABELS

RELATION_CHOICES = [SelectChoice(relation.value, RELATION_LABELS[relation]) for relation in Relation]
COMPOUND_ROLE_CHOICES = [
    SelectChoice(Role.COUNCIL_MEMBER.value, _l("Council member")),
    SelectChoice(Role.COUNCIL_CONVENER.value, _l("Council convener")),
    SelectChoice(Role.SUPERVISOR.value, _l("Supervisor")),
    SelectChoice(Role.ENTERPRISE_OPERATOR.value, _l("Enterprise operator")),
]

REQUIRED = _l("This field is required.")


class PhoneField(StringField):
    """A mainland mobile number; the normalized 11 digits are in .data after validation."""

    def pre_validate(self, form):
        normalized = rules.normalize_phone(self.data or "")
        if normalized is None:
            raise ValidationError(_l("Enter an 11-digit mainland mobile number."))
        self.data = normalized


def phone_field():
    return PhoneField(_l("Mobile number"), render_kw={"inputmode": "tel", "autocomplete": "tel"})


def code_field():
    return StringField(
        _l("SMS code"),
        filters=[lambda value: rules.normalize_sms_code(value) if value else value],
        validators=[Optional(), Regexp(r"^[0-9]{6}$", message=_l("The code has 6 digits."))],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6},
    )


def new_password_field():
    return PasswordField(
        _l("Password"),
        validators=[InputRequired(message=REQUIRED), Length(max=128)],
        render_kw={"autocomplete": "new-password"},
        description=_l("At least 8 characters; not a common password."),
    )


class SendCodeMixin:
    """Step one of every SMS flow: the same form, with a button that only sends the code."""

    send_code = SubmitField(_l("Send code"))


class RegisterForm(SendCodeMixin, FlaskForm):
    phone = phone_field()
    code = code_field()
    display_name = StringField(
        _l("Display name"),
        validators=[Optional(), Length(max=20)],
        description=_l("Neighbours see this with your building, e.g. 3栋 王女士."),
    )
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=128)],
                             render_kw={"autocomplete": "new-password"},
                             description=_l("At least 8 characters; not a common password."))
    submit = SubmitField(_l("Register"))


class PasswordLoginForm(FlaskForm):
    phone = phone_field()
    password = PasswordField(_l("Password"), validators=[InputRequired(message=REQUIRED)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Sign in"))


class CodeLoginForm(SendCodeMixin, FlaskForm):
    phone = phone_field()
    code = code_field()
    submit = SubmitField(_l("Sign in"))


class ResetPasswordForm(SendCodeMixin, FlaskForm):
    phone = phone_field()
    code = code_field()
    password = PasswordField(_l("New password"), validators=[Optional(), Length(max=128)],
                             render_kw={"autocomplete": "new-password"},
                             description=_l("At least 8 characters; not a common password."))
    submit = SubmitField(_l("Reset password"))


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Display name"),
                               validators=[DataRequired(message=REQUIRED), Length(max=20)])
    submit = SubmitField(_l("Save"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[InputRequired(message=REQUIRED)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Delete my account"))


def real_name_field():
    return StringField(
        _l("Real name"),
        validators=[DataRequired(message=REQUIRED), Length(max=20)],
        description=_l("Only the council, supervisors and station staff of your compound see it."),
        render_kw={"autocomplete": "name"},
    )


class JoinHouseholdForm(FlaskForm):
    compound = SelectField(_l("Compound"), coerce=int,
                           validators=[InputRequired(message=REQUIRED)])
    building = StringField(_l("Building"), validators=[DataRequired(message=REQUIRED), Length(max=40)],
                           render_kw={"placeholder": "3栋"})
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=10)],
                       render_kw={"placeholder": "2", "inputmode": "numeric"})
    room = StringField(_l("Room"), validators=[DataRequired(message=REQUIRED), Length(max=20)],
                       render_kw={"placeholder": "501", "inputmode": "numeric"})
    relation = RadioField(_l("You are the household's"), choices=RELATION_CHOICES,
                          validators=[InputRequired(message=REQUIRED)])
    real_name = real_name_field()
    submit = SubmitField(_l("Send request"))


class RedeemCodeForm(FlaskForm):
    code = StringField(_l("Invitation code"),
                       validators=[DataRequired(message=REQUIRED), Length(max=20)],
                       render_kw={"placeholder": "K7MQ-2XPD", "autocapitalize": "characters",
                                  "autocomplete": "off"})
    relation = RadioField(_l("You are the household's"), choices=RELATION_CHOICES,
                          validators=[InputRequired(message=REQUIRED)])
    real_name = real_name_field()
    submit = SubmitField(_l("Verify my household"))


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(message=REQUIRED), Length(max=500)],
                           description=_l("The resident sees this reason."))
    submit = SubmitField(_l("Decline"))


class AssignRoleForm(FlaskForm):
    phone = phone_field()
    role = SelectField(_l("Role"), choices=COMPOUND_ROLE_CHOICES)
    term_start = DateField(_l("Term starts"), validators=[InputRequired(message=REQUIRED)])
    term_end = DateField(_l("Term ends"), validators=[Optional()])
    submit = SubmitField(_l("Assign"))


class AssignStaffForm(FlaskForm):
    phone = phone_field()
    term_start = DateField(_l("Term starts"), validators=[InputRequired(message=REQUIRED)])
    term_end = DateField(_l("Term ends"), validators=[Optional()])
    submit = SubmitField(_l("Assign"))


class EndRoleForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(message=REQUIRED), Length(max=200)])
    submit = SubmitField(_l("End role"))
