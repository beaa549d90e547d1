"""Passage evidence: the best-matching parts of two texts count beside the whole texts.

A solution profile often lists several past projects or products, a paragraph each. A
challenge that fits one of them closely should find that firm even though the other
paragraphs dilute the profile as a whole (Callan 1994: document plus best-passage evidence).
A pair's text score is therefore ``(1 - w) * cos(whole, whole) + w * best``, where ``best``
is the highest cosine between the challenge as a whole and the solution as a whole or any
of its parts (so ``best >= cos``). Only solutions are cut into parts: a challenge states one
problem, and cutting both sides would multiply the work again for little. Solutions of a
single passage cost nothing.

Measured on SBIR 2015 (bench/ranking_quality.py): nDCG@10 ranking solutions for a challenge
0.6899 -> 0.6940, the other way 0.7428 -> 0.7431. Every weight from 0.05 to 0.25 and minimum
passage length from 50 to 120 words gave 0.692-0.6945, so the defaults sit in the middle of
a plateau rather than on a tuned peak.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from app.matching.fast.postings import cached_postings
from app.matching.records import SOLUTION, Item
from app.matching.stacking import stack_rows
from app.matching.text import MAX_FIELD_CHARS, TextSettings

# Paragraphs are separated by blank lines (as in Markdown).
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# Only these items are cut into passages (see above).
PASSAGE_KINDS = (SOLUTION,)
# Text fields split into passages; title and tags describe the whole item and go with each.
PASSAGE_FIELDS = ("summary", "description", "outcomes")
# Many short paragraphs (a list of 300 references) would multiply the work per pair:
# consecutive passages are merged down to at most this many per item.
MAX_PASSAGES = 16


@dataclass
class Passages:
    """Weighted, L2-normalised passage vectors of the multi-passage items of a side.

    ``owner[i]`` is the side row (or query position) of passage ``i``; ascending, so the
    passages of one item are consecutive. Items of one passage have none here.
    """

    matrix: sp.csr_matrix
    owner: np.ndarray

    @classmethod
    def empty(cls, width: int) -> Passages:
        """No passage at all (every item is a single passage)."""
        return cls(sp.csr_matrix((0, width), dtype=np.float32), np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.owner)

    @property
    def postings(self) -> sp.csr_matrix:
        """Term x passage matrix, so that products touch only a query's terms."""
        return cached_postings(self)

    @property
    def groups(self) -> tuple[np.ndarray, np.ndarray]:
        """(owners with passages, index of each owner's first passage); computed once."""
        found = getattr(self, "_groups", None)
        if found is None:
            owners, starts = np.unique(self.owner, return_index=True)
            found = self._groups = (owners, starts)
        return found

    def take(self, rows: np.ndarray) -> Passages:
        """The passages of side rows ``rows``, owners renumbered to positions in ``rows``."""
        rows = np.asarray(rows, dtype=np.int64)
        if not len(self) or not len(rows):
            return Passages.empty(self.matrix.shape[1])
        owners, starts = self.groups
        ends = np.append(starts[1:], len(self.owner))
        where = np.searchsorted(owners, rows)
        where[where >= len(owners)] = 0
        has = owners[where] == rows if len(owners) else np.zeros(len(rows), dtype=bool)
        positions = np.flatnonzero(has)
        if not len(positions):
            return Passages.empty(self.matrix.shape[1])
        counts = ends[where[positions]] - starts[where[positions]]
        picked = np.concatenate([np.arange(starts[w], ends[w]) for w in where[positions]])
        return Passages(self.matrix[picked], np.repeat(positions, counts).astype(np.int64))

    def append(self, other: Passages, offset: int) -> Passages:
        """These passages followed by ``other``'s, whose owners are shifted by ``offset``."""
        return Passages(stack_rows(self.matrix, other.matrix), np.concatenate([self.owner, other.owner + offset]))

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


def split(items: Sequence[Item], settings: TextSettings) -> tuple[list[Item], np.ndarray]:
    """Passage records of the solutions that have two or more passages, and each one's owner."""
    parts: list[Item] = []
    owners: list[int] = []
    for position, item in enumerate(items):
        if item.kind not in PASSAGE_KINDS:
            continue
        texts = _passages(item, settings.min_passage_words)
        if len(texts) > 1:
            parts.extend(replace(item, summary="", description=text, outcomes="") for text in texts)
            owners.extend([position] * len(texts))
    return parts, np.array(owners, dtype=np.int64)


@dataclass
class Units:
    """Items cut for tokenising each word once: a multi-passage item becomes a head (title and
    tags) and one body per passage; any other item stays whole. An item's counts are the sum of
    its units' (n-grams never cross a field or a paragraph), a passage's are head + body."""

    units: list[Item]
    item_of_unit: np.ndarray  # ascending
    passage_head: np.ndarray  # unit of each passage's head ...
    passage_body: np.ndarray  # ... and of its body
    passage_owner: np.ndarray  # item of each passage


def cut(items: Sequence[Item], settings: TextSettings) -> Units:
    """The units of ``items`` (see Units); passages are the ones ``split`` gives."""
    units: list[Item] = []
    item_of_unit: list[int] = []
    heads: list[int] = []
    bodies: list[int] = []
    owners: list[int] = []
    for position, item in enumerate(items):
        texts = _passages(item, settings.min_passage_words) if item.kind in PASSAGE_KINDS else []
        if len(texts) < 2:
            units.append(item)
            item_of_unit.append(position)
            continue
        head = len(units)
        units.append(replace(item, summary="", description="", outcomes=""))
        item_of_unit.append(position)
        for text in texts:
            heads.append(head)
            bodies.append(len(units))
            owners.append(position)
            units.append(replace(item, title="", tags=(), summary="", description=text, outcomes=""))
            item_of_unit.append(position)
    return Units(units, *(np.array(a, dtype=np.int64) for a in (item_of_unit, heads, bodies, owners)))


def blend(
    text: np.ndarray, queries: sp.csr_matrix, query_passages: Passages,
    cand_postings: sp.csr_matrix, cand_passages: Passages, weight: float,
    product: Callable[[sp.csr_matrix, sp.csr_matrix], np.ndarray] = lambda a, b: (a @ b).toarray(),
) -> np.ndarray:
    """Whole-text scores ``text`` (queries x candidates) blended with best-passage scores.

    ``product(a, b)`` is ``(a @ b).toarray()``; the caller may pass a faster equal routine.
    """
    if weight <= 0 or (not len(query_passages) and not len(cand_passages)):
        return text
    best = text.copy()
    cand_owners = cand_passages.groups[0] if len(cand_passages) else None
    if cand_owners is not None:
        # each query (whole) against each candidate's passages
        part = _max_columns(product(queries, cand_passages.postings), cand_passages)
        best[:, cand_owners] = np.maximum(best[:, cand_owners], part)
    if len(query_passages):
        # each query passage against each candidate as a whole. Passage against passage is
        # left out: it would multiply the work by the passages per item on both sides, for
        # pairs of two multi-part texts only.
        scores = product(query_passages.matrix, cand_postings)
        query_owners, starts = query_passages.groups
        best[query_owners] = np.maximum(best[query_owners], np.maximum.reduceat(scores, starts, axis=0))
    blended = text * np.float32(1 - weight)
    blended += best * np.float32(weight)
    return blended


def _max_columns(scores: np.ndarray, passages: Passages) -> np.ndarray:
    """Per row, the best score over each owner's passages (columns grouped by owner)."""
    return np.maximum.reduceat(scores, passages.groups[1], axis=1)


def _passages(item: Item, min_words: int) -> list[str]:
    paragraphs: list[str] = []
    for name in PASSAGE_FIELDS:
        text = (getattr(item, name) or "")[:MAX_FIELD_CHARS]
        if "\n" in text:
            paragraphs.extend(p for p in _PARAGRAPH_BREAK.split(text) if p.strip())
        elif text.strip():
            paragraphs.append(text)
    if len(paragraphs) < 2:
        return paragraphs
    merged: list[str] = []
    for paragraph in paragraphs:
        # A heading or a one-line paragraph is too short to stand alone: it joins the next.
        if merged and _words(merged[-1]) < min_words:
            merged[-1] += "\n\n" + paragraph
        else:
            merged.append(paragraph)
    if len(merged) > 1 and _words(merged[-1]) < min_words:
        last = merged.pop()
        merged[-1] += "\n\n" + last
    if len(merged) > MAX_PASSAGES:
        size = -(-len(merged) // MAX_PASSAGES)
        merged = ["\n\n".join(merged[i : i + size]) for i in range(0, len(merged), size)]
    return merged


def _words(text: str) -> int:
    return len(text.split())
