"""Home and dashboard."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.services.marketplace import dashboard_queries as dashboard_service
from app.services.marketplace import discovery_queries as discovery
from app.services.marketplace import first_run
from app.services.recommendations import match_queries as match_lists
from app.web.form_helpers import ActionForm
from app.web.request_context import actor_id, get_session

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    db = get_session()
    latest = discovery.search_challenges(db, discovery.ChallengeQuery(sort="newest", per_page=6))
    return render_template("main/index.html", latest=latest, stats=dashboard_service.platform_counts(db))


@bp.route("/dashboard")
@login_required
def dashboard():
    overview = dashboard_service.overview(get_session(), actor_id())
    top_matches, verdicts, also = None, {}, {}
    if overview.organisation is not None:
        filters = match_lists.MatchFilters(per_page=5)
        top_matches = match_lists.for_organisation(get_session(), actor_id(), filters, one_per_opportunity=True)
        pairs = [(m.challenge_id, m.solution_id) for m in top_matches.items]
        verdicts = match_lists.verdicts(get_session(), overview.organisation.id, pairs)
        also = match_lists.also_fits(get_session(), actor_id(), top_matches.items, filters)
    return render_template("main/dashboard.html", overview=overview, top_matches=top_matches,
                           verdicts=verdicts, action_form=ActionForm(), buyer_view=current_user.is_buyer,
                           subject=None, also=also, steps=first_run.checklist(get_session(), actor_id()))
