"""Forms for proposing, withdrawing and commenting."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from neighbourhood.needs.categories import CATEGORY_LABELS, Category
from neighbourhood.proposals.models import COMMENT_MAX

REQUIRED = _l("This field is required.")
TITLE_MAX = 80
BODY_MAX = 5000
COST_MAX = Decimal("99999999.99")
CENT = Decimal("0.01")


def category_choices():
    return [(c.value, CATEGORY_LABELS[c]) for c in Category]


class CostField(DecimalField):
    """Yuan with at most two decimals; "NaN" and "Infinity" are not amounts."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [v.replace(",", "").replace("，", "").replace("¥", "").replace("￥", "").strip()
                         for v in valuelist]
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))

    def pre_validate(self, form):
        if self.data is not None and self.data != self.data.quantize(CENT):
            raise ValidationError(_l("Give the cost in yuan with at most two decimals."))


class ProposalForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(message=REQUIRED), Length(min=4, max=TITLE_MAX)],
        description=_l("What should change, in a few words."),
    )
    body = TextAreaField(
        _l("Proposal"), validators=[DataRequired(message=REQUIRED), Length(min=10, max=BODY_MAX)],
        description=_l("Why it matters and how it could be done. You can use **bold**, *italics*, lists, "
                       "# headings, > quotes and [links](https://…)."),
        render_kw={"rows": 10},
    )
    category = SelectField(_l("Category"), choices=category_choices, validators=[DataRequired(message=REQUIRED)])
    estimated_cost = CostField(
        _l("Estimated cost (yuan, optional)"), places=2,
        validators=[Optional(), NumberRange(min=0, max=COST_MAX,
                                            message=_l("The cost must be between 0 and 99,999,999.99 yuan."))],
        render_kw={"inputmode": "decimal"},
    )
    submit = SubmitField(_l("Publish proposal"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Why are you withdrawing it?"),
        validators=[DataRequired(message=_l("Say why you are withdrawing it: supporters will read it.")),
                    Length(max=500)],
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Withdraw proposal"))


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Comment"),
        validators=[DataRequired(message=_l("Write something first.")),
                    Length(max=COMMENT_MAX, message=_l("A comment can be at most %(max)d characters."))],
        render_kw={"rows": 3, "maxlength": COMMENT_MAX},
    )
    parent_id = HiddenField()
    submit = SubmitField(_l("Post comment"))

    def validate_body(self, field):
        if field.data is not None and not field.data.strip():
            raise ValidationError(_l("Write something first."))
