"""Every HTML e-mail wears the site's colours and names the product (issue 16)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.mail.rendering import EMAIL_TEMPLATES, render_email

SITE_GREEN = "#0b6e4f"


@pytest.mark.parametrize("template, context", [
    ("confirm_email", {"user": SimpleNamespace(name="Aino", email="a@x.example"), "link": "https://c.example/confirm"}),
    ("password_reset", {"user": SimpleNamespace(name="Aino"), "link": "https://c.example/reset", "valid_minutes": 30}),
    ("invitation", {"inviter": SimpleNamespace(name="Ilkka"), "organisation": SimpleNamespace(name="Espoo"),
                    "link": "https://c.example/join"}),
])
def test_html_mail_has_the_header_and_a_green_button(template, context):
    text, html = render_email(template, **context)
    assert 'class="email-header"' in html and ">CiviMatch</div>" in html
    button = html[html.index(f'<a href="{context["link"]}"'):]
    assert f"background: {SITE_GREEN}" in button[:button.index(">")]
    assert context["link"] in text


def test_no_mail_template_keeps_the_old_blue():
    for path in EMAIL_TEMPLATES.glob("*.html"):
        body = path.read_text()
        assert "#0b5cad" not in body, path.name
        assert "_layout.html" in body or 'class="email-header"' in body, path.name
