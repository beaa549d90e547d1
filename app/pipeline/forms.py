"""Pipeline forms: a planned challenge (need, sector, budget, currency, quarter, country)."""
from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.code_lists import CURRENCIES
from app.security.form_rules import CheckedForm
from app.services.marketplace.pipeline import MAX_NEED, MAX_TITLE
from app.web.form_helpers import COUNTRY_CHOICES, SECTOR_CHOICES


class PipelineForm(CheckedForm):
    title = StringField("Working title", validators=[DataRequired(), Length(max=MAX_TITLE)])
    need = TextAreaField("The need (what problem, for whom)", validators=[DataRequired(), Length(max=MAX_NEED)])
    sector = SelectField("Sector", choices=SECTOR_CHOICES, validators=[DataRequired(message="Choose a sector.")])
    indicative_budget = IntegerField("Indicative budget", validators=[Optional(), NumberRange(min=0, max=10**12)])
    currency = SelectField("Currency", choices=[(c, c) for c in CURRENCIES], default="EUR")
    expected_year = IntegerField("Expected year", validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    expected_quarter = SelectField("Expected quarter", choices=[(str(q), f"Q{q}") for q in (1, 2, 3, 4)],
                                   validators=[DataRequired()])
    country = SelectField("Country", choices=COUNTRY_CHOICES, validators=[DataRequired()])
