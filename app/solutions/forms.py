"""Solution forms."""
from __future__ import annotations

from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.code_lists import PRICING_MODELS, SECTORS
from app.security.form_rules import CheckedForm
from app.web.form_helpers import TRL_CHOICES


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SolutionForm(CheckedForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField("Summary (one or two sentences)", validators=[DataRequired(), Length(max=500)])
    description = TextAreaField("Description", validators=[DataRequired(), Length(max=10000)])
    sectors = CheckboxListField("Sectors (up to 3)", choices=list(SECTORS.items()),
                                validators=[DataRequired(message="Choose at least one sector.")])
    tags = StringField("Tags (comma-separated)", validators=[Optional(), Length(max=500)])
    trl = SelectField("Technology readiness", choices=TRL_CHOICES, default="7", validators=[DataRequired()])
    deployed_in = StringField("Already deployed in", validators=[Optional(), Length(max=500)])
    pricing_model = SelectField("Pricing model", choices=[("", "Choose")] + list(PRICING_MODELS.items()),
                                validators=[DataRequired(message="Choose a pricing model.")])
    website = StringField("Website", validators=[Optional(), URL(require_tld=False), Length(max=300)])
