"""An owner's inverted index (its matrix transposed), built once even when threads race for it."""

from __future__ import annotations

import threading
from typing import Any

import scipy.sparse as sp

_LOCK = threading.Lock()


def plain_postings(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """The definition: term x item, ``matrix`` transposed as CSR."""
    return matrix.T.tocsr()


def cached_postings(owner: Any) -> sp.csr_matrix:
    """``plain_postings(owner.matrix)``, built on first use and kept on the owner as ``_postings``.

    Not pickled; reset ``_postings`` to None when the matrix changes. The rebuild's two
    worker threads ask for it at once: the lock (checked twice, so later calls take no lock)
    makes one of them build it instead of both (twice the work, and two copies held at once).
    """
    found = getattr(owner, "_postings", None)
    if found is None:
        with _LOCK:
            found = getattr(owner, "_postings", None)
            if found is None:
                found = owner._postings = plain_postings(owner.matrix)
    return found
