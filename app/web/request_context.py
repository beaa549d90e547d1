"""What a view asks of the request: its DB session, the signed-in actor and organisation, a safe redirect."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, url_for
from flask_login import current_user

from app.db import get_session
from app.security.input_rules import has_any_control_characters

__all__ = ["actor_id", "get_session", "safe_next", "viewer_org_id"]


def actor_id() -> int:
    return current_user.user_id


def viewer_org_id() -> int | None:
    return current_user.organisation_id if current_user.is_authenticated else None


def safe_next(target: str | None, default: str = "main.dashboard"):
    """Redirect to ``target`` only when it stays on this site; otherwise to ``default``."""
    # Control characters (a CR LF from `next=/%0d%0a...`) cannot go into a Location header: go home instead.
    if target and not has_any_control_characters(target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") \
                and "\\" not in target:
            return redirect(target)
    return redirect(url_for(default))

