"""Ranked full-text search that survives any input: SQLite FTS5 or PostgreSQL full-text search.

User input never reaches a query language: it is cut into word tokens first, so quotes,
operators such as AND or NEAR(, column filters and stars are just text.
"""
from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session

MAX_TOKENS = 16
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Per indexed entity: the FTS5 table (SQLite) and the weighted text columns (both engines).
INDEXES = {
    "challenges": {
        "fts": "challenges_fts",
        "columns": {"title": "A", "tags": "A", "summary": "B", "problem_statement": "C",
                    "desired_outcomes": "C", "location": "C"},
        "bm25_weights": (10.0, 8.0, 4.0, 1.0, 1.0, 2.0),
    },
    "solutions": {
        "fts": "solutions_fts",
        "columns": {"title": "A", "tags": "A", "summary": "B", "description": "C", "deployed_in": "C"},
        "bm25_weights": (10.0, 8.0, 4.0, 1.0, 2.0),
    },
}


def tokens(query: str) -> list[str]:
    """The word tokens of a user query (lower-cased, at most MAX_TOKENS)."""
    return [token.lower() for token in _WORD.findall(query or "")][:MAX_TOKENS]


# Compound words are tried split in two ("heatwave" -> "heat wave") and adjacent words joined
# ("heat wave" -> "heatwave"), so the three spellings people use find the same rows. Bounded so a
# long query cannot build a huge expression.
MIN_PART, MAX_SPLIT_LENGTH, MAX_JOIN_WORDS = 3, 20, 6

Phrase = tuple[str, ...]


def _alternatives(word: str) -> list[Phrase]:
    """The word itself, then each split into two parts of at least MIN_PART letters."""
    phrases: list[Phrase] = [(word,)]
    if len(word) <= MAX_SPLIT_LENGTH:
        phrases += [(word[:i], word[i:]) for i in range(MIN_PART, len(word) - MIN_PART + 1)]
    return phrases


def variants(words: list[str]) -> list[list[list[Phrase]]]:
    """Ways to read the query: each a list of groups (all must match) of phrases (any may match)."""
    readings = [words]
    if 1 < len(words) <= MAX_JOIN_WORDS:
        readings += [words[:i] + [words[i] + words[i + 1]] + words[i + 2:] for i in range(len(words) - 1)]
    return [[_alternatives(word) for word in reading] for reading in readings]


def pg_document(table_name: str) -> ColumnElement:
    """The weighted tsvector of a row, as SQL over the table's columns (PostgreSQL)."""
    parts = []
    for name, weight in INDEXES[table_name]["columns"].items():
        value = f"coalesce({table_name}.{name}::text, '')"
        parts.append(f"setweight(to_tsvector('english', {value}), '{weight}')")
    return literal_column(" || ".join(parts))


def ranked_ids(session: Session, table_name: str, query: str) -> Select | None:
    """A select of (id, score) for rows matching every token, higher score first; None if no tokens."""
    words = tokens(query)
    if not words:
        return None
    if session.get_bind().dialect.name == "postgresql":
        return _postgres(table_name, words)
    return _sqlite(table_name, words)


def _render(words: list[str], phrase, any_of: str, all_of: str) -> str:
    """One boolean expression over every reading; the last word of each reading also matches as a prefix."""
    readings = []
    for groups in variants(words):
        rendered = []
        for index, group in enumerate(groups):
            last = index == len(groups) - 1
            rendered.append("(" + any_of.join(phrase(p, last) for p in group) + ")")
        readings.append("(" + all_of.join(rendered) + ")")
    return any_of.join(readings)


def _fts5_phrase(words: Phrase, prefix: bool) -> str:
    return '"' + " ".join(words) + '"' + ("*" if prefix else "")


def _pg_phrase(words: Phrase, prefix: bool) -> str:
    return " <-> ".join(f"'{word}'" for word in words) + (":*" if prefix else "")


def _sqlite(table_name: str, words: list[str]) -> Select:
    spec = INDEXES[table_name]
    fts = spec["fts"]
    # Each token is quoted, so FTS5 reads it as a plain string (tokens hold letters and digits only).
    expression = _render(words, _fts5_phrase, " OR ", " AND ")
    weights = ", ".join(str(w) for w in spec["bm25_weights"])
    return (
        select(column("rowid").label("id"), literal_column(f"-bm25({fts}, {weights})").label("score"))
        .select_from(table(fts))
        .where(text(f"{fts} MATCH :fts_query").bindparams(fts_query=expression))
    )


def _postgres(table_name: str, words: list[str]) -> Select:
    document = pg_document(table_name)
    query = func.to_tsquery("english", _render(words, _pg_phrase, " | ", " & "))
    return (
        select(column("id").label("id"), func.ts_rank_cd(document, query).label("score"))
        .select_from(table(table_name))
        .where(document.op("@@")(query))
    )
