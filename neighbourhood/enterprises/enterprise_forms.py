"""Forms of the enterprise pages: the profile (registering and editing), the station's decisions, linking an
operator, and the yearly income report."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from neighbourhood.enterprises import registry

REQUIRED = _l("This field is required.")
CENT = Decimal("0.01")


class _CleanDecimalField(DecimalField):
    """A decimal typed on a phone: full-width digits and separators, currency signs and "NaN" handled."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [v.translate(str.maketrans("０１２３４５６７８９．－，", "0123456789.-,")).replace(",", "")
                         .replace("¥", "").replace("￥", "").strip() for v in valuelist]
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


class MoneyField(_CleanDecimalField):
    def pre_validate(self, form):
        if self.data is not None and self.data != self.data.quantize(CENT):
            raise ValidationError(_l("Give the amount in yuan with at most two decimals."))


COORDINATES_HELP = _l("Optional, for the distance residents see. In a phone's map app, press and hold the "
                      "enterprise's door: the app shows two numbers such as 30.6367, 104.0529 — the first is the "
                      "latitude, the second the longitude.")


class ProfileForm(FlaskForm):
    name = StringField(_l("Name of the enterprise"), validators=[DataRequired(message=REQUIRED),
                                               Length(max=registry.FIELD_MAX["name"])])
    description = TextAreaField(_l("What it does"), render_kw={"rows": 4},
                                validators=[Optional(), Length(max=registry.FIELD_MAX["description"])])
    contact_person = StringField(_l("Contact person"),
                                 validators=[Optional(), Length(max=registry.FIELD_MAX["contact_person"])])
    contact_phone = StringField(_l("Contact phone"), render_kw={"type": "tel", "autocomplete": "off"},
                                validators=[Optional(), Length(max=registry.FIELD_MAX["contact_phone"])],
                                description=_l("The business's phone: it is shown to everyone on the profile."))
    opening_hours = StringField(_l("Opening hours"), description=_l("For example: every day 10:30–19:00."),
                                validators=[Optional(), Length(max=registry.FIELD_MAX["opening_hours"])])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=registry.FIELD_MAX["address"])])
    latitude = _CleanDecimalField(_l("Latitude"), places=None, description=COORDINATES_HELP,
                                  render_kw={"inputmode": "decimal"},
                                  validators=[Optional(), NumberRange(min=-90, max=90)])
    longitude = _CleanDecimalField(_l("Longitude"), places=None, render_kw={"inputmode": "decimal"},
                                   validators=[Optional(), NumberRange(min=-180, max=180)])

    def validate_longitude(self, field) -> None:
        if (field.data is None) != (self.latitude.data is None):
            raise ValidationError(_l("Give both the latitude and the longitude, or neither."))

    def profile(self) -> dict:
        """The fields as registry.register and registry.update_profile take them."""
        return {key: getattr(self, key).data if key in ("latitude", "longitude") else getattr(self, key).data or ""
                for key in registry.PROFILE_FIELDS}


class CertifyForm(FlaskForm):
    certificate_number = StringField(_l("Certificate number"), validators=[
        DataRequired(message=REQUIRED), Length(max=registry.CERTIFICATE_MAX)],
        description=_l("As on the certificate from the market regulator's review."))
    owning_committee = StringField(_l("Residents' committee that owns or controls it"), validators=[
        DataRequired(message=REQUIRED), Length(max=registry.COMMITTEE_MAX)])
    committed_return_percent = IntegerField(_l("Share of income returned to the community (per cent)"),
                                            render_kw={"inputmode": "numeric"},
                                            validators=[InputRequired(message=REQUIRED), NumberRange(min=1, max=100)])
    note = TextAreaField(_l("Note (optional)"), render_kw={"rows": 2},
                         validators=[Optional(), Length(max=registry.NOTE_MAX)])


class ListProviderForm(FlaskForm):
    note = TextAreaField(_l("Note"), render_kw={"rows": 2}, validators=[Optional(), Length(max=registry.NOTE_MAX)],
                         description=_l("Required when a certification is withdrawn: its operators read it."))


class SuspendForm(FlaskForm):
    reason = TextAreaField(_l("Why is it suspended?"), render_kw={"rows": 2},
                           validators=[DataRequired(message=REQUIRED), Length(max=registry.NOTE_MAX)],
                           description=_l("It leaves the 15-minute circle; its operators read this reason."))


class AddOperatorForm(FlaskForm):
    phone = StringField(_l("Phone number of the operator"), render_kw={"type": "tel", "autocomplete": "off"},
                        validators=[DataRequired(message=REQUIRED), Length(max=20)],
                        description=_l("A user who holds the enterprise operator role in this compound."))


class IncomeForm(FlaskForm):
    year = IntegerField(_l("Year"), render_kw={"inputmode": "numeric"},
                        validators=[InputRequired(message=REQUIRED)])
    income = MoneyField(_l("Income (yuan)"), places=None, render_kw={"inputmode": "decimal"},
                        validators=[InputRequired(message=REQUIRED), NumberRange(min=0)])
    returned = MoneyField(_l("Returned to the community (yuan)"), places=None, render_kw={"inputmode": "decimal"},
                          validators=[InputRequired(message=REQUIRED), NumberRange(min=0)])
    how_returned = TextAreaField(_l("How it was returned"), render_kw={"rows": 2},
                                 validators=[Optional(), Length(max=registry.HOW_RETURNED_MAX)],
                                 description=_l("For example: free lunches for residents over 80, the compound's "
                                                "public fund."))

    def validate_returned(self, field) -> None:
        if field.data is not None and self.income.data is not None and field.data > self.income.data:
            raise ValidationError(_l("The amount returned cannot exceed the income."))
