"""Challenge forms."""
from __future__ import annotations

from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.code_lists import CURRENCIES
from app.security.form_rules import CheckedForm
from app.web.form_helpers import COUNTRY_CHOICES, SECTOR_CHOICES, TRL_CHOICES


class ChallengeForm(CheckedForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField("Summary (one or two sentences)", validators=[DataRequired(), Length(max=500)])
    problem_statement = TextAreaField("Problem statement", validators=[DataRequired(), Length(max=10000)])
    desired_outcomes = TextAreaField("Desired outcomes", validators=[Optional(), Length(max=5000)])
    sector = SelectField("Sector", choices=SECTOR_CHOICES, validators=[DataRequired(message="Choose a sector.")])
    tags = StringField("Tags (comma-separated)", validators=[Optional(), Length(max=500)])
    trl_expected = SelectField("Expected technology readiness", choices=TRL_CHOICES, default="6",
                               validators=[DataRequired()])
    budget_min = IntegerField("Budget from", validators=[Optional(), NumberRange(min=0, max=10**12)])
    budget_max = IntegerField("Budget up to", validators=[Optional(), NumberRange(min=0, max=10**12)])
    currency = SelectField("Currency", choices=[(c, c) for c in CURRENCIES], default="EUR")
    location = StringField("Location", validators=[Optional(), Length(max=200)])
    country = SelectField("Country", choices=COUNTRY_CHOICES, validators=[DataRequired()])
    deadline = DateField("Submission deadline", validators=[DataRequired(message="Give a date (YYYY-MM-DD).")])
