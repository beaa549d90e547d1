"""CheckedForm: the base of every form, applying app.security.input_rules to each field by its type.

Per field type (docs/security.md lists the same):
- single-line text (StringField, EmailField, ...): CR LF becomes LF, bidi controls are stripped, any other
  control character (NUL, escape, bell, CR ...) is a field error;
- multi-line text (TextAreaField): CR LF becomes LF, tab and newline are kept, bidi controls are kept (right-to-left
  prose needs them), any other control character is a field error;
- passwords and hidden fields are left as typed (passwords are only hashed; `next` is checked where it is used);
- numbers (DecimalField, FloatField): Inf and NaN are a field error;
- dates (DateField, DateTimeField): more than input_rules.MAX_YEARS_AHEAD years ahead is a field error.
Hooking in at field binding means a form author cannot forget it: a test checks every form in app/ is a CheckedForm.
"""
from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeField,
    DecimalField,
    FloatField,
    HiddenField,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError

from app.security import input_rules


def _normalise(value):
    return input_rules.normalise_line_breaks(value) if isinstance(value, str) else value


def _single_line(value):
    return input_rules.clean_single_line(value) if isinstance(value, str) else value


def refuse_unsafe_text(form, field) -> None:
    problem = input_rules.text_problem(field.data) if isinstance(field.data, str) else None
    if problem:
        raise ValidationError(problem)


def refuse_non_finite(form, field) -> None:
    """NaN, Infinity and values beyond a float (1e400: services store floats) are not measurements."""
    value = field.data
    if isinstance(value, Decimal) and (not value.is_finite() or not math.isfinite(float(value))):
        raise ValidationError(input_rules.NOT_FINITE_MESSAGE)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(input_rules.NOT_FINITE_MESSAGE)


def refuse_far_future(form, field) -> None:
    problem = input_rules.horizon_problem(field.data, date.today())
    if problem:
        raise ValidationError(problem)


def _rules_for(field) -> tuple[tuple, list]:
    """(extra filters, extra validators) for a bound field, by its type."""
    if isinstance(field, (PasswordField, HiddenField)):
        return (), []
    if isinstance(field, TextAreaField):
        return (_normalise,), [refuse_unsafe_text]
    if isinstance(field, StringField):
        return (_single_line,), [refuse_unsafe_text]
    if isinstance(field, (DecimalField, FloatField)):
        return (), [refuse_non_finite]
    if isinstance(field, (DateField, DateTimeField)):
        return (), [refuse_far_future]
    return (), []


class CheckedForm(FlaskForm):
    """A FlaskForm (CSRF included) whose fields also apply the input rules above."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            filters, validators = _rules_for(field)
            if filters:
                field.filters = (*field.filters, *filters)
            if validators:
                field.validators = [*field.validators, *validators]
            return field
