"""Flask extensions: revocable login sessions, CSRF protection, and the ServiceSettings accessor for callers."""
from __future__ import annotations

from flask import Flask, current_app
from flask_login import LoginManager, UserMixin
from flask_wtf.csrf import CSRFProtect

from app.services.settings import ServiceSettings

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"
csrf = CSRFProtect()


def service_settings() -> ServiceSettings:
    """The settings views, API handlers, CLI commands and tasks pass to services (made by the factory)."""
    return current_app.extensions["service_settings"]


class CurrentUser(UserMixin):
    """What the web layer knows of the signed-in user; the id carries the session version."""

    def __init__(self, user) -> None:
        self.user_id: int = user.id
        self.email: str = user.email
        self.name: str = user.name
        self.organisation_id: int | None = user.organisation_id
        self.organisation_side: str | None = user.organisation.side if user.organisation else None
        self.organisation_country: str | None = user.organisation.country if user.organisation else None
        self.is_admin: bool = user.is_admin
        self.email_confirmed: bool = user.email_confirmed_at is not None
        self._session_id = f"{user.id}:{user.session_version}"

    def get_id(self) -> str:
        return self._session_id

    @property
    def is_buyer(self) -> bool:
        return self.organisation_side == "buyer"

    @property
    def is_innovator(self) -> bool:
        return self.organisation_side == "innovator"


@login_manager.user_loader
def load_user(session_id: str) -> CurrentUser | None:
    from app.db import get_session
    from app.services.accounts import users as accounts

    user = accounts.user_for_session(get_session(), session_id)
    return CurrentUser(user) if user else None


def register_security(app: Flask) -> None:
    login_manager.init_app(app)
    csrf.init_app(app)
    from app.security import register_hardening

    register_hardening(app)
