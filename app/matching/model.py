"""The fitted model: its terms and idf, one weighted term matrix per side, serialisation."""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from app.matching import passages
from app.matching.fast.postings import cached_postings
from app.matching.passages import Passages
from app.matching.records import CHALLENGE, SOLUTION, Item, ItemId, Kind, id_sort_key
from app.matching.signals import Codebook, Codebooks, Facts
from app.matching.term_index import TermIndex, fit_counts, transform_counts
from app.matching.text import TextSettings

FORMAT = "civimatch-matching/4"
DEFAULT_SETTINGS = TextSettings()
# Passages transformed at a time (each chunk large enough to be tokenised in two processes).
PASSAGE_CHUNK = 50_000


@dataclass
class Side:
    """The items of one kind: ids, titles, term matrix (rows L2-normalised), facts, passages."""

    ids: list[ItemId]
    titles: list[str]
    matrix: sp.csr_matrix
    facts: Facts
    passages: Passages = field(default_factory=lambda: Passages.empty(0))
    # The matrix restricted to the terms that may be shown as reasons: every word, and only the
    # n-grams that occur as written in that item (text.WrittenLexicon).
    display: sp.csr_matrix | None = None
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
        self._postings = None  # derived from the matrix, rebuilt on demand

    @property
    def postings(self) -> sp.csr_matrix:
        """Term x item matrix (an inverted index): one query's products touch only its terms."""
        return cached_postings(self)

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._postings = None


# Shared terms are looked for among the heaviest REASON_TERMS terms of each text: a term
# among a pair's top contributions is almost always among both texts' heaviest, and this
# bounds the work per pair (a rebuild explains millions of pairs).
REASON_TERMS = 48


@dataclass
class MatchModel:
    """A fitted recommender: serialise with ``to_bytes``, reload with ``from_bytes``."""

    settings: TextSettings
    vocab: TermIndex
    idf: np.ndarray
    average_length: float
    sides: dict[Kind, Side]
    books: Codebooks
    version: str

    @property
    def vocabulary(self) -> dict[str, int]:
        """Term text -> column (built on demand; large for big corpora)."""
        return {term: column for column, term in enumerate(self.vocab.terms())}

    def spell(self, columns: Sequence[int]) -> list[str]:
        """Term text of each column, for reasons."""
        return self.vocab.spell(columns)

    def transform(self, items: Sequence[Item]) -> sp.csr_matrix:
        """Weighted, L2-normalised term vectors of ``items`` in the fitted vocabulary."""
        if not self.vocab.size:
            return sp.csr_matrix((len(items), 0), dtype=np.float32)
        counts = transform_counts(self.vocab, items, self.settings)
        return _weigh(counts, self.idf, self.average_length, self.settings)

    def display_vectors(self, items: Sequence[Item], vectors: sp.csr_matrix | None = None) -> sp.csr_matrix:
        """``transform(items)`` (or the given ``vectors`` of them) keeping only the terms that
        may be shown as reasons: n-grams only where they occur as written."""
        vectors = self.transform(items) if vectors is None else vectors
        if not self.vocab.size:
            return vectors
        written = transform_counts(self.vocab, items, self.settings, written=True)
        written.data[:] = 1
        return vectors.multiply(written).tocsr()

    def transform_passages(self, items: Sequence[Item]) -> Passages:
        """Passage vectors of those ``items`` that have several passages (owner = position)."""
        parts, owners = passages.split(items, self.settings)
        if not parts or not self.vocab.size:
            return Passages.empty(self.vocab.size)
        # In chunks: the token stream of a very large batch at once would dominate peak memory.
        chunks = [self.transform(parts[start : start + PASSAGE_CHUNK])
                  for start in range(0, len(parts), PASSAGE_CHUNK)]
        return Passages(chunks[0] if len(chunks) == 1 else sp.vstack(chunks, format="csr"), owners)

    def add_items(self, items: Sequence[Item]) -> None:
        """Add new items or replace edited ones (same id) without refitting the vocabulary.

        Words unseen at fit time are ignored until the next full ``fit``; so are labels
        (sectors, tags, countries) for ranking, until they are added here.
        """
        for kind in (CHALLENGE, SOLUTION):
            batch = [item for item in items if item.kind == kind]
            if batch:
                self._append(kind, batch)

    def with_items(self, items: Sequence[Item]) -> MatchModel:
        """A new model: this one plus ``items`` (as ``add_items``); this one is left unchanged.

        Threads still ranking with this model never see it change under them: the big matrices
        are shared (``add_items`` stacks new ones rather than writing into them) and everything
        it writes in place (id lists, the active flags, the label codebooks) is copied first.
        """
        books = Codebooks(**{name: Codebook(dict(book.codes), list(book.labels))
                             for name, book in vars(self.books).items()})
        sides = {kind: _copy_side(side) for kind, side in self.sides.items()}
        model = MatchModel(self.settings, self.vocab, self.idf, self.average_length, sides, books, self.version)
        model.add_items(items)
        return model

    def _append(self, kind: Kind, batch: list[Item]) -> None:
        side = self.sides[kind]
        for item in batch:  # an edited item's old row stays but is never recommended
            if item.id in side.rows:
                side.facts.active[side.rows[item.id]] = False
        side.passages = side.passages.append(self.transform_passages(batch), len(side.ids))
        vectors = self.transform(batch)
        side.matrix = sp.vstack([side.matrix, vectors], format="csr")
        side.display = sp.vstack([side.display, self.display_vectors(batch, vectors)], format="csr")
        side.facts = side.facts.append(Facts.of(batch, self.books, grow=True))
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
        fmt, state = _Unpickler(io.BytesIO(data)).load()  # trusted bytes written by to_bytes  # nosec B301
        if fmt != FORMAT:
            raise ValueError(f"unsupported matching model format: {fmt!r}")
        return cls(**state)


def _copy_side(side: Side) -> Side:
    facts = replace(side.facts, active=side.facts.active.copy())
    return Side(list(side.ids), list(side.titles), side.matrix, facts, side.passages, side.display)


# Models stored before a class moved name it by its old path; they load as the same class.
_MOVED = {("app.matching.vocab", "Vocabulary"): ("app.matching.term_index", "TermIndex")}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        return super().find_class(*_MOVED.get((module, name), (module, name)))


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
    # Each word is tokenised once: items are cut into units (passages.cut), and both the items'
    # counts and their passages' counts are sums of unit counts.
    cut = passages.cut(items, settings)
    unit_counts, vocab = fit_counts(cut.units, settings, cut.item_of_unit, len(items))
    counts = _sum_rows(unit_counts, cut.item_of_unit, len(items))
    document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    # BM25's idf (Robertson-Sparck Jones, +1 inside the log so it is never negative).
    n = len(items)
    idf = np.log1p((n - document_frequency + 0.5) / (document_frequency + 0.5)).astype(np.float32)
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    average_length = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0
    matrix = _weigh(counts, idf, average_length, settings)
    books = Codebooks()
    sides = {
        CHALLENGE: _side(challenges, matrix[: len(challenges)], books),
        SOLUTION: _side(solutions, matrix[len(challenges) :], books),
    }
    version = _version(settings, vocab, idf)
    model = MatchModel(settings, vocab, idf, average_length, sides, books, version)
    if len(cut.passage_owner):
        rows = np.repeat(np.arange(len(cut.passage_owner)), 2)
        pick = sp.csr_matrix((np.ones(len(rows), dtype=np.float32),
                              (rows, np.column_stack([cut.passage_head, cut.passage_body]).ravel())),
                             shape=(len(cut.passage_owner), len(cut.units)))
        passage_counts = (pick @ unit_counts).tocsr()
        passage_counts.sort_indices()  # the order transform gives, so weights round alike
        weighted = _weigh(passage_counts, idf, average_length, settings)
        for kind, offset, size in ((CHALLENGE, 0, len(challenges)), (SOLUTION, len(challenges), len(solutions))):
            mine = (cut.passage_owner >= offset) & (cut.passage_owner < offset + size)
            if mine.any():
                model.sides[kind].passages = Passages(weighted[mine], cut.passage_owner[mine] - offset)
    for kind, batch in ((CHALLENGE, challenges), (SOLUTION, solutions)):
        model.sides[kind].display = model.display_vectors(batch, model.sides[kind].matrix)
    for side in model.sides.values():
        if not len(side.passages):
            side.passages = Passages.empty(vocab.size)
    return model


def _sum_rows(matrix: sp.csr_matrix, group: np.ndarray, n_groups: int) -> sp.csr_matrix:
    """Row sums per group (``group[i]`` is row i's, ascending): the units of each item added up."""
    if len(group) == n_groups:
        return matrix
    rows = sp.csr_matrix((np.ones(len(group), dtype=np.float32), (group, np.arange(len(group)))),
                         shape=(n_groups, len(group)))
    summed = (rows @ matrix).tocsr()
    summed.sort_indices()
    return summed


def _side(items: Sequence[Item], matrix: sp.csr_matrix, books: Codebooks) -> Side:
    side = Side(
        ids=[item.id for item in items],
        titles=[item.title for item in items],
        matrix=matrix.tocsr(),
        facts=Facts.of(items, books, grow=True),
    )
    # A repeated id is one item: its last record wins, earlier copies are never recommended.
    for row, item in enumerate(items):
        if side.rows[item.id] != row:
            side.facts.active[row] = False
    return side


def _weigh(counts: sp.csr_matrix, idf: np.ndarray, average_length: float, settings: TextSettings) -> sp.csr_matrix:
    """BM25 term weights (saturated, length-normalised tf times idf), rows L2-normalised."""
    weighted = counts.astype(np.float32, copy=True).tocsr()
    if weighted.shape[1] == 0:  # empty vocabulary: nothing to weigh or normalise
        return weighted
    k1, b = settings.bm25_k1, settings.bm25_b
    lengths = np.asarray(weighted.sum(axis=1), dtype=np.float32).ravel()
    norm = k1 * (1 - b + b * lengths / np.float32(average_length))
    tf = weighted.data
    tf *= (k1 + 1) / (tf + np.repeat(norm, np.diff(weighted.indptr)))
    tf *= idf[weighted.indices]
    return normalize(weighted, norm="l2", copy=False)


def _version(settings: TextSettings, vocab: TermIndex, idf: np.ndarray) -> str:
    digest = hashlib.sha256(repr((FORMAT, settings)).encode())
    digest.update("\0".join(vocab.stems).encode("utf-8"))
    for array in (*vocab.tables, *vocab.columns, idf):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:16]
