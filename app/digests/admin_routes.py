"""Admin pages: the outbox (queued and failed messages, retry) and "preview as this user" for digests."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import service_settings
from app.services.digests import outbox_admin
from app.services.digests import runs as digests
from app.services.errors import ServiceError
from app.web.form_helpers import ActionForm
from app.web.request_context import actor_id, get_session

bp = Blueprint("digest_admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin():
    if not current_user.is_admin:
        abort(403, description="Only platform administrators can open this page.")


@bp.route("/outbox")
def outbox():
    db = get_session()
    lists = {status: outbox_admin.pending_messages(db, actor_id(), status) for status in ("failed", "queued")}
    return render_template("digests/admin_outbox.html", lists=lists, action_form=ActionForm())


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
def retry(message_id: int):
    if ActionForm().validate_on_submit():
        try:
            outbox_admin.retry_message(get_session(), actor_id(), message_id)
        except ServiceError as exc:
            flash(exc.message, "danger")
        else:
            flash("Message queued again; the next delivery run sends it.", "success")
    return redirect(url_for("digest_admin.outbox"))


@bp.route("/outbox/retry-failed", methods=["POST"])
def retry_failed():
    if ActionForm().validate_on_submit():
        count = outbox_admin.retry_all_failed(get_session(), actor_id())
        flash(f"{count} failed message(s) queued again.", "success")
    return redirect(url_for("digest_admin.outbox"))


def _preview(user_id: int):
    return digests.preview_digest(get_session(), actor_id(), user_id, service_settings())


@bp.route("/digests/preview")
def preview_lookup():
    user_id = request.args.get("user_id", "")
    if not user_id.isdigit():
        flash("Give a user id to preview.", "warning")
        return redirect(url_for("digest_admin.outbox"))
    return redirect(url_for("digest_admin.preview", user_id=int(user_id)))


@bp.route("/digests/preview/<int:user_id>")
def preview(user_id: int):
    return render_template("digests/admin_preview.html", preview=_preview(user_id))


@bp.route("/digests/preview/<int:user_id>/email.html")
def preview_html(user_id: int):
    """The HTML part exactly as it would be sent, for the preview frame."""
    result = _preview(user_id)
    if result.email is None:
        abort(404, description="Nothing would be sent to this user now.")
    return result.email.html, 200, {"Content-Type": "text/html; charset=utf-8"}
