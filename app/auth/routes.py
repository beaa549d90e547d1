"""Account routes: thin wrappers over app.services.accounts.users."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth.forms import AcceptInvitationForm, ChangePasswordForm, InviteForm, LoginForm, SignupForm
from app.extensions import CurrentUser, service_settings
from app.security.limits import (
    failed_login,
    invite_limit,
    inviter_key,
    limiter,
    login_account_key,
    login_account_limit,
    login_limit,
    signup_limit,
)
from app.services.accounts import registration
from app.services.accounts import users as accounts
from app.services.errors import NotFound, ValidationFailed
from app.web.form_helpers import ActionForm, apply_errors
from app.web.request_context import actor_id, get_session, safe_next

bp = Blueprint("auth", __name__)


def _start_session(user) -> None:
    session.clear()  # a fresh session on every log-in: no fixation
    login_user(CurrentUser(user))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(signup_limit, methods=["POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        org = accounts.OrganisationData(
            name=form.organisation_name.data, side=form.side.data, kind=form.kind.data, country=form.country.data,
            city=form.city.data or "", size=form.size.data or "", website=form.website.data or "",
            description=form.description.data or "",
        )
        data = accounts.SignupData(name=form.name.data, email=form.email.data, password=form.password.data,
                                   organisation=org)
        try:
            registration.register(get_session(), data, settings=service_settings())
        except ValidationFailed as exc:
            apply_errors(form, {("organisation_name" if k == "name" else k): v for k, v in exc.errors.items()})
        else:
            # The same answer for a new and a taken address (no enumeration): the mailbox learns which.
            return redirect(url_for("auth.signup_sent"))
    return render_template("auth/signup.html", form=form), 200 if not form.errors else 422


@bp.route("/signup/sent")
def signup_sent():
    return render_template("auth/signup_sent.html")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], deduct_when=failed_login)
@limiter.limit(login_account_limit, methods=["POST"], key_func=login_account_key, deduct_when=failed_login)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = accounts.authenticate(get_session(), form.email.data, form.password.data)
        if user is not None:
            _start_session(user)
            return safe_next(form.next.data)
        form.form_errors.append("E-mail or password is not correct.")
    return render_template("auth/login.html", form=form), 200 if not form.errors and not form.form_errors else 422


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if ActionForm().validate_on_submit():
        accounts.end_all_sessions(get_session(), actor_id())
        logout_user()
        session.clear()
        flash("You have been logged out.", "info")
    return redirect(url_for("main.index"))


@bp.route("/account", methods=["GET"])
@login_required
def account():
    return render_template("auth/account.html", password_form=ChangePasswordForm(), invite_form=InviteForm())


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.change_password(get_session(), actor_id(), form.current_password.data,
                                            form.new_password.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            _start_session(user)  # this browser stays in; every other session has ended
            flash("Password changed. Other sessions have been logged out.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", password_form=form, invite_form=InviteForm()), 422


@bp.route("/account/invite", methods=["POST"])
@limiter.limit(invite_limit, methods=["POST"], key_func=inviter_key)
@login_required
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            registration.invite(get_session(), actor_id(), form.email.data, settings=service_settings())
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(f"Invitation sent to {form.email.data}.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", password_form=ChangePasswordForm(), invite_form=form), 422


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    db = get_session()
    try:
        invitation = accounts.invitation_from_token(db, token, settings=service_settings())
    except NotFound as exc:
        return render_template("auth/invitation_invalid.html", message=exc.message), 404
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = accounts.accept_invitation(db, invitation, form.name.data, form.password.data)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            if current_user.is_authenticated:
                logout_user()
            _start_session(user)
            flash(f"Welcome to {invitation.organisation.name}.", "success")
            return redirect(url_for("main.dashboard"))
    status = 422 if form.errors else 200
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation), status
