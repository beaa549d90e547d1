"""Each row's heaviest terms (largest entries) by partitioning instead of sorting every entry."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from app.matching.evidence import row_entries
from app.matching.model import REASON_TERMS


def plain_heaviest(vectors: sp.csr_matrix, limit: int = REASON_TERMS) -> sp.csr_matrix:
    """The definition: each row's ``limit`` largest entries (ties: lower column), as a CSR matrix."""
    vectors = vectors.tocsr()
    counts = np.diff(vectors.indptr)
    if not len(counts) or counts.max(initial=0) <= limit:
        return vectors
    row_of = np.repeat(np.arange(vectors.shape[0]), counts)
    order = np.lexsort((vectors.indices, -vectors.data, row_of))
    rank = np.arange(len(order)) - vectors.indptr[row_of[order]]
    keep = np.sort(order[rank < limit])
    indptr = np.concatenate([[0], np.cumsum(np.minimum(counts, limit))])
    return sp.csr_matrix((vectors.data[keep], vectors.indices[keep], indptr), shape=vectors.shape)


def heaviest_terms(vectors: sp.csr_matrix, limit: int = REASON_TERMS, rows_per_pass: int = 8192) -> sp.csr_matrix:
    """``plain_heaviest`` bit for bit (each row's ``limit`` largest entries, ties: lower column), faster.

    Each row's limit-th largest value is found by partitioning padded rows (linear time)
    instead of sorting every entry; rows are taken a few thousand at a time (bounded memory).
    """
    vectors = vectors.tocsr()
    counts = np.diff(vectors.indptr)
    floating = np.issubdtype(vectors.dtype, np.floating)
    if not len(counts) or counts.max(initial=0) <= limit or not vectors.has_sorted_indices or not floating:
        return plain_heaviest(vectors, limit)
    keep = np.empty(vectors.nnz, dtype=bool)
    for start in range(0, vectors.shape[0], rows_per_pass):
        stop = min(start + rows_per_pass, vectors.shape[0])
        low, high = vectors.indptr[start], vectors.indptr[stop]
        keep[low:high] = _heaviest_entries(vectors.data[low:high], vectors.indptr[start : stop + 1] - low, limit)
    indptr = np.concatenate([[0], np.cumsum(np.minimum(counts, limit))]).astype(vectors.indptr.dtype)
    return sp.csr_matrix((vectors.data[keep], vectors.indices[keep], indptr), shape=vectors.shape)


def heaviest_rows(matrix: sp.csr_matrix, rows: np.ndarray, limit: int = REASON_TERMS) -> sp.csr_matrix:
    """``heaviest_terms(matrix[rows])``, without building ``matrix[rows]`` first (a few rows)."""
    if matrix.format != "csr" or not np.issubdtype(matrix.dtype, np.floating):
        return heaviest_terms(matrix[rows], limit)
    _, indices, data, indptr = row_entries(matrix, rows)
    row_start = np.zeros(len(indices), dtype=bool)
    row_start[indptr[1:-1][indptr[1:-1] < len(indices)]] = True
    if not np.all((np.diff(indices) > 0) | row_start[1:]):  # ties fall back on column order
        return heaviest_terms(matrix[rows], limit)
    keep = _heaviest_entries(data, indptr, limit)
    kept = np.concatenate([[0], np.cumsum(np.minimum(np.diff(indptr), limit))])
    return sp.csr_matrix((data[keep], indices[keep], kept), shape=(len(rows), matrix.shape[1]))


def _heaviest_entries(data: np.ndarray, indptr: np.ndarray, limit: int) -> np.ndarray:
    """Which entries of these rows are among their row's ``limit`` largest (ties: first ones)."""
    counts = np.diff(indptr)
    width = int(counts.max(initial=0))
    if width <= limit:
        return np.ones(len(data), dtype=bool)
    row = np.repeat(np.arange(len(counts)), counts)
    padded = np.full((len(counts), width), -np.inf, dtype=data.dtype)
    padded[row, np.arange(len(data)) - indptr[row]] = data
    threshold = np.partition(padded, width - limit, axis=1)[:, width - limit]
    threshold[counts <= limit] = -np.inf
    above = data > threshold[row]
    tied = data == threshold[row]
    room = limit - np.bincount(row[above], minlength=len(counts))
    tied_before = np.concatenate([[0], np.cumsum(tied)])
    tie_rank = tied_before[1:] - tied_before[indptr[:-1]][row]  # 1 for a row's first tie
    return above | (tied & (tie_rank <= room[row]))
