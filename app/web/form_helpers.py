"""Form helpers shared by feature blueprints: choices, tag parsing, mapping service errors."""
from __future__ import annotations

from flask_wtf import FlaskForm

from app.code_lists import COUNTRIES, SECTORS

SECTOR_CHOICES = [("", "Choose a sector")] + list(SECTORS.items())
COUNTRY_CHOICES = [("", "Choose a country")] + sorted(COUNTRIES.items(), key=lambda item: item[1])
TRL_CHOICES = [(str(n), f"TRL {n}") for n in range(1, 10)]


class ActionForm(FlaskForm):
    """A form with only a CSRF token, for buttons that change state."""


def apply_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Show service-rule errors beside the matching fields (or at the top when no field matches)."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [message]
        else:
            form.form_errors.append(message)
