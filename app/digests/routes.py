"""Digest settings, one-click unsubscribe and saved challenges: thin wrappers over the digest services."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.digests.forms import DigestSettingsForm
from app.extensions import csrf
from app.services.digests import preferences as digest_preferences
from app.services.digests.schedule import WEEKDAYS
from app.services.errors import ValidationFailed
from app.services.marketplace import saved_challenges
from app.web.form_helpers import ActionForm, apply_errors
from app.web.request_context import actor_id, get_session

bp = Blueprint("digests", __name__)


@bp.app_context_processor
def saved_challenge_helpers():
    """``challenge_saved(id)`` for the Save button partial on challenge pages."""
    def challenge_saved(challenge_id: int) -> bool:
        if not current_user.is_authenticated:
            return False
        return saved_challenges.is_saved(get_session(), current_user.user_id, challenge_id)
    return {"challenge_saved": challenge_saved}


def _data(form: DigestSettingsForm) -> digest_preferences.PreferenceData:
    return digest_preferences.PreferenceData(
        frequency=form.frequency.data, weekday=form.weekday.data, hour=form.hour.data,
        time_zone=form.time_zone.data or "", min_score=form.min_score.data, sectors=list(form.sectors.data or []),
        follow_emails=bool(form.follow_emails.data))


@bp.route("/account/digests", methods=["GET", "POST"])
@login_required
def settings():
    db = get_session()
    form = DigestSettingsForm()
    if request.method == "GET":
        form.process(data=vars(digest_preferences.preferences_for(db, actor_id())))
    elif form.validate_on_submit():
        try:
            digest_preferences.save_preferences(db, actor_id(), _data(form))
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash("Digest settings saved.", "success")
            return redirect(url_for("digests.settings"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("digests/settings.html", form=form, weekdays=WEEKDAYS), status


def _unsubscribe_args() -> dict:
    return {"secret": current_app.config["SECRET_KEY"], "max_age_s": current_app.config["UNSUBSCRIBE_MAX_AGE_S"]}


@bp.route("/unsubscribe/<token>", methods=["GET"])
def unsubscribe(token: str):
    """The link in the e-mail: a page with one button (a GET never changes anything: link scanners follow GETs)."""
    try:
        user = digest_preferences.user_for_unsubscribe(get_session(), token, **_unsubscribe_args())
    except digest_preferences.UnsubscribeLinkInvalid as exc:
        return render_template("digests/unsubscribe_invalid.html", message=exc.message), 400
    return render_template("digests/unsubscribe_confirm.html", token=token, email=user.email)


# CSRF-exempt on purpose: RFC 8058 one-click unsubscribe means the mail client POSTs
# "List-Unsubscribe=One-Click" to this URL with no cookie and no form token. The signed, expiring token in the
# URL is itself the proof that the request comes from the mailbox owner, which is what a CSRF token would prove;
# a forged cross-site POST cannot contain a valid token, and the only possible effect is turning digests off.
@bp.route("/unsubscribe/<token>", methods=["POST"])
@csrf.exempt
def unsubscribe_post(token: str):
    try:
        user = digest_preferences.unsubscribe(get_session(), token, **_unsubscribe_args())
    except digest_preferences.UnsubscribeLinkInvalid as exc:
        return render_template("digests/unsubscribe_invalid.html", message=exc.message), 400
    return render_template("digests/unsubscribe_done.html", email=user.email)


@bp.route("/saved")
@login_required
def saved():
    items = saved_challenges.saved_of(get_session(), actor_id())
    return render_template("digests/saved.html", items=items)


@bp.route("/challenges/<int:challenge_id>/save", methods=["POST"])
@login_required
def save_challenge(challenge_id: int):
    if ActionForm().validate_on_submit():
        if request.form.get("action") == "unsave":
            saved_challenges.unsave_challenge(get_session(), actor_id(), challenge_id)
            flash("Removed from your saved challenges.", "success")
        else:
            saved_challenges.save_challenge(get_session(), actor_id(), challenge_id)
            flash("Saved. Your digest will remind you before the deadline.", "success")
    return redirect(url_for("challenges.detail", challenge_id=challenge_id))
