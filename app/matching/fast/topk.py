"""Top-k selection over integer scores: the plain definition, then each row's and column's best fast.

Scores are integers (micro-units, 0 = no match). Ties are broken by id through int64 sort keys
``score * n + (n - 1 - id rank)``, unique within a row (or a column), so every selection
here is exactly "sort by key, take the first k" (``top_k(score_keys(...))``, the plain one).
"""

from __future__ import annotations

import numpy as np


def score_keys(micro: np.ndarray, id_rank: np.ndarray, n: int | None = None) -> np.ndarray:
    """The plain definition's keys: unique per row, score first, then the lower id; -1 marks no match.

    ``id_rank`` ranks the columns' ids among all ``n`` ids of their side.
    """
    n = len(id_rank) if n is None else n
    keys = micro.astype(np.int64) * n + (n - 1 - id_rank)[None, :]
    keys[micro <= 0] = -1
    return keys


def top_k(keys: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The plain definition: column indices and keys of each row's ``k`` largest keys, best first."""
    k = min(k, keys.shape[1])
    if k <= 0:
        empty = np.zeros((keys.shape[0], 0), dtype=np.int64)
        return empty, empty
    part = np.argpartition(-keys, k - 1, axis=1)[:, :k]
    top = np.take_along_axis(keys, part, axis=1)
    order = np.argsort(-top, axis=1)
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(top, order, axis=1)


def best_k(micro: np.ndarray, id_rank: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``top_k(score_keys(micro, id_rank), k)`` without keying every entry: (columns, keys).

    Only the entries at or above each row's k-th largest score can be among its best, so
    only those are keyed and sorted. Rows with fewer than k matches end in -1 keys.
    """
    n_rows, n = micro.shape
    k = max(min(k, n), 0)
    columns = np.zeros((n_rows, k), dtype=np.int64)
    keys = np.full((n_rows, k), -1, dtype=np.int64)
    if k == 0:
        return columns, keys
    floor = np.partition(micro, n - k, axis=1)[:, n - k]
    np.maximum(floor, 1, out=floor)  # a score of 0 is no match
    row, column = np.nonzero(micro >= floor[:, None])
    key = micro[row, column].astype(np.int64) * n + (n - 1 - id_rank[column])
    order = np.lexsort((-key, row))
    row, column, key = row[order], column[order], key[order]
    rank = np.arange(len(row)) - np.searchsorted(row, row)
    keep = rank < k
    columns[row[keep], rank[keep]] = column[keep]
    keys[row[keep], rank[keep]] = key[keep]
    return columns, keys


class ColumnTopK:
    """Each column's running top-k (key, row) over blocks of rows.

    A row's key in a column is ``micro * n_keys + (n_keys - 1 - id rank of the row)``, as in
    ``score_keys``; the result equals sorting each column's keys and taking the first k.
    Only entries above the column's current k-th key are kept, so after the first blocks
    very few entries of a block survive the comparison (no sort of whole blocks).
    """

    def __init__(self, k: int, n_columns: int, n_keys: int) -> None:
        self.k, self.n, self.n_keys = k, n_columns, max(n_keys, 1)
        self.floor = np.full(n_columns, -1, dtype=np.int64)  # k-th best key so far
        self.floor_micro = np.ones(n_columns, dtype=np.int32)  # lowest score that may enter
        self.unsettled = True  # most columns have no floor yet: prune each block by itself
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.pending = 0

    def add(self, micro: np.ndarray, rows: np.ndarray, row_rank: np.ndarray) -> None:
        """Fold one block of (rows x columns) scores in; ``row_rank``: the rows' id ranks."""
        self.extend(self.select(micro, rows, row_rank))

    def select(self, micro: np.ndarray, rows: np.ndarray, row_rank: np.ndarray) -> tuple[np.ndarray, ...]:
        """The entries of a block that may enter the top k: (column, key, row).

        Safe in another thread: floors only rise, so older floors keep more entries. Until
        most columns have a floor, an entry below the k best of its column in this block
        is dropped too.
        """
        floor_micro = self.floor_micro
        if self.unsettled and len(rows) > self.k:
            local = np.partition(micro, len(rows) - self.k, axis=0)[len(rows) - self.k]
            floor_micro = np.maximum(floor_micro, local)
        index, column = np.nonzero(micro >= floor_micro[None, :])
        key = micro[index, column].astype(np.int64) * self.n_keys + (self.n_keys - 1 - row_rank[index])
        keep = key > self.floor[column]
        return column[keep].astype(np.int32), key[keep], rows[index[keep]].astype(np.int32)

    def extend(self, part: tuple[np.ndarray, ...]) -> None:
        """Fold the entries chosen by ``select`` in."""
        self.parts.append(part)
        self.pending += len(part[0])
        if self.pending > self.k * self.n + 100_000:  # new entries since the last merge
            self._reduce()

    def _reduce(self) -> None:
        column, key, row = self._sorted()
        start = np.searchsorted(column, np.arange(self.n))
        rank = np.arange(len(column)) - start[column]
        keep = rank < self.k
        column, key, row, rank = column[keep], key[keep], row[keep], rank[keep]
        full = rank == self.k - 1
        self.floor[column[full]] = key[full]
        self.floor_micro[column[full]] = key[full] // self.n_keys
        self.unsettled = np.count_nonzero(self.floor < 0) * 2 > self.n
        self.parts = [(column, key, row)]
        self.pending = 0

    def _sorted(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All entries so far by column, best key first."""
        empty = np.zeros(0, dtype=np.int64)
        column, key, row = (np.concatenate([empty, *p]) for p in zip(*self.parts, strict=True)) \
            if self.parts else (empty, empty, empty)
        self.parts = []
        span = int(key.max()) + 1 if len(key) else 1
        if self.n * span < 2**62:  # one integer sort: keys are unique within a column
            order = np.argsort(column * span + (span - 1 - key))
        else:
            order = np.lexsort((-key, column))
        return column[order], key[order], row[order]

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """(k x columns) keys and rows, -1 keys where a column has fewer than k entries."""
        self._reduce()
        column, key, row = self.parts[0]
        start = np.searchsorted(column, np.arange(self.n))
        rank = np.arange(len(column)) - start[column]
        best_keys = np.full((self.k, self.n), -1, dtype=np.int64)
        best_rows = np.zeros((self.k, self.n), dtype=np.int64)
        best_keys[rank, column] = key
        best_rows[rank, column] = row
        return best_keys, best_rows
