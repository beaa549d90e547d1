"""Turn query-string arguments into discovery queries; anything malformed is ignored, never an error."""
from __future__ import annotations

from collections.abc import Mapping

from app.code_lists import COUNTRIES, SECTORS
from app.services.marketplace.discovery_queries import SORTS, ChallengeQuery, SolutionQuery

MAX_QUERY_LENGTH = 200


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
    return ChallengeQuery(
        **_common(args),
        status=status if status in {"open", "evaluation", "awarded", "closed", "any"} else "open",
        deadline_ahead=args.get("deadline_ahead") in {"1", "on", "true"},
    )


def solution_query_from_args(args: Mapping[str, str]) -> SolutionQuery:
    return SolutionQuery(**_common(args))
