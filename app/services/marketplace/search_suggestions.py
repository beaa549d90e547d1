"""What an empty challenge search offers instead: the same words in other statuses, and near spellings."""
from __future__ import annotations

import difflib
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Challenge
from app.services.marketplace.discovery_queries import ChallengeQuery, search_challenges
from app.services.marketplace.text_search import tokens

OTHER_STATUSES = ("open", "evaluation", "awarded", "closed")
VOCABULARY_ROWS = 5000  # titles and tags of this many recent public challenges are the spelling dictionary


def _count(session: Session, query: ChallengeQuery) -> int:
    return search_challenges(session, replace(query, page=1, per_page=1)).total


def in_other_statuses(session: Session, query: ChallengeQuery) -> list[tuple[str, int]]:
    """(status, count) for each other public status where the same search finds something."""
    if query.status == "any":
        return []
    counts = [(status, _count(session, replace(query, status=status)))
              for status in OTHER_STATUSES if status != query.status]
    return [(status, count) for status, count in counts if count]


def _vocabulary(session: Session) -> set[str]:
    rows = session.execute(select(Challenge.title, Challenge.tags).where(Challenge.status != "draft")
                           .order_by(Challenge.id.desc()).limit(VOCABULARY_ROWS))
    words: set[str] = set()
    for title, tags in rows:
        words.update(tokens(" ".join([title, *(tags or [])])))
    return words


def near_spelling(session: Session, query: ChallengeQuery) -> str | None:
    """The query with unknown words replaced by close known ones, when the words as typed find nothing in any
    status and the corrected ones do (plurals and compounds already match, so they are not 'misspelt')."""
    words = tokens(query.q)
    if not words or _count(session, replace(query, status="any")):
        return None
    known = _vocabulary(session)
    corrected = [w if w in known else next(iter(difflib.get_close_matches(w, known, n=1, cutoff=0.75)), w)
                 for w in words]
    if corrected == words:
        return None
    suggestion = " ".join(corrected)
    return suggestion if _count(session, replace(query, q=suggestion, status="any")) else None
