"""Render the ``.txt`` + ``.html`` pair of an e-mail with plain Jinja: no Flask app, request or app context.

The environment reads ``templates/email/`` and has only what those templates use (two filters); HTML is
autoescaped as in Flask's own environment, the text part is not. Built once: it depends on files, not settings.
"""
from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.config import ROOT
from app.display_formats import closes_in, short_date

EMAIL_TEMPLATES = ROOT / "templates" / "email"


@lru_cache(maxsize=1)
def email_environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(EMAIL_TEMPLATES)),
                      autoescape=select_autoescape(("html", "htm", "xml"), default_for_string=True))
    env.filters.update(closes_in=closes_in, date=short_date)
    return env


def render_email(template: str, **context) -> tuple[str, str]:
    """Render ``templates/email/<template>.txt`` and ``.html`` with ``context``."""
    env = email_environment()
    return env.get_template(f"{template}.txt").render(context), env.get_template(f"{template}.html").render(context)
