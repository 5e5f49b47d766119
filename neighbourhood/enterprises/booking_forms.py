"""Forms of bookings: a request for a slot (or an inquiry), and the answers and reviews that follow."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from neighbourhood.enterprises.bookings import MESSAGE_MAX
from neighbourhood.enterprises.reviews import BODY_MAX, RATINGS, REPLY_MAX


class BookingForm(FlaskForm):
    """The listing page's form: a slot id (none for an inquiry) and a message to the enterprise."""
    slot = IntegerField(_l("Time"), validators=[Optional()])
    message = TextAreaField(_l("Message to the enterprise"), validators=[Length(max=500)],
                            description=_l("Optional with a time; needed for an inquiry."), render_kw={"rows": 3})


class ReasonForm(FlaskForm):
    """Declining or cancelling a booking: the reason the other side reads (the services say when one is needed)."""
    reason = TextAreaField(_l("Reason"), validators=[Length(max=MESSAGE_MAX)], render_kw={"rows": 2})


class ReviewForm(FlaskForm):
    """The resident's rating of a completed booking."""
    rating = RadioField(_l("Your rating"), choices=[SelectChoice(n, str(n)) for n in RATINGS], coerce=int,
                        validators=[InputRequired(message=_l("Choose a rating from 1 to 5."))],
                        description=_l("1 is poor, 5 is excellent."))
    body = TextAreaField(_l("What was it like?"), validators=[Length(max=BODY_MAX)], render_kw={"rows": 3})


class ReplyForm(FlaskForm):
    """The enterprise's one reply to a review; `next` brings the dashboard's form back to the dashboard."""
    text = TextAreaField(_l("Your reply"), render_kw={"rows": 2},
                         validators=[DataRequired(message=_l("Write a reply.")), Length(max=REPLY_MAX)])
    next = HiddenField()
