"""Turn query-string arguments into discovery queries; anything malformed is ignored, never an error."""
from __future__ import annotations

import re
from collections.abc import Mapping

from app.code_lists import COUNTRIES, SECTORS
from app.services.marketplace.discovery_queries import SORTS, ChallengeQuery, SolutionQuery

MAX_QUERY_LENGTH = 200
# 'buyer: Amsterdam' or 'buyer:"Paris region"' in the keyword box; a bare name runs to the end of the box.
BUYER_IN_QUERY = re.compile(r'buyer:\s*(?:"([^"]+)"|(.+))$', re.IGNORECASE)


def _int(value: str | None, low: int, high: int) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if low <= number <= high else None


def _common(args: Mapping[str, str]) -> dict:
    sector = args.get("sector", "")
    country = args.get("country", "")
    sort = args.get("sort", "relevance")
    return {
        "q": (args.get("q") or "")[:MAX_QUERY_LENGTH],
        "sector": sector if sector in SECTORS else "",
        "country": country if country in COUNTRIES else "",
        "trl_min": _int(args.get("trl_min"), 1, 9),
        "trl_max": _int(args.get("trl_max"), 1, 9),
        "sort": sort if sort in SORTS else "relevance",
        "page": _int(args.get("page"), 1, 10**6) or 1,
    }


def challenge_query_from_args(args: Mapping[str, str]) -> ChallengeQuery:
    status = args.get("status", "open")
    common = _common(args)
    common["q"], buyer = _buyer_prefix(common["q"])
    return ChallengeQuery(
        **common,
        status=status if status in {"open", "evaluation", "awarded", "closed", "any"} else "open",
        deadline_ahead=args.get("deadline_ahead") in {"1", "on", "true"},
        buyer=(args.get("buyer") or buyer or "")[:MAX_QUERY_LENGTH],
    )


def _buyer_prefix(q: str) -> tuple[str, str]:
    """'buyer: Amsterdam' typed in the search box is the buyer filter (the rest of the box stays keywords)."""
    found = BUYER_IN_QUERY.search(q)
    if not found:
        return q, ""
    return (q[:found.start()] + q[found.end():]).strip(), (found.group(1) or found.group(2)).strip()


def solution_query_from_args(args: Mapping[str, str]) -> SolutionQuery:
    return SolutionQuery(**_common(args))
