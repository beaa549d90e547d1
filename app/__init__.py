"""CiviMatch application factory: a short list of register_* calls and no work at import."""
from __future__ import annotations

from typing import Any

from flask import Flask

from app import config as config_module
from app.config import ROOT


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app from the environment, overridden by ``config`` (tests pass one)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(config_module.from_environment())
    if config:
        app.config.update(config)
    register_extensions(app)
    register_blueprints(app)
    register_service_settings(app)
    register_cli(app)
    register_template_helpers(app)
    register_error_handlers(app)
    return app


def register_extensions(app: Flask) -> None:
    from app.db import register_db
    from app.extensions import register_security
    from app.jobs.match_refresh import register_refresh_jobs

    register_db(app)
    register_security(app)
    register_refresh_jobs(app)  # after a commit that made matches due: a Celery task or an after-response run
    from app.web.page_cache import register_page_cache

    register_page_cache(app)  # anonymous public pages, keyed by the public content version


def register_blueprints(app: Flask) -> None:
    from app.admin.report_routes import bp as reports_bp
    from app.admin.routes import bp as admin_bp
    from app.auth.recovery import bp as recovery_bp
    from app.auth.routes import bp as auth_bp
    from app.challenges.routes import bp as challenges_bp
    from app.digests.admin_routes import bp as digest_admin_bp
    from app.digests.routes import bp as digests_bp
    from app.main.routes import bp as main_bp
    from app.matches.hidden_routes import bp as hidden_matches_bp
    from app.matches.routes import bp as matches_bp
    from app.organisations.routes import bp as organisations_bp
    from app.solutions.routes import bp as solutions_bp

    for blueprint in (main_bp, auth_bp, organisations_bp, challenges_bp, solutions_bp, matches_bp, hidden_matches_bp):
        app.register_blueprint(blueprint)
    for blueprint in (recovery_bp, admin_bp, reports_bp):  # security and moderation
        app.register_blueprint(blueprint)
    from app.auth.personal_data_routes import admin_bp as personal_data_admin_bp
    from app.auth.personal_data_routes import bp as personal_data_bp

    for blueprint in (personal_data_bp, personal_data_admin_bp):  # export and erasure (GDPR)
        app.register_blueprint(blueprint)
    for blueprint in (digests_bp, digest_admin_bp):  # digest settings, unsubscribe, outbox admin
        app.register_blueprint(blueprint)
    from app.applications.routes import bp as applications_bp
    from app.buyer_groups.routes import bp as buyer_groups_bp
    from app.open_data.routes import bp as open_data_bp
    from app.pilots.routes import bp as pilots_bp

    for blueprint in (applications_bp, pilots_bp, open_data_bp):  # match to purchase, transparency
        app.register_blueprint(blueprint)
    register_phased_procurement(app)
    app.register_blueprint(buyer_groups_bp)  # joint challenges: co-owners and observers
    from app.clarifications.routes import bp as clarifications_bp

    app.register_blueprint(clarifications_bp)  # questions, anonymised answers and notices of a challenge
    from app.api import register_api

    register_api(app)  # the JSON API at /api/v1 and its pages


def register_phased_procurement(app: Flask) -> None:
    """Issue 13: the published pipeline, market consultation and phases with down-selection."""
    from app.consultation.routes import bp as consultation_bp
    from app.pipeline.routes import bp as pipeline_bp

    app.register_blueprint(pipeline_bp)
    app.register_blueprint(consultation_bp)


def register_service_settings(app: Flask) -> None:
    """Made once, after the blueprints (links in e-mails need their routes); callers pass it to services."""
    from app.services.settings import ServiceSettings

    app.extensions["service_settings"] = ServiceSettings.from_config(app.config, app.url_map)


def register_cli(app: Flask) -> None:
    from app.cli import register_commands

    register_commands(app)


def register_template_helpers(app: Flask) -> None:
    from app.web.templating import register_filters

    register_filters(app)


def register_error_handlers(app: Flask) -> None:
    from app.web.error_handlers import register_error_handlers as register_pages

    register_pages(app)  # the JSON API's own handlers are registered on its blueprint (app.api.errors)
