"""The dense result of a sparse product, by scipy's own routine without its counting pass."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

# Largest product (query rows x candidates) computed without scipy's counting pass: room for
# every entry is made up front (8 bytes each).
DIRECT_PRODUCT_MAX = 1 << 24
try:  # the routines behind scipy's own sparse product; private, so the public product stands in
    from scipy.sparse._sparsetools import csr_matmat, csr_todense
except ImportError:  # pragma: no cover (another scipy version)
    csr_matmat = csr_todense = None


def plain_dense_product(queries: sp.spmatrix, postings: sp.spmatrix) -> np.ndarray:
    """The definition: ``(queries @ postings).toarray()``."""
    return (queries @ postings).toarray()


def dense_product(queries: sp.spmatrix, postings: sp.spmatrix) -> np.ndarray:
    """``plain_dense_product``, bit for bit, by the very routine scipy's product calls, minus its
    first pass (counting the result's entries, about a third of the time): a block's result
    is nearly dense, so room for every entry is made up front. Other cases take the plain path.
    """
    n_rows, n_columns = queries.shape[0], postings.shape[1]
    arrays = (queries.indptr, queries.indices, postings.indptr, postings.indices) \
        if queries.format == postings.format == "csr" else ()
    if csr_matmat is None or not arrays or n_rows * n_columns > DIRECT_PRODUCT_MAX \
            or queries.dtype != postings.dtype or any(a.dtype != np.int32 for a in arrays):
        return plain_dense_product(queries, postings)
    indptr = np.empty(n_rows + 1, dtype=np.int32)
    indices = np.empty(n_rows * n_columns, dtype=np.int32)
    data = np.empty(n_rows * n_columns, dtype=queries.dtype)
    csr_matmat(n_rows, n_columns, queries.indptr, queries.indices, queries.data,
               postings.indptr, postings.indices, postings.data, indptr, indices, data)
    dense = np.zeros((n_rows, n_columns), dtype=queries.dtype)
    csr_todense(n_rows, n_columns, indptr, indices, data, dense)
    return dense
