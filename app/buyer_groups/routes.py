"""Buyer-group routes: the group page, the lead's invitations and removals, accepting an invitation."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from app.buyer_groups.forms import InviteForm
from app.extensions import service_settings
from app.services.errors import Conflict, ValidationFailed
from app.services.marketplace import buyer_groups
from app.services.marketplace import challenge_access as access
from app.web.form_helpers import ActionForm, apply_errors
from app.web.request_context import actor_id, get_session, viewer_org_id

bp = Blueprint("buyer_groups", __name__)


def _page(challenge_id: int, form: InviteForm, status: int = 200):
    db = get_session()
    challenge, parties = buyer_groups.group_for(db, actor_id(), challenge_id)
    is_lead = access.role_of(db, challenge, viewer_org_id()) == "lead"
    if is_lead:
        form.organisation_id.choices = [(o.id, o.name) for o in buyer_groups.invitable_organisations(db, challenge)]
    return render_template("buyer_groups/group.html", challenge=challenge, parties=parties, is_lead=is_lead,
                           form=form, action_form=ActionForm(), roles=buyer_groups.PARTY_ROLES), status


@bp.route("/challenges/<int:challenge_id>/buyers")
@login_required
def group(challenge_id: int):
    return _page(challenge_id, InviteForm())


@bp.route("/challenges/<int:challenge_id>/buyers", methods=["POST"])
@login_required
def invite(challenge_id: int):
    form = InviteForm()
    if form.validate_on_submit():
        try:
            party = buyer_groups.invite(get_session(), actor_id(), challenge_id, form.organisation_id.data,
                                        form.role.data, settings=service_settings())
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        except Conflict as exc:
            form.form_errors.append(exc.message)
        else:
            flash(f"Invitation e-mailed to the members of {party.organisation.name}.", "success")
            return redirect(url_for("buyer_groups.group", challenge_id=challenge_id))
    return _page(challenge_id, form, 422)


@bp.route("/challenges/<int:challenge_id>/buyers/<int:organisation_id>/remove", methods=["POST"])
@login_required
def remove(challenge_id: int, organisation_id: int):
    if ActionForm().validate_on_submit():
        party = buyer_groups.remove(get_session(), actor_id(), challenge_id, organisation_id)
        flash(f"{party.organisation.name} is no longer part of this challenge.", "success")
    return redirect(url_for("buyer_groups.group", challenge_id=challenge_id))


@bp.route("/buyer-invitations/<token>", methods=["GET", "POST"])
@login_required
def accept(token: str):
    form = ActionForm()
    db = get_session()
    party = buyer_groups.invitation_from_token(db, actor_id(), token, settings=service_settings())
    if form.validate_on_submit():
        buyer_groups.accept(db, actor_id(), token, settings=service_settings())
        flash(f"{party.organisation.name} is now {buyer_groups.PARTY_ROLES[party.role].lower()} of this challenge.",
              "success")
        return redirect(url_for("challenges.detail", challenge_id=party.challenge_id))
    return render_template("buyer_groups/accept.html", party=party, form=form, roles=buyer_groups.PARTY_ROLES)
