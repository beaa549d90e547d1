"""Home and dashboard."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from app.services import dashboard as dashboard_service
from app.services import discovery
from app.web import actor_id, get_session

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    db = get_session()
    latest = discovery.search_challenges(db, discovery.ChallengeQuery(sort="newest", per_page=6))
    return render_template("main/index.html", latest=latest, stats=dashboard_service.platform_counts(db))


@bp.route("/dashboard")
@login_required
def dashboard():
    return render_template("main/dashboard.html", overview=dashboard_service.overview(get_session(), actor_id()))
