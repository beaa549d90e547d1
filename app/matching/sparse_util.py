"""Small sparse-matrix helpers shared by the parts of a model."""

from __future__ import annotations

import threading

import scipy.sparse as sp

_LOCK = threading.Lock()


def postings(owner) -> sp.csr_matrix:
    """``owner.matrix`` transposed (term x item, an inverted index), built once on first use.

    Kept on the owner as ``_postings`` (not pickled; reset it when the matrix changes). One
    query's product with it touches only the query's terms.
    """
    found = getattr(owner, "_postings", None)
    if found is None:
        with _LOCK:
            found = getattr(owner, "_postings", None)
            if found is None:
                found = owner._postings = owner.matrix.T.tocsr()
    return found


def widen(matrix: sp.csr_matrix, width: int) -> sp.csr_matrix:
    """The same rows with ``width`` columns (never fewer): matrices fitted apart can be stacked."""
    if matrix.shape[1] == width:
        return matrix
    return sp.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], width))
