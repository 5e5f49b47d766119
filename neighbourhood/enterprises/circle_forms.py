"""Forms of the 15-minute circle: the filters residents choose (read from the query string, forgiving), an
enterprise's listing and its bookable times, and the station's directory entries."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from neighbourhood.enterprises import directory, listings
from neighbourhood.enterprises.circle import QUERY_MAX
from neighbourhood.enterprises.labels import CATEGORY_LABELS, PRICE_KIND_LABELS
from neighbourhood.enterprises.models import PriceKind, ServiceCategory
from neighbourhood.enterprises.rules import CIRCLE_M
from neighbourhood.proposals.forms import CostField
from neighbourhood.voting.manage_forms import BAD_TIME, LocalDateTimeField

REQUIRED = _l("This field is required.")

# ?within= in metres; 0 means any distance. Anything else (or nothing) is the 15-minute circle.
WITHIN_MAX_M = 50_000
DISTANCES = {
    500: _l("Within 500 m (about 8 minutes' walk)"),
    CIRCLE_M: _l("Within 1 km (15 minutes' walk)"),
    2000: _l("Within 2 km (30 minutes' walk)"),
    0: _l("Any distance"),
}


@dataclass(frozen=True)
class CircleFilters:
    category: ServiceCategory | None
    within_m: int           # 0: any distance
    query: str

    def args(self) -> dict:
        """The query string that shows these filters again (for links that change one thing)."""
        found = {"within": self.within_m}
        if self.category is not None:
            found["category"] = self.category.value
        if self.query:
            found["q"] = self.query
        return found


def circle_filters(args) -> CircleFilters:
    """Read ?category=, ?within= and ?q=; a value that makes no sense means "no filter" (the 15-minute circle for the
    distance), never an error page."""
    try:
        category = ServiceCategory(args.get("category", ""))
    except ValueError:
        category = None
    within = args.get("within", type=int)
    # Any distance in metres is honoured (links and other systems ask for e.g. ?within=800); the form offers presets.
    if within is None or not 0 <= within <= WITHIN_MAX_M:
        within = CIRCLE_M
    return CircleFilters(category=category, within_m=within, query=(args.get("q") or "").strip()[:QUERY_MAX])


def distance_options(within_m: int) -> dict:
    """The distance select's options: the presets, and the distance asked for when it is none of them."""
    if within_m in DISTANCES:
        return DISTANCES
    return {within_m: _l("Within %(metres)s m", metres=within_m), **DISTANCES}


class PriceField(CostField):
    """Yuan or time coins, to two decimals at most."""

    def pre_validate(self, form):
        if self.data is not None and self.data != self.data.quantize(listings.FEN):
            raise ValidationError(_l("Give the price with at most two decimals."))


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(key.value, label) for key, label in labels.items()]


class ListingForm(FlaskForm):
    title = StringField(_l("Service"), validators=[DataRequired(message=REQUIRED), Length(max=listings.TITLE_MAX)],
                        description=_l("What residents get, e.g. lunch for older residents."))
    category = SelectField(_l("Category"), choices=_choices(CATEGORY_LABELS))
    price_kind = SelectField(_l("Paid in"), choices=_choices(PRICE_KIND_LABELS))
    price = PriceField(_l("Price"), places=2, validators=[Optional(), NumberRange(min=0, max=listings.PRICE_MAX)],
                      description=_l("In yuan or time coins; leave empty for a free service."))
    price_unit = StringField(_l("Per"), validators=[Optional(), Length(max=listings.UNIT_MAX)],
                             description=_l("e.g. per meal, per hour, per visit."))
    schedule = StringField(_l("When it is offered"), validators=[Optional(), Length(max=listings.SCHEDULE_MAX)],
                           description=_l("e.g. Monday to Friday 11:30–12:30."))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=listings.DESCRIPTION_MAX)],
                                render_kw={"rows": 4})

    def validate(self, extra_validators=None) -> bool:
        """A paid service needs its price (checked here: an empty optional field skips its own validators)."""
        valid = super().validate(extra_validators)
        paid = self.price_kind.data != PriceKind.FREE.value
        if paid and not self.price.errors:
            if self.price.data is None:
                self.price.errors.append(_l("Give the price, or choose a free service."))
            elif self.price.data <= 0:
                self.price.errors.append(_l("The price must be more than 0."))
        return valid and not self.price.errors

    def values(self) -> dict:
        """The fields as listings.create_listing and update_listing take them."""
        return {"title": self.title.data, "category": ServiceCategory(self.category.data),
                "price_kind": PriceKind(self.price_kind.data), "price": self.price.data,
                "price_unit": self.price_unit.data or "", "schedule": self.schedule.data or "",
                "description": self.description.data or ""}


class NewListingForm(ListingForm):
    published = BooleanField(_l("Publish now: residents can find and book it"))


class SlotsForm(FlaskForm):
    starts_at = LocalDateTimeField(_l("Starts"), validators=[DataRequired(message=BAD_TIME)],
                                   description=_l("Beijing time."))
    ends_at = LocalDateTimeField(_l("Ends"), validators=[DataRequired(message=BAD_TIME)],
                                 description=_l("Beijing time."))
    capacity = IntegerField(_l("Places"), default=1, validators=[
        InputRequired(message=REQUIRED), NumberRange(min=1, max=listings.CAPACITY_MAX)])
    repeat_days = IntegerField(_l("On how many days"), default=1, validators=[
        InputRequired(message=REQUIRED), NumberRange(min=1, max=listings.REPEAT_MAX)],
        description=_l("1 for this day only; 5 for the same time on five days in a row."))

    def validate_ends_at(self, field) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must come after the start."))


class PublicServiceForm(FlaskForm):
    name = StringField(_l("Service"), validators=[DataRequired(message=REQUIRED), Length(max=directory.NAME_MAX)])
    department = StringField(_l("Department"), validators=[DataRequired(message=REQUIRED),
                                                           Length(max=directory.DEPARTMENT_MAX)])
    category = SelectField(_l("Category"), choices=_choices(CATEGORY_LABELS), default=ServiceCategory.OTHER.value)
    purpose = TextAreaField(_l("What it is for"), validators=[Optional(), Length(max=directory.PURPOSE_MAX)],
                            render_kw={"rows": 2})
    link = StringField(_l("Link"), validators=[Optional(), Length(max=directory.LINK_MAX)],
                       description=_l("For an online service: its address, starting with https://."))
    office_address = StringField(_l("Office address"), validators=[Optional(), Length(max=directory.ADDRESS_MAX)])
    office_hours = StringField(_l("Office hours"), validators=[Optional(), Length(max=directory.HOURS_MAX)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=directory.PHONE_MAX)])
    latitude = DecimalField(_l("Latitude"), places=6, validators=[Optional(), NumberRange(min=-90, max=90)],
                            description=_l("Optional, for the distance: hold a finger on the place in a phone map "
                                           "and copy the two numbers, e.g. 30.6367."))
    longitude = DecimalField(_l("Longitude"), places=6, validators=[Optional(), NumberRange(min=-180, max=180)],
                             description=_l("e.g. 104.0529."))

    def validate_link(self, field) -> None:
        if field.data and not directory.valid_link(field.data.strip()):
            raise ValidationError(_l("The link must be a web address starting with http:// or https://."))

    def values(self) -> dict:
        """The fields as directory.add_service and update_service take them."""
        return {"name": self.name.data, "department": self.department.data, "purpose": self.purpose.data or "",
                "link": self.link.data or "", "office_address": self.office_address.data or "",
                "office_hours": self.office_hours.data or "", "phone": self.phone.data or "",
                "latitude": self.latitude.data, "longitude": self.longitude.data,
                "category": ServiceCategory(self.category.data)}
