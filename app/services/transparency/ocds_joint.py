"""The joint-challenge parts of an OCDS release: every co-owning buyer in ``parties`` (role ``buyer``).

Kept apart from ocds.py so buyer groups change one line there; the lead stays ``buyer`` and ``procuringEntity``
(OCDS has one ``release.buyer``), co-owners are listed as further buyers. Observers are not buyers: not published.
"""
from __future__ import annotations

from app.models import Challenge, Organisation


def add_co_buyers(roles: dict[int, tuple[Organisation, list[str]]], challenge: Challenge) -> None:
    """Add the accepted co-owners of ``challenge`` to ``roles`` (organisation id -> (organisation, role names))."""
    for org in challenge.buyers[1:]:
        entry = roles.setdefault(org.id, (org, []))
        if "buyer" not in entry[1]:
            entry[1].append("buyer")
