"""Stacking sparse matrices whose widths differ (label indicators or passages grown apart)."""

from __future__ import annotations

import scipy.sparse as sp


def widen(matrix: sp.csr_matrix, width: int) -> sp.csr_matrix:
    """The same rows with ``width`` columns (never fewer): matrices fitted apart can be stacked."""
    if matrix.shape[1] == width:
        return matrix
    return sp.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], width))


def stack_rows(top: sp.csr_matrix, bottom: sp.csr_matrix) -> sp.csr_matrix:
    """The rows of ``top`` then ``bottom``, as wide as the wider of the two."""
    width = max(top.shape[1], bottom.shape[1])
    return sp.vstack([widen(top, width), widen(bottom, width)], format="csr")
