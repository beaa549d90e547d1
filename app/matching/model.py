"""The fitted model: vocabulary and idf, one weighted term matrix per side, serialisation."""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from app.matching.records import CHALLENGE, SOLUTION, Item, ItemId, Kind, id_sort_key
from app.matching.signals import Codebooks, Facts
from app.matching.text import Analyzer, TextSettings, field_text

FORMAT = "civimatch-matching/1"
DEFAULT_SETTINGS = TextSettings()


@dataclass
class Side:
    """The items of one kind: ids, titles, term matrix (rows L2-normalised) and facts."""

    ids: list[ItemId]
    titles: list[str]
    matrix: sp.csr_matrix
    facts: Facts
    rows: dict[ItemId, int] = field(default_factory=dict)
    id_rank: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        """Rebuild id lookups; the latest row of a repeated id wins."""
        self.rows = {item_id: row for row, item_id in enumerate(self.ids)}
        order = sorted(range(len(self.ids)), key=lambda r: id_sort_key(self.ids[r]))
        self.id_rank = np.empty(len(self.ids), dtype=np.int64)
        self.id_rank[order] = np.arange(len(self.ids))


@dataclass
class MatchModel:
    """A fitted recommender: serialise with ``to_bytes``, reload with ``from_bytes``."""

    settings: TextSettings
    vocabulary: dict[str, int]
    idf: np.ndarray
    sides: dict[Kind, Side]
    books: Codebooks
    version: str
    _vectorizer: CountVectorizer | None = field(default=None, repr=False)

    @property
    def terms(self) -> np.ndarray:
        """Term text by column, for reasons."""
        if not hasattr(self, "_terms"):
            self._terms = np.empty(len(self.vocabulary), dtype=object)
            for term, column in self.vocabulary.items():
                self._terms[column] = term
        return self._terms

    def transform(self, items: Sequence[Item]) -> sp.csr_matrix:
        """Weighted, L2-normalised term vectors of ``items`` in the fitted vocabulary."""
        if not self.vocabulary:
            return sp.csr_matrix((len(items), 0), dtype=np.float32)
        if self._vectorizer is None:
            self._vectorizer = _counter(self.settings, self.vocabulary)
        counts = _field_counts(self._vectorizer, self.settings, items, fit=False)
        return _weigh(counts, self.idf)

    def add_items(self, items: Sequence[Item]) -> None:
        """Add new items or replace edited ones (same id) without refitting the vocabulary.

        Words unseen at fit time are ignored until the next full ``fit``.
        """
        for kind in (CHALLENGE, SOLUTION):
            batch = [item for item in items if item.kind == kind]
            if batch:
                self._append(kind, batch)

    def _append(self, kind: Kind, batch: list[Item]) -> None:
        side = self.sides[kind]
        for item in batch:  # an edited item's old row stays but is never recommended
            if item.id in side.rows:
                side.facts.active[side.rows[item.id]] = False
        side.matrix = sp.vstack([side.matrix, self.transform(batch)], format="csr")
        side.facts = side.facts.append(Facts.of(batch, self.books))
        side.ids.extend(item.id for item in batch)
        side.titles.extend(item.title for item in batch)
        side.reindex()

    def to_bytes(self) -> bytes:
        """Serialise the whole model (pickle of plain numpy/scipy objects)."""
        buffer = io.BytesIO()
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        pickle.dump((FORMAT, state), buffer, protocol=pickle.HIGHEST_PROTOCOL)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> MatchModel:
        """Load a model written by ``to_bytes``; only load bytes you wrote yourself."""
        fmt, state = pickle.loads(data)  # noqa: S301 - trusted bytes written by to_bytes
        if fmt != FORMAT:
            raise ValueError(f"unsupported matching model format: {fmt!r}")
        return cls(**state)


def fit(
    challenges: Sequence[Item],
    solutions: Sequence[Item],
    settings: TextSettings = DEFAULT_SETTINGS,
) -> MatchModel:
    """Fit vocabulary and idf on challenges and solutions together and index both sides.

    Never fails on poor text: with no usable word at all the vocabulary is empty and every
    text score is zero.
    """
    items = [*challenges, *solutions]
    counts, vocabulary = _fit_counts(settings, items)
    document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    # Smoothed idf as in scikit-learn, so a term in every document still weighs 1.
    idf = (np.log((1 + len(items)) / (1 + document_frequency)) + 1).astype(np.float32)
    matrix = _weigh(counts, idf)
    books = Codebooks()
    sides = {
        CHALLENGE: _side(challenges, matrix[: len(challenges)], books),
        SOLUTION: _side(solutions, matrix[len(challenges) :], books),
    }
    version = _version(settings, vocabulary, idf)
    return MatchModel(settings, vocabulary, idf, sides, books, version)


def _side(items: Sequence[Item], matrix: sp.csr_matrix, books: Codebooks) -> Side:
    side = Side(
        ids=[item.id for item in items],
        titles=[item.title for item in items],
        matrix=matrix.tocsr(),
        facts=Facts.of(items, books),
    )
    # A repeated id is one item: its last record wins, earlier copies are never recommended.
    for row, item in enumerate(items):
        if side.rows[item.id] != row:
            side.facts.active[row] = False
    return side


def _fit_counts(settings: TextSettings, items: Sequence[Item]) -> tuple[sp.csr_matrix, dict]:
    counter = _counter(settings, None)
    try:
        counts = _field_counts(counter, settings, items, fit=True)
    except ValueError:  # scikit-learn's "empty vocabulary": only stop words or no text
        return sp.csr_matrix((len(items), 0), dtype=np.float32), {}
    keep = _df_keep(counts, settings, len(items))
    old_columns = np.flatnonzero(keep)
    names = counter.get_feature_names_out()[old_columns]
    vocabulary = {str(term): column for column, term in enumerate(names)}
    return counts[:, old_columns], vocabulary


def _df_keep(counts: sp.csr_matrix, settings: TextSettings, n_docs: int) -> np.ndarray:
    document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    if n_docs < settings.df_pruning_min_docs:
        return document_frequency > 0
    # min_df: a word in one document cannot link two; max_df: a word everywhere links all.
    return (document_frequency >= settings.min_df) & (
        document_frequency <= settings.max_df * n_docs
    )


def _counter(settings: TextSettings, vocabulary: dict | None) -> CountVectorizer:
    return CountVectorizer(
        analyzer=Analyzer(settings.ngram_max), vocabulary=vocabulary, dtype=np.float32
    )


def _field_counts(
    counter: CountVectorizer, settings: TextSettings, items: Sequence[Item], fit: bool
) -> sp.csr_matrix:
    """Sum of per-field term counts times field weights (one tokenising pass per field)."""
    names = [name for name, _ in settings.field_weights]
    texts = [field_text(item, name) for name in names for item in items]
    stacked = counter.fit_transform(texts) if fit else counter.transform(texts)
    n = len(items)
    total = sp.csr_matrix((n, stacked.shape[1]), dtype=np.float32)
    for index, (_, weight) in enumerate(settings.field_weights):
        total = total + weight * stacked[index * n : (index + 1) * n]
    total = total.tocsr()
    total.sum_duplicates()
    total.eliminate_zeros()
    return total


def _weigh(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf times idf, rows L2-normalised (empty rows stay zero)."""
    weighted = counts.astype(np.float32, copy=True).tocsr()
    if weighted.shape[1] == 0:  # empty vocabulary: nothing to weigh or normalise
        return weighted
    # Weighted counts below 1 (a field weight under 1) count as one occurrence, never less.
    weighted.data = (1.0 + np.log(np.maximum(weighted.data, 1.0))) * idf[weighted.indices]
    return normalize(weighted, norm="l2", copy=False)


def _version(settings: TextSettings, vocabulary: dict[str, int], idf: np.ndarray) -> str:
    digest = hashlib.sha256(repr((FORMAT, settings)).encode())
    for term in sorted(vocabulary, key=vocabulary.__getitem__):
        digest.update(term.encode("utf-8") + b"\0")
    digest.update(np.ascontiguousarray(idf).tobytes())
    return digest.hexdigest()[:16]
