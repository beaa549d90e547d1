"""Clarification forms: shape and CSRF only; lengths and who may do what are the service's rules."""
from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import Optional

from app.security.form_rules import CheckedForm


class QuestionForm(CheckedForm):
    question = TextAreaField("Your question")


class AnswerForm(CheckedForm):
    answer = TextAreaField("Answer (published to everyone, without who asked)")


class NoticeForm(CheckedForm):
    title = StringField("Title", description="e.g. Deadline extended, New document, Budget corrected")
    description = TextAreaField("What changes and why")
    document_url = StringField("Link to a new or corrected document (optional)")
    deadline = DateField("New deadline (optional)", validators=[Optional()])
    change_budget = BooleanField("Change the budget")
    budget_min = IntegerField("New minimum budget", validators=[Optional()])
    budget_max = IntegerField("New maximum budget", validators=[Optional()])
