"""Clarification forms: shape and CSRF only; lengths and who may do what are the service's rules."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import Optional


class QuestionForm(FlaskForm):
    question = TextAreaField("Your question")


class AnswerForm(FlaskForm):
    answer = TextAreaField("Answer (published to everyone, without who asked)")


class NoticeForm(FlaskForm):
    title = StringField("Title", description="e.g. Deadline extended, New document, Budget corrected")
    description = TextAreaField("What changes and why")
    document_url = StringField("Link to a new or corrected document (optional)")
    deadline = DateField("New deadline (optional)", validators=[Optional()])
    change_budget = BooleanField("Change the budget")
    budget_min = IntegerField("New minimum budget", validators=[Optional()])
    budget_max = IntegerField("New maximum budget", validators=[Optional()])
