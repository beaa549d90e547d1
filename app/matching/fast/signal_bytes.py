"""The signal factor of every pair, from one byte per pair that codes which signals fired."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from app.matching.records import CHALLENGE, Kind
from app.matching.signals import (
    DEADLINE_BONUS,
    PLACE_BONUS,
    SECTOR_BONUS,
    SIGNAL_TOTAL,
    TAGS_BONUS,
    TAGS_FULL,
    TRL_BONUS,
    Facts,
    is_open,
)
from app.matching.stacking import widen


def plain_pair_multiplier(query: Facts, query_kind: Kind, cand: Facts, now: float) -> np.ndarray:
    """The definition: (1 + sum of fired bonuses) / (1 + SIGNAL_TOTAL), per (query, candidate).

    Dense float arrays, one per signal (a block of 64 x 100,000 pairs makes each 50 MB).
    """
    challenge, solution = (query, cand) if query_kind == CHALLENGE else (cand, query)
    trl = (challenge.trl[:, None] >= 0) & (solution.trl[None, :] >= challenge.trl[:, None])
    deadline = np.broadcast_to(is_open(challenge.deadline, now)[:, None], trl.shape)
    if query_kind != CHALLENGE:  # arrays above are challenge x solution; the result is query x candidate
        trl, deadline = trl.T, deadline.T
    place = (query.country[:, None] == cand.country[None, :]) & (query.country >= 0)[:, None]
    bonus = (SECTOR_BONUS * (_shared_labels(query.sectors, cand.sectors) > 0)
             + TAGS_BONUS * np.minimum(_shared_labels(query.tags, cand.tags), TAGS_FULL) / TAGS_FULL
             + TRL_BONUS * trl + PLACE_BONUS * place + DEADLINE_BONUS * deadline)
    return ((1.0 + bonus) / (1.0 + SIGNAL_TOTAL)).astype(np.float32)


def _shared_labels(query: sp.csr_matrix, cand: sp.csr_matrix) -> np.ndarray:
    width = max(query.shape[1], cand.shape[1])
    return (widen(query, width) @ widen(cand, width).T).toarray()


def _multipliers() -> np.ndarray:
    """The factor of every signal combination, indexed by a byte code: bit 0 same sector,
    bits 1-2 shared tags (capped at TAGS_FULL), bit 3 TRL, bit 4 place, bit 5 deadline."""
    code = np.arange(64)
    bonus = SECTOR_BONUS * (code & 1) + TAGS_BONUS * ((code >> 1) & 3) / TAGS_FULL
    bonus = bonus + TRL_BONUS * ((code >> 3) & 1) + PLACE_BONUS * ((code >> 4) & 1)
    bonus = bonus + DEADLINE_BONUS * ((code >> 5) & 1)
    return ((1.0 + bonus) / (1.0 + SIGNAL_TOTAL)).astype(np.float32)


_MULTIPLIERS = _multipliers()


def pair_multiplier(query: Facts, query_kind: Kind, cand: Facts, now: float) -> np.ndarray:
    """``plain_pair_multiplier``, bit for bit, from one byte per pair: less memory, fewer passes.

    The sector and tag signals are sparse (few pairs share a label), so only the pairs that
    share one are touched instead of turning both products into dense float arrays.
    """
    if query_kind == CHALLENGE:
        required, reached, deadline = query.trl[:, None], cand.trl[None, :], is_open(query.deadline, now)[:, None]
    else:
        required, reached, deadline = cand.trl[None, :], query.trl[:, None], is_open(cand.deadline, now)[None, :]
    code = np.greater_equal(reached, required)
    code &= required >= 0
    code = code.view(np.uint8)
    code <<= 3
    place = np.equal(query.country[:, None], cand.country[None, :])
    place &= (query.country >= 0)[:, None]
    code |= np.left_shift(place, 4, dtype=np.uint8)
    code |= np.left_shift(deadline, 5, dtype=np.uint8)
    _mark_shared(code, query.sectors, cand.sectors, lambda shared: (shared > 0).astype(np.uint8))
    _mark_shared(code, query.tags, cand.tags, lambda shared: np.minimum(shared, TAGS_FULL).astype(np.uint8) << 1)
    return _MULTIPLIERS[code]


def _mark_shared(
    code: np.ndarray, query: sp.csr_matrix, cand: sp.csr_matrix, bits: Callable[[np.ndarray], np.ndarray],
) -> None:
    """OR ``bits(count of shared labels)`` into ``code`` at the pairs that share a label."""
    width = max(query.shape[1], cand.shape[1])
    product = (widen(query, width) @ widen(cand, width).T).tocsr()
    rows = np.repeat(np.arange(product.shape[0]), np.diff(product.indptr))
    code[rows, product.indices] |= bits(product.data)
