"""CiviMatch recommender: TF-IDF text similarity blended with structured signals, explained.

Pure Python + numpy/scipy/scikit-learn; imports nothing from Flask, SQLAlchemy or ``app``.

Records in, records out::

    Item(id, kind="challenge"|"solution", title, summary, description, outcomes,
         sectors, tags, trl, country, city, deadline, org_id, active)
    Match(challenge_id, solution_id, score in [0, 1], reasons: list[Reason(kind, text, data)],
          rank_score, query_kind)   # score: the pair's own; rank_score: its place in the list
    Feedback.of(relevant=ids, not_relevant=ids, hidden=ids)   # one organisation's marks

How the app uses it:

* Full rebuild (nightly or CLI): ``model = fit(challenges, solutions)`` with *all* items
  (inactive ones too: they are indexed but never recommended); store ``model.to_bytes()``
  together with ``model.version``; store the matches of
  ``top_k_all(model, k, now, feedback_by_org)`` (both directions, with reasons;
  ``reasons=False`` gives the same pairs and scores without reasons, about a fifth faster at 100k items).
  A rebuild scores blocks of pairs in two threads (``rebuild.WORKERS``).
* One item published or edited: ``model = MatchModel.from_bytes(stored)``;
  ``model.add_items([item])`` (transforms it with the fitted vocabulary, no refit; an edit
  replaces the old row); then ``rank_solutions_for_challenge(model, item, k, feedback, now)``
  or ``rank_challenges_for_solution(...)`` and store those matches; store the model bytes
  again so later items can be matched against this one. Status changes (closed, moderated)
  are also ``add_items`` of the changed record (``active=False``).
* Draft help: ``similar_challenges(model, draft, k)`` returns ``SimilarChallenge(id, score, reasons)``.

How a pair's score is computed: ``scoring.py`` (plain maths); the speed tricks behind it, each
beside the plain version a test compares it with: ``fast/``.

Scores are deterministic (rounded to 1e-6, ties broken by id) and identical in any process
that loads the same model bytes. Text fields are capped at ``MAX_FIELD_CHARS`` characters.
"""

from app.matching.model import DEFAULT_SETTINGS, MatchModel, fit
from app.matching.ranking import (
    SimilarChallenge,
    rank_challenges_for_solution,
    rank_solutions_for_challenge,
    similar_challenges,
)
from app.matching.rebuild import top_k_all
from app.matching.records import CHALLENGE, SOLUTION, Feedback, Item, Match, Reason
from app.matching.text import MAX_FIELD_CHARS, TextSettings

__all__ = [
    "CHALLENGE",
    "DEFAULT_SETTINGS",
    "MAX_FIELD_CHARS",
    "SOLUTION",
    "Feedback",
    "Item",
    "Match",
    "MatchModel",
    "Reason",
    "SimilarChallenge",
    "TextSettings",
    "fit",
    "rank_challenges_for_solution",
    "rank_solutions_for_challenge",
    "similar_challenges",
    "top_k_all",
]
