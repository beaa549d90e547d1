"""Fixtures for matching tests: small hand-written corpora, no app, no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from matching_fixtures import challenge, solution

from app.matching import Item


@pytest.fixture
def corpus() -> tuple[list[Item], list[Item]]:
    """Three challenges and five solutions on clearly different topics."""
    challenges = [
        challenge(1, "Charging depot for our electric bus fleet, overnight charging of buses",
                  title="Electric bus fleet charging", org_id="lyon", sectors=("Mobility",), trl=6,
                  country="FR", deadline=datetime(2025, 6, 1, tzinfo=UTC)),
        challenge(2, "Early warning of river floods with water level sensors", title="Flood warning",
                  org_id="gent"),
        challenge(3, "Reduce food waste in school canteens by measuring leftovers",
                  title="School canteen food waste", org_id="porto"),
    ]
    solutions = [
        solution(10, "Smart charging software for electric bus fleet depot operators",
                 title="DepotCharge", org_id="acme", sectors=("Mobility",), trl=7, country="FR"),
        solution(11, "Water level sensors on rivers send flood early warning alerts",
                 title="RiverWatch", org_id="hydro"),
        solution(12, "Canteen scales measure food waste and leftovers per meal",
                 title="WasteScale", org_id="foodco"),
        solution(13, "Electric bus charging depot equipment", title="Lyon's own", org_id="lyon"),
        solution(14, "Electric bus fleet charging depot batteries", title="Closed one",
                 org_id="other", active=False),
    ]
    return challenges, solutions
