"""Admin pages: thin wrappers over app.services.moderation.actions, app.services.moderation.reports and admin_views."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin.forms import HandleReportForm, ReasonForm
from app.extensions import login_manager
from app.services.errors import Conflict, ValidationFailed
from app.services.moderation import actions as moderation
from app.services.moderation import admin_queries as admin_views
from app.services.moderation import reports
from app.web.request_context import actor_id, get_session

bp = Blueprint("admin", __name__, url_prefix="/admin")
ITEM_KINDS = "any(challenge,solution)"


@bp.before_request
def require_admin():
    """Every admin page: anonymous visitors are sent to log in, other users get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403, description="This page is for platform administrators.")
    return None


def _act(action, success: str, back: str, **back_args):
    """Run a moderation action; show the outcome; bad input and conflicts come back as messages."""
    try:
        action()
    except (ValidationFailed, Conflict) as exc:
        flash(exc.message, "danger")
    else:
        flash(success, "success")
    return redirect(url_for(back, **back_args))


@bp.route("")
def dashboard():
    db = get_session()
    return render_template("admin/dashboard.html", counts=admin_views.counts(db, actor_id()),
                           recent=moderation.audit_log(db, actor_id(), limit=10))


@bp.route("/organisations")
def organisations():
    q, unverified = request.args.get("q", "")[:200], request.args.get("unverified") == "1"
    orgs = admin_views.organisations(get_session(), actor_id(), q, unverified)
    return render_template("admin/organisations.html", orgs=orgs, q=q, unverified=unverified, form=ReasonForm())


@bp.route("/organisations/<int:org_id>/verification", methods=["POST"])
def set_verification(org_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400, description="The form is not valid.")
    verified = request.form.get("verified") == "1"
    return _act(lambda: moderation.set_verified(get_session(), actor_id(), org_id, verified, form.reason.data or ""),
                "Organisation verified." if verified else "Verification withdrawn.", "admin.organisations")


@bp.route("/users")
def users():
    q, suspended = request.args.get("q", "")[:200], request.args.get("suspended") == "1"
    found = admin_views.users(get_session(), actor_id(), q, suspended)
    return render_template("admin/users.html", users=found, q=q, suspended=suspended, form=ReasonForm())


@bp.route("/users/<int:user_id>/suspend", methods=["POST"])
def suspend(user_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400, description="The form is not valid.")
    return _act(lambda: moderation.suspend_user(get_session(), actor_id(), user_id, form.reason.data or ""),
                "User suspended; their sessions have ended.", "admin.users")


@bp.route("/users/<int:user_id>/unsuspend", methods=["POST"])
def unsuspend(user_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400, description="The form is not valid.")
    return _act(lambda: moderation.unsuspend_user(get_session(), actor_id(), user_id, form.reason.data or ""),
                "User can log in again.", "admin.users")


@bp.route("/items")
def items():
    kind = request.args.get("kind", "challenge")
    kind = kind if kind in moderation.HIDEABLE else "challenge"
    q, hidden = request.args.get("q", "")[:200], request.args.get("hidden") == "1"
    found = admin_views.items(get_session(), actor_id(), kind, q, hidden)
    return render_template("admin/items.html", items=found, kind=kind, q=q, hidden=hidden, form=ReasonForm())


@bp.route(f"/items/<{ITEM_KINDS}:kind>/<int:item_id>/hide", methods=["POST"])
def hide(kind: str, item_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400, description="The form is not valid.")
    return _act(lambda: moderation.hide_item(get_session(), actor_id(), kind, item_id, form.reason.data or ""),
                f"The {kind} is hidden.", "admin.items", kind=kind)


@bp.route(f"/items/<{ITEM_KINDS}:kind>/<int:item_id>/restore", methods=["POST"])
def restore(kind: str, item_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400, description="The form is not valid.")
    return _act(lambda: moderation.restore_item(get_session(), actor_id(), kind, item_id, form.reason.data or ""),
                f"The {kind} is visible again.", "admin.items", kind=kind)


@bp.route("/reports")
def report_queue():
    status = request.args.get("status", "open")
    status = status if status in ("open", *reports.OUTCOMES) else "open"
    views = reports.queue(get_session(), actor_id(), status)
    return render_template("admin/reports.html", views=views, status=status, form=HandleReportForm(),
                           reason_form=ReasonForm())


@bp.route("/reports/<int:report_id>/handle", methods=["POST"])
def handle_report(report_id: int):
    form = HandleReportForm()
    if not form.validate_on_submit():
        flash("Choose resolve or dismiss.", "danger")
        return redirect(url_for("admin.report_queue"))
    return _act(lambda: reports.handle_report(get_session(), actor_id(), report_id, form.outcome.data,
                                              form.note.data or ""),
                f"Report {form.outcome.data}.", "admin.report_queue")


@bp.route("/audit")
def audit():
    return render_template("admin/audit.html", entries=moderation.audit_log(get_session(), actor_id()))
