"""``tokenise.token_codes`` in two processes for a large batch (tokenising is pure Python).

The second half of the items is tokenised in a forked child with its own stem numbering;
its stems are then renumbered exactly as one pass over all items would have numbered them
(stems first seen in the first half keep their ids, new ones follow in order of first
sight), so the fitted vocabulary, and the model version, do not depend on the split.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from app.matching.records import Item
from app.matching.text import Lexicon, TextSettings, WrittenLexicon
from app.matching.tokenise import token_codes as one_pass_codes

# Below this many items a child process costs more than it saves.
PARALLEL_MIN_ITEMS = 20_000

_FORKED_ITEMS: Sequence[Item] = ()  # handed to the forked child through memory, not pickling


def forked_token_codes(
    lexicon: Lexicon, items: Sequence[Item], settings: TextSettings,
) -> tuple[np.ndarray, np.ndarray]:
    """Equal to ``one_pass_codes`` (tokenise.token_codes), codes and stem numbering alike.

    At least PARALLEL_MIN_ITEMS items split the work with a child process when the platform
    can fork (a fit's items, or a large batch transformed with a fitted vocabulary).
    """
    # The written-phrase lexicon (reasons only) is not split: its child would need its class.
    if len(items) < max(PARALLEL_MIN_ITEMS, 2) or not _can_fork() or isinstance(lexicon, WrittenLexicon):
        return one_pass_codes(lexicon, items, settings)
    global _FORKED_ITEMS
    half = len(items) // 2
    _FORKED_ITEMS = items
    # A fixed lexicon is copied into the child by the fork: its codes need no renumbering.
    fixed = None if lexicon.grow else lexicon.stems
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            future = pool.submit(_child_codes, half, len(items), settings, fixed)
            first = one_pass_codes(lexicon, items[:half], settings)
            second_codes, second_lengths, second_stems = future.result()
    except (OSError, RuntimeError):  # no child process after all (BrokenProcessPool...): one pass here
        # Stems of the first half, if already numbered, keep the ids one pass gives them.
        return one_pass_codes(lexicon, items, settings)
    finally:
        _FORKED_ITEMS = ()
    if lexicon.grow:
        renumber = np.array([lexicon.adopt(stem) for stem in second_stems], dtype=np.int64)
        known = second_codes >= 0
        second_codes[known] = renumber[second_codes[known]]
    return np.concatenate([first[0], second_codes]), np.concatenate([first[1], second_lengths])


def _child_codes(
    start: int, stop: int, settings: TextSettings, fixed: dict[str, int] | None,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    stems: dict[str, int] = {} if fixed is None else fixed
    codes, lengths = one_pass_codes(Lexicon(stems, grow=fixed is None), _FORKED_ITEMS[start:stop], settings)
    return codes, lengths, list(stems) if fixed is None else []


def _can_fork() -> bool:
    # Daemonic processes (Celery's prefork workers) may not have children.
    if multiprocessing.current_process().daemon:
        return False
    return "fork" in multiprocessing.get_all_start_methods()
