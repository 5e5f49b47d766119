"""Forms of the volunteer's own page and the time bank: the volunteer profile, giving time coins to a household
member, and offering a service for time coins; the labels of coin movements and certificate states."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from neighbourhood.accounts.rules import normalize_phone
from neighbourhood.db import DomainError
from neighbourhood.volunteering import timebank
from neighbourhood.volunteering.forms import REQUIRED
from neighbourhood.volunteering.models import CertificateStatus, CoinMovement

COIN_MOVEMENT_LABELS = {
    CoinMovement.EARNED: _l("Volunteer hours confirmed"),
    CoinMovement.CORRECTED: _l("Hours corrected"),
    CoinMovement.TRANSFER_IN: _l("From a household member"),
    CoinMovement.TRANSFER_OUT: _l("To a household member"),
    CoinMovement.SPENT: _l("Paid for a service"),
    CoinMovement.RECEIVED: _l("Paid for my service"),
    CoinMovement.REFUNDED: _l("Returned: a booking fell through"),
}
CERTIFICATE_STATUS_LABELS = {
    CertificateStatus.REQUESTED: _l("Waiting to be issued"),
    CertificateStatus.ISSUED: _l("Issued"),
    CertificateStatus.DECLINED: _l("Declined"),
    CertificateStatus.REVOKED: _l("Revoked"),
}


def _mobile(form, field) -> None:
    """An emergency phone must be a number someone can call: a mainland mobile, kept as 11 digits."""
    if not field.data:
        return
    normalized = normalize_phone(field.data)
    if normalized is None:
        raise ValidationError(_l("Give an 11-digit mobile number, e.g. 13800138000."))
    field.data = normalized


def _coins(form, field) -> None:
    try:
        field.data = timebank.parse_amount(field.data)
    except DomainError as error:
        raise ValidationError(str(error)) from None


class ProfileForm(FlaskForm):
    skills = StringField(_l("Skills"), validators=[Length(max=200)],
                         description=_l("What you are good at, e.g. first aid, repairs, calligraphy, computers."))
    available_times = StringField(_l("When you are free"), validators=[Length(max=200)],
                                  description=_l("e.g. weekday evenings, Saturday mornings."))
    emergency_contact = StringField(_l("Emergency contact"), validators=[Length(max=40)],
                                    description=_l("Seen only by you and the organisers of activities you join."))
    emergency_phone = StringField(_l("Emergency contact's phone"), validators=[Optional(), Length(max=20), _mobile],
                                  render_kw={"inputmode": "tel", "autocomplete": "off"})
    on_honour_list = BooleanField(_l("Show me on the monthly good-neighbour list"),
                                  description=_l("Your public name and hours; you can leave the list at any time."))


class TransferForm(FlaskForm):
    # The time bank decides who may receive coins; the choices only offer the household members it would accept.
    recipient = SelectField(_l("Give to"), coerce=int, validate_choice=False, validators=[DataRequired(message=REQUIRED)])
    amount = StringField(_l("Time coins"), validators=[DataRequired(message=REQUIRED), _coins],
                         render_kw={"inputmode": "decimal"})
    note = StringField(_l("Note (optional)"), validators=[Length(max=timebank.NOTE_MAX)])


class OfferForm(FlaskForm):
    title = StringField(_l("What you offer"), validators=[DataRequired(message=REQUIRED), Length(max=80)],
                        description=_l("e.g. an hour of maths tutoring, a lift to the hospital, mending clothes."))
    price = StringField(_l("Price in time coins"), validators=[DataRequired(message=REQUIRED), _coins],
                        render_kw={"inputmode": "decimal"}, description=_l("1 time coin = 1 hour of service."))
    description = TextAreaField(_l("Details (optional)"), validators=[Length(max=1000)], render_kw={"rows": 3})
