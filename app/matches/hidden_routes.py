"""Hidden matches: the list of pairs an organisation hid, and Restore (also the Undo after Hide)."""
from __future__ import annotations

from flask import Blueprint, flash, render_template, request
from flask_login import login_required

from app.forms_common import ActionForm
from app.services.errors import ServiceError
from app.services.recommendations import hidden_matches
from app.web import abort_for, actor_id, get_session, safe_next

bp = Blueprint("hidden_matches", __name__)


def _int(name: str) -> int:
    value = request.form.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else 0


@bp.route("/matches/hidden")
@login_required
def hidden():
    try:
        items = hidden_matches.hidden_matches(get_session(), actor_id())
    except ServiceError as exc:
        abort_for(exc)
    return render_template("matches/hidden.html", items=items, action_form=ActionForm())


@bp.route("/matches/restore", methods=["POST"])
@login_required
def restore():
    if ActionForm().validate_on_submit():
        try:
            restored = hidden_matches.restore_match(get_session(), actor_id(), _int("challenge_id"),
                                                    _int("solution_id"))
        except ServiceError as exc:
            abort_for(exc)
        if restored:
            flash("Match restored: it is back in your lists.", "success")
    return safe_next(request.form.get("next"), "hidden_matches.hidden")
