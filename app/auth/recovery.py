"""Password reset and e-mail confirmation routes: thin wrappers over app.services.accounts.recovery."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from app.extensions import service_settings
from app.security.form_rules import CheckedForm
from app.security.limits import limiter, password_reset_limit
from app.services.accounts import recovery as account_recovery
from app.services.errors import NotFound, ValidationFailed
from app.web.form_helpers import ActionForm, apply_errors
from app.web.request_context import actor_id, get_session

bp = Blueprint("recovery", __name__)


class ForgotPasswordForm(CheckedForm):
    email = EmailField("Your account's e-mail", validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(CheckedForm):
    password = PasswordField("New password (8 characters or more)", validators=[DataRequired(), Length(max=256)])


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(password_reset_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        account_recovery.request_password_reset(get_session(), form.email.data, settings=service_settings())
        # The same answer whether or not the address is registered.
        return render_template("auth/reset_requested.html")
    return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(password_reset_limit, methods=["POST"])
def reset_password(token: str):
    db = get_session()
    try:
        account_recovery.user_for_reset_token(db, token, settings=service_settings())
    except NotFound as exc:
        return render_template("auth/invitation_invalid.html", message=exc.message), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            account_recovery.reset_password(db, token, form.password.data, settings=service_settings())
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash("Your password has been changed. Log in with the new one.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 422 if form.errors else 200


@bp.route("/email/confirm/<token>")
def confirm_email(token: str):
    try:
        account_recovery.confirm_email(get_session(), token, settings=service_settings())
    except NotFound as exc:
        return render_template("auth/invitation_invalid.html", message=exc.message), 404
    flash("Thank you: your e-mail address is confirmed.", "success")
    return redirect(url_for("main.dashboard" if current_user.is_authenticated else "auth.login"))


@bp.route("/email/confirm/resend", methods=["POST"])
@login_required
@limiter.limit(password_reset_limit)
def resend_confirmation():
    if ActionForm().validate_on_submit():
        sent = account_recovery.send_email_confirmation(get_session(), actor_id(), settings=service_settings())
        flash("We have sent you a new confirmation link." if sent else "Your address is already confirmed.", "info")
    return redirect(url_for("main.dashboard"))
