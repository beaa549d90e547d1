"""Consultation forms: start (questions, deadline), respond, publish the report."""
from __future__ import annotations

from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.security.form_rules import CheckedForm
from app.services.procurement.consultation import MAX_REPORT, MAX_SUMMARY


class StartConsultationForm(CheckedForm):
    questions = TextAreaField("Questions to the market (one per line)", validators=[DataRequired()])
    deadline = DateField("Responses until", validators=[DataRequired(message="Give a date (YYYY-MM-DD).")])


class ResponseForm(CheckedForm):
    """The answers come as repeated ``answer`` fields, one per question, in order."""

    summary = StringField("One public line about your organisation (if listed)",
                          validators=[Optional(), Length(max=MAX_SUMMARY)])
    list_publicly = BooleanField("List my organisation publicly as a respondent (answers stay private)")


class ReportForm(CheckedForm):
    report = TextAreaField("Market engagement report", validators=[DataRequired(), Length(max=MAX_REPORT)])
