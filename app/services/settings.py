"""The platform settings services need, as one small value passed in by every caller (web, API, CLI, tasks).

Services never read the Flask config: a rule such as "only verified buyers publish" must hold the same way in a
request, a CLI command, a Celery task or a plain script. The factory makes one ``ServiceSettings`` from the
config (``app.extensions["service_settings"]``); scripts and tests can build their own.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.mail.links import EmailLinks, RouteMap

DAY_S = 24 * 3600


@dataclass(frozen=True)
class ServiceSettings:
    base_url: str  # links in e-mails start here, never at a request's Host
    secret: str  # signs the links sent by e-mail (invitations, resets, confirmations, unsubscribe)
    routes: RouteMap  # the app's URL map, so services can build those links without an app context
    require_verified_buyers: bool = False  # only verified buyer organisations may publish challenges
    invitation_max_age_s: int = 7 * DAY_S
    email_confirm_max_age_s: int = 7 * DAY_S
    password_reset_max_age_s: int = 3600
    unsubscribe_mailto: str = ""  # a mailto: target in List-Unsubscribe when set

    @classmethod
    def from_config(cls, config: Mapping[str, Any], routes: RouteMap) -> ServiceSettings:
        return cls(base_url=config["BASE_URL"], secret=config["SECRET_KEY"], routes=routes,
                   require_verified_buyers=bool(config.get("REQUIRE_VERIFIED_BUYERS")),
                   invitation_max_age_s=int(config["INVITATION_MAX_AGE_S"]),
                   email_confirm_max_age_s=int(config["EMAIL_CONFIRM_MAX_AGE_S"]),
                   password_reset_max_age_s=int(config["PASSWORD_RESET_MAX_AGE_S"]),
                   unsubscribe_mailto=config.get("UNSUBSCRIBE_MAILTO", ""))

    @property
    def links(self) -> EmailLinks:
        return EmailLinks(self.routes, self.base_url)
