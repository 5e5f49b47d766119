"""Forms for the convenor's pages: the draft, its options, extending, cancelling, the run-off, paper ballots and
voids. Times are typed and shown in the app's time zone (Beijing time) and stored as naive UTC."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField, IntegerField, RadioField, SelectChoice, SelectField, StringField, SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from neighbourhood.db import utcnow
from neighbourhood.proposals.forms import COST_MAX, CostField
from neighbourhood.voting import methods, services
from neighbourhood.voting.models import Channel, ElectorateKind, ResultsVisibility, Secrecy

REQUIRED = _l("This field is required.")
BAD_TIME = _l("Enter a date and time.")
DESCRIPTION_MAX = 5000
REASON_MAX = 1000

# Civil Code Art. 278 items (DESIGN.md §8); items 6–8 need 3/4 approval, the others more than half.
ART_278_ITEMS = {
    1: _l("1 · Rules of procedure of the owners' assembly"),
    2: _l("2 · The management covenant"),
    3: _l("3 · Elect or replace the owners' committee"),
    4: _l("4 · Hire or dismiss the property manager"),
    5: _l("5 · Use the maintenance fund"),
    6: _l("6 · Raise the maintenance fund (3/4 approval)"),
    7: _l("7 · Rebuild or reconstruct buildings and facilities (3/4 approval)"),
    8: _l("8 · Change the use of common parts or run a business on them (3/4 approval)"),
    9: _l("9 · Other major matters"),
}

ELECTORATES = {
    ElectorateKind.RESIDENTS: (_l("Residents"), _l("Each verified adult resident has one vote.")),
    ElectorateKind.HOUSEHOLDS: (_l("One vote per household"),
                                _l("The first ballot cast by any verified adult member counts for the household.")),
    ElectorateKind.OWNERS: (_l("Owners"), _l("The owners' roll: one vote per owner, with the area of their units. "
                                             "Required for statutory owners' decisions.")),
}
SECRECY = {
    Secrecy.PUBLIC: (_l("Public"), _l("Names are published with their choices after close.")),
    Secrecy.ANONYMOUS: (_l("Anonymous"), _l("Choices are kept apart from the list of who voted; a vote cannot "
                                            "be changed.")),
    Secrecy.SECRET: (_l("Secret with receipt"), _l("Choices are kept apart; voters may change their vote until "
                                                    "close and check their receipt in the published list.")),
}
RESULTS = {
    ResultsVisibility.AFTER_CLOSE: (_l("Hidden until close"), _l("Nobody sees the count before the ballot closes "
                                                                 "— not the council, not the station.")),
    ResultsVisibility.LIVE: (_l("Live"), _l("Everyone sees the count while the ballot is open.")),
}
PASS_RULES = {
    "cast": (_l("Majority of ballots cast"), _l("More yes than half of all ballots cast, abstentions included.")),
    "electorate": (_l("Majority of the electorate"), _l("More yes than half of everyone on the roll.")),
}
CHANNELS = {
    Channel.PAPER: (_l("Signed paper ballot"), _l("The elector signed the paper form themselves.")),
    Channel.PROXY: (_l("Written proxy"), _l("Someone holding the elector's written proxy voted for them.")),
}

# Which method-specific settings each method uses; the others are ignored (and hidden where the browser can).
METHOD_FIELDS = {
    "yes_no": {"pass_rule", "quorum_percent"},
    "single": set(),
    "multiple": {"max_choices"},
    "approval": {"max_choices", "seats"},
    "ranked": set(),
    "score": set(),
    "budget": {"budget", "min_spend_percent"},
    "election": {"seats"},
    "statutory": {"statutory_item"},
}
SPECIFIC = {"statutory_item", "max_choices", "seats", "pass_rule", "quorum_percent", "budget", "min_spend_percent"}


def methods_using(name: str) -> list[str]:
    """The methods that use a setting (for the field's CSS classes and its "only for" note)."""
    return [key for key in methods.METHODS if name in METHOD_FIELDS.get(key, SPECIFIC)]


def explained(choices: dict) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, (label, _help) in choices.items()]


def explanations(choices: dict) -> dict[str, str]:
    return {str(value): help_text for value, (_label, help_text) in choices.items()}


# --- times ---------------------------------------------------------------------------------------------------

def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=local_zone()).astimezone(timezone.utc).replace(tzinfo=None)


def to_local(utc: datetime) -> datetime:
    return utc.replace(tzinfo=timezone.utc).astimezone(local_zone()).replace(tzinfo=None)


class LocalDateTimeField(DateTimeLocalField):
    """A `datetime-local` input typed in the app's time zone; `data` is naive UTC, like every stored time."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                                     "%Y-%m-%d %H:%M:%S"])
        kwargs.setdefault("invalid_value_message", BAD_TIME)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = to_utc(self.data)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return to_local(self.data).strftime(self.format[0]) if self.data else ""


def default_closing() -> datetime:
    """A week from now, on the hour (UTC, naive)."""
    return (utcnow() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)


def _item(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _whole(label, low: int, high: int, message, **kwargs):
    return IntegerField(label, validators=[Optional(), NumberRange(min=low, max=high, message=message)],
                        render_kw={"inputmode": "numeric", "min": low, "max": high}, **kwargs)


# --- the draft -------------------------------------------------------------------------------------------------

class BallotForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(message=REQUIRED), Length(max=services.TITLE_MAX)],
                        description=_l("The question or choice, in a few words."))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=DESCRIPTION_MAX)],
                                description=_l("What is decided, why, and where to read more."),
                                render_kw={"rows": 5})
    method = SelectField(_l("Voting method"), choices=[])
    electorate = RadioField(_l("Who votes"), choices=explained(ELECTORATES), default=ElectorateKind.RESIDENTS.value)
    secrecy = RadioField(_l("Secrecy"), choices=explained(SECRECY), default=Secrecy.SECRET.value)
    results_visibility = RadioField(_l("Results"), choices=explained(RESULTS),
                                    default=ResultsVisibility.AFTER_CLOSE.value)
    opens_at = LocalDateTimeField(_l("Opens at (optional)"), validators=[Optional()],
                                  description=_l("Beijing time. Leave empty to open it by hand with “Open now”."))
    closes_at = LocalDateTimeField(_l("Closes at"), validators=[DataRequired(message=BAD_TIME)],
                                   default=default_closing,
                                   description=_l("Beijing time. A ballot stays open from one hour to 90 days."))
    statutory_item = SelectField(_l("Civil Code Art. 278 item"), coerce=_item, default=None,
                                 choices=[SelectChoice("", "—")] + [SelectChoice(n, label)
                                                                    for n, label in ART_278_ITEMS.items()],
                                 description=_l("Fixes the approval threshold: items 6–8 need 3/4 of the "
                                                "participating area and owners, the others more than half. "
                                                "Owners holding 2/3 of the area and 2/3 of the owners must take "
                                                "part."))
    max_choices = _whole(_l("Most options a voter may choose"), 1, services.OPTION_MAX,
                         _l("Enter a whole number from 1 to 30."),
                         description=_l("Leave empty to allow every option."))
    seats = _whole(_l("Seats (winners)"), 1, services.OPTION_MAX, _l("Enter a whole number from 1 to 30."),
                   default=1)
    pass_rule = RadioField(_l("The motion passes with"), choices=explained(PASS_RULES), default="cast")
    quorum_percent = _whole(_l("Quorum: per cent of the electorate that must take part (optional)"), 1, 100,
                            _l("Enter a whole number from 1 to 100."),
                            description=_l("The share of the roll that must take part for the result to stand."))
    budget = CostField(_l("Budget (yuan)"), places=2,
                       validators=[Optional(), NumberRange(min=Decimal("0.01"), max=COST_MAX,
                                                           message=_l("The budget must be between 0.01 and "
                                                                      "99,999,999.99 yuan."))],
                       render_kw={"inputmode": "decimal"})
    min_spend_percent = _whole(_l("Each voter spends at least this per cent of the budget (optional)"), 1, 100,
                               _l("Enter a whole number from 1 to 100."))
    submit = SubmitField(_l("Save draft"))

    def __init__(self, *args, allow_statutory: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.method.choices = [SelectChoice(key, cls.label) for key, cls in methods.METHODS.items()
                               if key != "statutory" or allow_statutory]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        method = self.method.data
        if method == "budget" and self.budget.data is None and not self.budget.errors:
            self.budget.errors.append(_l("Set the budget in yuan."))
            valid = False
        if method == "statutory" and self.statutory_item.data is None and not self.statutory_item.errors:
            self.statutory_item.errors.append(_l("Choose the Art. 278 item this decision falls under."))
            valid = False
        opens, closes = self.opens_at.data, self.closes_at.data
        if isinstance(opens, datetime) and isinstance(closes, datetime) and closes <= opens \
                and not self.closes_at.errors:
            self.closes_at.errors.append(_l("The closing time must be after the opening time."))
            valid = False
        return valid

    def uses(self, name: str) -> bool:
        return name in METHOD_FIELDS.get(self.method.data, SPECIFIC)

    def ballot_input(self) -> services.BallotInput:
        """The form as the services take it; settings the chosen method does not use are left out."""
        def only(name, default=None):
            return getattr(self, name).data if self.uses(name) else default

        return services.BallotInput(
            title=self.title.data or "", description=self.description.data or "", method=self.method.data,
            electorate=ElectorateKind(self.electorate.data), secrecy=Secrecy(self.secrecy.data),
            results_visibility=ResultsVisibility(self.results_visibility.data),
            opens_at=self.opens_at.data, closes_at=self.closes_at.data,
            statutory_item=only("statutory_item"), max_choices=only("max_choices"), seats=only("seats") or 1,
            pass_rule=only("pass_rule", "cast") or "cast", quorum_percent=only("quorum_percent"),
            budget=only("budget"), min_spend_percent=only("min_spend_percent"),
        )

    def parsed(self) -> bool:
        """Whether enough of the form was understood to ask the services about the rest."""
        return (isinstance(self.closes_at.data, datetime) and self.method.data in methods.METHODS
                and not self.opens_at.errors and self.electorate.data in ELECTORATES
                and self.secrecy.data in SECRECY and self.results_visibility.data in RESULTS)


class OptionForm(FlaskForm):
    label = StringField(_l("Option"), validators=[DataRequired(message=_l("Name the option.")), Length(max=120)])
    description = TextAreaField(_l("Details (optional)"), validators=[Optional(), Length(max=DESCRIPTION_MAX)],
                                render_kw={"rows": 2})
    cost = CostField(_l("Cost (yuan)"), places=2,
                     validators=[Optional(), NumberRange(min=0, max=COST_MAX,
                                                         message=_l("The cost must be between 0 and "
                                                                    "99,999,999.99 yuan."))],
                     render_kw={"inputmode": "decimal"})
    submit = SubmitField(_l("Add option"))


# --- after the draft -------------------------------------------------------------------------------------------

class ExtendForm(FlaskForm):
    until = LocalDateTimeField(_l("New closing time"), validators=[DataRequired(message=BAD_TIME)],
                               description=_l("Beijing time. A closing time can be extended only once."))
    notice = TextAreaField(_l("Public notice"), validators=[DataRequired(message=_l("Say why the ballot is "
                                                                                   "extended.")),
                                                            Length(max=REASON_MAX)],
                           description=_l("Shown on the ballot page and sent to every voter."),
                           render_kw={"rows": 3})
    submit = SubmitField(_l("Extend the closing time"))

    def __init__(self, *args, closes_at: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._closes_at = closes_at

    def validate_until(self, field):
        if self._closes_at is not None and field.data is not None and field.data <= self._closes_at:
            raise ValidationError(_l("Choose a time after the current closing time."))


class ReasonForm(FlaskForm):
    """Cancelling a ballot, or setting a recorded ballot aside: the reason goes on record."""
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(message=_l("Give a reason.")),
                                                     Length(max=REASON_MAX)],
                           render_kw={"rows": 3})
    submit = SubmitField(_l("Confirm"))


class RunoffForm(FlaskForm):
    closes_at = LocalDateTimeField(_l("Run-off closes at"), validators=[DataRequired(message=BAD_TIME)],
                                   default=default_closing, description=_l("Beijing time."))
    submit = SubmitField(_l("Draft the run-off"))


class PaperForm(FlaskForm):
    """The choice itself comes from the method's partial (its own field names); this holds the rest."""
    channel = RadioField(_l("How the ballot was cast"), choices=explained(CHANNELS), default=Channel.PAPER.value)
    proxy_name = StringField(_l("Name of the proxy holder"), validators=[Optional(), Length(max=40)],
                             description=_l("Only for a written proxy: as it is written on the proxy form."))
    submit = SubmitField(_l("Record this ballot"))

    def validate_proxy_name(self, field):
        if self.channel.data == Channel.PROXY.value and not (field.data or "").strip():
            raise ValidationError(_l("Name the person holding the written proxy."))
