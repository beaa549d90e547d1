"""Hidden matches: the list of pairs an organisation hid, and Restore (also the Undo after Hide)."""
from __future__ import annotations

from flask import Blueprint, flash, render_template, request
from flask_login import login_required

from app.services.recommendations import hidden_matches
from app.web.form_helpers import ActionForm
from app.web.request_context import actor_id, get_session, safe_next

bp = Blueprint("hidden_matches", __name__)


def _int(name: str) -> int:
    value = request.form.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else 0


@bp.route("/matches/hidden")
@login_required
def hidden():
    items = hidden_matches.hidden_matches(get_session(), actor_id())
    return render_template("matches/hidden.html", items=items, action_form=ActionForm())


@bp.route("/matches/restore", methods=["POST"])
@login_required
def restore():
    if ActionForm().validate_on_submit():
        restored = hidden_matches.restore_match(get_session(), actor_id(), _int("challenge_id"), _int("solution_id"))
        if restored:
            flash("Match restored: it is back in your lists.", "success")
    return safe_next(request.form.get("next"), "hidden_matches.hidden")
