"""Tokenising many items into one stream of integer token codes, in a single pass."""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np

from app.matching.records import Item
from app.matching.text import BREAK, Lexicon, TextSettings, field_text


def token_codes(lexicon: Lexicon, items: Sequence[Item], settings: TextSettings) -> tuple[np.ndarray, np.ndarray]:
    """Codes of every field of every item, each field followed by BREAK, and each field's length.

    Fields come in ``settings.field_weights`` order; with a growing ``lexicon`` new stems
    are numbered in order of first sight.
    """
    stream = array("q")  # a typed buffer: tens of millions of codes, no Python int per code kept
    lengths = array("q")
    for item in items:
        for name, _ in settings.field_weights:
            codes = lexicon.codes(field_text(item, name))
            stream.extend(codes)
            stream.append(BREAK)
            lengths.append(len(codes) + 1)
    return (np.array(stream, dtype=np.int64) if len(stream) else np.zeros(0, dtype=np.int64),
            np.array(lengths, dtype=np.int64) if len(lengths) else np.zeros(0, dtype=np.int64))
