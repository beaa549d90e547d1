"""The fitted terms (stems and word n-grams) of a corpus, counted as integer codes in numpy.

A stem is an integer id; an n-gram is coded from its (n-1)-gram prefix code and its last
stem (``prefix * n_stems + stem``). Fitting finds every distinct n-gram with ``np.unique``,
keeps those whose document frequency is neither too low nor too high, and stores for each
order a sorted table of the keys to recognise later; transforming new items looks keys up
with ``np.searchsorted``. No Python loop runs per token beyond one dict lookup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from app.matching.fast.forked_tokenise import forked_token_codes
from app.matching.records import Item
from app.matching.text import Lexicon, TextSettings, WrittenLexicon

INVALID = -2


@dataclass
class TermIndex:
    """The fitted terms: stems, n-gram tables and the matrix column of each kept term.

    Not to be confused with ``MatchModel.vocabulary``, the term text -> column dict built from it.
    """

    stems: dict[str, int]
    # tables[i]: sorted keys of the (i + 2)-grams worth recognising (kept, or prefix of one)
    tables: list[np.ndarray]
    # columns[0]: column of each stem (-1: not a feature); columns[i]: of tables[i - 1] entries
    columns: list[np.ndarray]
    size: int

    @classmethod
    def empty(cls) -> TermIndex:
        """A vocabulary with no term (nothing usable in the corpus)."""
        return cls({}, [], [np.zeros(0, dtype=np.int32)], 0)

    def spell(self, columns: Sequence[int]) -> list[str]:
        """The text of each column ("bus fleet")."""
        if not hasattr(self, "_where"):
            self._index_columns()
        names = list(self.stems)  # ids were given in insertion order
        return [self._spell(int(self._order[c]), int(self._code[c]), names) for c in columns]

    def terms(self) -> list[str]:
        """Every column's text, in column order."""
        return self.spell(range(self.size))

    def _index_columns(self) -> None:
        # Derived once per process (not pickled state): column -> (order, code in that order).
        order = np.zeros(self.size, dtype=np.int32)
        code = np.zeros(self.size, dtype=np.int64)
        for level, columns in enumerate(self.columns):
            kept = np.flatnonzero(columns >= 0)
            order[columns[kept]] = level
            code[columns[kept]] = kept
        self._order, self._code, self._where = order, code, True

    def _spell(self, order: int, code: int, names: list[str]) -> str:
        words = []
        n_stems = max(len(names), 1)
        for level in range(order, 0, -1):
            prefix, last = divmod(int(self.tables[level - 1][code]), n_stems)
            words.append(names[last])
            code = prefix
        words.append(names[code])
        return " ".join(reversed(words))

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


def fit_counts(
    items: Sequence[Item], settings: TextSettings, document_of: np.ndarray | None = None,
    n_documents: int | None = None,
) -> tuple[sp.csr_matrix, TermIndex]:
    """Field-weighted term counts of ``items`` (rows) and the vocabulary fitted on them.

    When several items are parts of one document (``document_of[i]``, ascending, of
    ``n_documents``), document frequencies count documents, not parts.
    """
    stems: dict[str, int] = {}
    codes, docs, weights = _stream(Lexicon(stems, grow=True), items, settings)
    n_stems = max(len(stems), 1)
    orders = [(codes, docs, weights, None)]  # (codes per position, docs, weights, unique keys)
    for _ in range(2, settings.ngram_max + 1):
        orders.append(_next_order(orders[-1][0], codes, docs, weights, n_stems))
    counts = [_csr(o_docs[o_codes >= 0], o_codes[o_codes >= 0], o_weights[o_codes >= 0],
                   len(items), len(stems) if keys is None else len(keys))
              for o_codes, o_docs, o_weights, keys in orders]
    keys = [o_keys for *_, o_keys in orders[1:]]
    # The token stream (a few hundred MB at 100k items) is not needed any more: letting it go
    # here keeps it out of the fit's peak memory.
    del orders, codes, docs, weights
    if document_of is None or n_documents is None or len(document_of) == n_documents:
        keep = [_df_keep(matrix, settings, len(items)) for matrix in counts]
    else:
        parts = sp.csr_matrix((np.ones(len(document_of), dtype=np.float32), (document_of, np.arange(len(document_of)))),
                              shape=(n_documents, len(document_of)))
        keep = [_df_keep((parts @ matrix).tocsr(), settings, n_documents) for matrix in counts]
    vocabulary, full = _compact(stems, keys, keep)
    return _select(counts, full, len(items), vocabulary.size), vocabulary


def transform_counts(
    vocabulary: TermIndex, items: Sequence[Item], settings: TextSettings, written: bool = False,
) -> sp.csr_matrix:
    """Field-weighted counts of ``items`` in a fitted vocabulary; unseen terms are ignored.

    With ``written``, only n-grams that occur as written count (``text.WrittenLexicon``).
    """
    lexicon = WrittenLexicon(vocabulary.stems) if written else Lexicon(vocabulary.stems, grow=False)
    codes, docs, weights = _stream(lexicon, items, settings)
    n_stems = max(len(vocabulary.stems), 1)
    rows, cols, data = [], [], []
    current = codes
    for order, columns in enumerate(vocabulary.columns):
        if order:
            current = _lookup(current, codes, order, vocabulary.tables[order - 1], n_stems)
        valid = np.flatnonzero(current >= 0)
        column = columns[current[valid]]
        found = column >= 0
        rows.append(docs[valid][found])
        cols.append(column[found])
        data.append(weights[valid][found])
    return _matrix(np.concatenate(rows), np.concatenate(cols), np.concatenate(data),
                   (len(items), vocabulary.size))


def _stream(lexicon: Lexicon, items: Sequence[Item], settings: TextSettings):
    """All token codes of all fields, each field followed by BREAK; with doc and weight."""
    codes, lengths_np = forked_token_codes(lexicon, items, settings)
    n_fields = len(settings.field_weights)
    docs = np.repeat(np.repeat(np.arange(len(items), dtype=np.int32), n_fields), lengths_np)
    field_weights = np.array([w for _, w in settings.field_weights], dtype=np.float32)
    weights = np.repeat(np.tile(field_weights, len(items)), lengths_np)
    return codes, docs, weights


def _next_order(prev: np.ndarray, stems: np.ndarray, docs, weights, n_stems: int):
    """Codes of the n-grams starting at each position, from the (n-1)-gram codes there."""
    n = len(stems) - len(prev) + 2  # the order being built
    last = stems[n - 1 :]
    head = prev[: len(last)]
    ok = (head >= 0) & (last >= 0)
    keys, inverse = np.unique(head[ok] * n_stems + last[ok], return_inverse=True)
    codes = np.full(len(last), INVALID, dtype=np.int64)
    codes[ok] = inverse.ravel()
    return codes, docs[: len(last)], weights[: len(last)], keys


def _lookup(prev: np.ndarray, stems: np.ndarray, order: int, table: np.ndarray, n_stems: int) -> np.ndarray:
    last = stems[order:]
    head = prev[: len(last)]
    ok = (head >= 0) & (last >= 0)
    keys = head[ok] * n_stems + last[ok]
    position = np.searchsorted(table, keys)
    position[position >= len(table)] = 0
    hit = len(table) > 0
    found = (table[position] == keys) if hit else np.zeros(len(keys), dtype=bool)
    codes = np.full(len(last), INVALID, dtype=np.int64)
    codes[np.flatnonzero(ok)[found]] = position[found]
    return codes


def _csr(docs, codes, weights, n_docs: int, width: int) -> sp.csr_matrix:
    """Counts from a stream in document order: built as CSR directly (no COO copies)."""
    indptr = np.searchsorted(docs, np.arange(n_docs + 1)).astype(np.int32)
    matrix = sp.csr_matrix((weights.astype(np.float32), codes.astype(np.int32), indptr), shape=(n_docs, width))
    matrix.sum_duplicates()
    return matrix


def _matrix(rows, cols, data, shape) -> sp.csr_matrix:
    matrix = sp.csr_matrix((data.astype(np.float32), (rows, cols)), shape=shape)
    matrix.sum_duplicates()
    return matrix


def _df_keep(counts: sp.csr_matrix, settings: TextSettings, n_docs: int) -> np.ndarray:
    document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    if n_docs < settings.df_pruning_min_docs:
        return document_frequency > 0
    # min_df: a term in one document cannot link two; max_df: a term everywhere links all.
    return (document_frequency >= settings.min_df) & (document_frequency <= settings.max_df * n_docs)


def _compact(stems: dict[str, int], keys: list[np.ndarray], keep: list[np.ndarray]):
    """Number the kept terms as columns and keep only the n-gram keys needed to find them.

    Returns the vocabulary and, per order, the column of every fitted code (-1: dropped).
    """
    n_stems = max(len(stems), 1)
    full, start = [], 0
    for kept in keep:
        column = np.full(len(kept), -1, dtype=np.int32)
        column[kept] = np.arange(start, start + int(kept.sum()), dtype=np.int32)
        start += int(kept.sum())
        full.append(column)
    needed = [k.copy() for k in keep]
    for order in range(len(keys), 1, -1):  # an n-gram is found through its prefix
        needed[order - 1][keys[order - 1][needed[order]] // n_stems] = True
    columns, tables, renumber = [full[0]], [], None
    for order in range(1, len(keep)):
        prefix, last = np.divmod(keys[order - 1][needed[order]], n_stems)
        if renumber is not None:
            prefix = renumber[prefix]
        tables.append(prefix * n_stems + last)
        renumber = np.cumsum(needed[order]) - 1
        columns.append(full[order][needed[order]])
    return TermIndex(stems, tables, columns, start), full


def _select(counts: list[sp.csr_matrix], full: list[np.ndarray], n_docs: int, size: int) -> sp.csr_matrix:
    """One matrix of the kept columns of every order (each order's columns follow the last's)."""
    blocks, start = [], 0
    for matrix, mapping in zip(counts, full, strict=True):
        kept = int((mapping >= 0).sum())
        column = mapping[matrix.indices]
        found = column >= 0
        # Kept columns are numbered in code order, so each row stays sorted.
        indptr = np.concatenate([[0], np.cumsum(found, dtype=np.int64)])[matrix.indptr]
        blocks.append(sp.csr_matrix((matrix.data[found], column[found] - start, indptr), shape=(n_docs, kept)))
        start += kept
    matrix = sp.hstack(blocks, format="csr", dtype=np.float32) if blocks else sp.csr_matrix((n_docs, 0))
    matrix.check_format(full_check=True)  # cheap next to the fit, and a bad index would crash later
    return matrix
