"""Forms station staff use to keep the place tree."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectChoice, DecimalField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from neighbourhood.places.models import AreaBasis

REQUIRED = _l("This field is required.")
AREA_RANGE = _l("The area must be between 0 and 10,000 m².")
AREA_BASIS_CHOICES = [
    SelectChoice(AreaBasis.REGISTERED.value, _l("Registered area")),
    SelectChoice(AreaBasis.SURVEYED.value, _l("Surveyed area")),
    SelectChoice(AreaBasis.CONTRACT.value, _l("Sales-contract area")),
]


class CommunityForm(FlaskForm):
    name = StringField(_l("Community name"), validators=[DataRequired(message=REQUIRED), Length(max=80)])
    district = StringField(_l("District and street"), validators=[Optional(), Length(max=80)])
    centre_name = StringField(_l("Party-mass service centre"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Create community"))


class CompoundForm(FlaskForm):
    name = StringField(_l("Compound name"), validators=[DataRequired(message=REQUIRED), Length(max=80)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    station_name = StringField(_l("Party-mass service station"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Save"))


class BuildingForm(FlaskForm):
    name = StringField(_l("Building"), validators=[DataRequired(message=REQUIRED), Length(max=40)],
                       render_kw={"placeholder": "3栋"})
    submit = SubmitField(_l("Add building"))


class AreaField(DecimalField):
    """A decimal that is a finite number. "NaN" and "sNaN" parse as decimals, and sNaN would crash
    NumberRange; as None they fail it with its message instead."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None


def area_field():
    return AreaField(
        _l("Floor area (m²)"), places=2,
        validators=[Optional(), NumberRange(min=0.01, max=10000, message=AREA_RANGE)],
        render_kw={"inputmode": "decimal"},
    )


class HouseholdForm(FlaskForm):
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=10)])
    room = StringField(_l("Room"), validators=[DataRequired(message=REQUIRED), Length(max=20)])
    area = area_field()
    area_basis = SelectField(_l("Area basis"), choices=AREA_BASIS_CHOICES, default=AreaBasis.REGISTERED.value)
    submit = SubmitField(_l("Add household"))


class HouseholdAreaForm(FlaskForm):
    area = area_field()
    area_basis = SelectField(_l("Area basis"), choices=AREA_BASIS_CHOICES)
    submit = SubmitField(_l("Save"))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[
        FileRequired(message=_l("Choose a CSV file.")),
        FileAllowed(["csv", "txt"], message=_l("Upload a .csv file.")),
    ])
    submit = SubmitField(_l("Check and import"))


class InvitationForm(FlaskForm):
    scope = SelectField(_l("Print codes for"), choices=[
        SelectChoice("unverified", _l("Households with no verified resident")),
        SelectChoice("all", _l("Every household (earlier codes stop working)")),
    ])
    submit = SubmitField(_l("Print invitation letters"))
