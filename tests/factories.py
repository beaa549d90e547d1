"""Small factory functions that build test data through the services."""
from __future__ import annotations

import itertools
from datetime import timedelta

from app.db import utcnow
from app.services.accounts import users as accounts
from app.services.marketplace import challenges, solutions
from app.services.settings import ServiceSettings

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


class Factory:
    def __init__(self, session, settings: ServiceSettings) -> None:
        self.session = session
        self.settings = settings

    def user(self, side: str = "buyer", **overrides):
        n = next(_counter)
        kind = "city" if side == "buyer" else "startup"
        org = accounts.OrganisationData(
            name=overrides.pop("org_name", f"Org {n}"), side=side, kind=overrides.pop("kind", kind),
            country=overrides.pop("country", "FI"), city="Helsinki",
        )
        data = accounts.SignupData(
            name=overrides.pop("name", f"Person {n}"), email=overrides.pop("email", f"person{n}@test.example"),
            password=overrides.pop("password", PASSWORD), organisation=org,
        )
        return accounts.sign_up(self.session, data)

    def buyer(self, **overrides):
        return self.user("buyer", **overrides)

    def innovator(self, **overrides):
        return self.user("innovator", **overrides)

    def challenge(self, user=None, *, publish: bool = True, **overrides):
        user = user or self.buyer()
        data = challenges.ChallengeData(
            title=overrides.pop("title", "Cut bus-fleet emissions"),
            summary=overrides.pop("summary", "Electrify our depot charging."),
            problem_statement=overrides.pop("problem_statement", "Our 300 diesel buses emit too much."),
            sector=overrides.pop("sector", "mobility"),
            trl_expected=overrides.pop("trl_expected", 6),
            deadline=overrides.pop("deadline", utcnow() + timedelta(days=30)),
            country=overrides.pop("country", "FI"),
            tags=overrides.pop("tags", ["bus fleet", "charging"]),
            **overrides,
        )
        challenge = challenges.create_challenge(self.session, user.id, data)
        if publish:
            challenges.publish_challenge(self.session, user.id, challenge.id, settings=self.settings)
        return challenge

    def solution(self, user=None, *, publish: bool = True, **overrides):
        user = user or self.innovator()
        data = solutions.SolutionData(
            title=overrides.pop("title", "Depot charging optimiser"),
            summary=overrides.pop("summary", "Smart charging for electric bus depots."),
            description=overrides.pop("description", "Schedules charging of electric buses overnight."),
            sectors=overrides.pop("sectors", ["mobility"]),
            trl=overrides.pop("trl", 7),
            pricing_model=overrides.pop("pricing_model", "subscription"),
            tags=overrides.pop("tags", ["charging"]),
            **overrides,
        )
        solution = solutions.create_solution(self.session, user.id, data)
        if publish:
            solutions.publish_solution(self.session, user.id, solution.id)
        return solution
