"""32-hex Olist ids as pairs of 64-bit integers: sorting and lookups in NumPy.

A validated id (32 lowercase hex digits) is 128 bits: ``hex_words`` decodes a
whole column at once (one ``bytes.fromhex`` of the joined text) into rows of
(high, low) ``uint64`` words. Sorting those rows by (high, low) is the sorted hex
order of the ids, and a lookup is a binary search on the high word, checked on
both words. Distinct ids sharing a high word (chance about n²/2⁶⁵, never seen in
Olist data) are resolved exactly through a small dictionary.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ABSENT = -1


def hex_words(values: pd.Series) -> np.ndarray:
    """(n, 2) uint64 array of the (high, low) words of validated 32-hex ids."""
    if not len(values):
        return np.zeros((0, 2), dtype=np.uint64)
    raw = bytes.fromhex("".join(values.astype("str").tolist()))
    return np.frombuffer(raw, dtype=">u8").reshape(-1, 2).astype(np.uint64)


def words_to_hex(words: np.ndarray) -> np.ndarray:
    """Back from (high, low) words to the 32-hex ids (object array of str)."""
    raw = words.astype(">u8").tobytes().hex()
    return np.array([raw[i : i + 32] for i in range(0, len(raw), 32)], dtype=object)


class IdSpace:
    """The sorted distinct ids of some columns; ``find`` gives the rank of an id."""

    def __init__(self, words: np.ndarray) -> None:
        ordered = words[np.argsort(words[:, 0])]
        same_high = ordered[1:, 0] == ordered[:-1, 0]
        if (same_high & (ordered[1:, 1] != ordered[:-1, 1])).any():
            # distinct ids share a high word: order them by both words
            ordered = words[np.lexsort((words[:, 1], words[:, 0]))]
            same_high = ordered[1:, 0] == ordered[:-1, 0]
        new = np.ones(len(ordered), dtype=bool)
        new[1:] = ~(same_high & (ordered[1:, 1] == ordered[:-1, 1]))
        self.words = ordered[new]
        high = self.words[:, 0]
        shared = high[1:][high[1:] == high[:-1]]
        self._shared_high = np.unique(shared)
        self._exact = {
            (int(self.words[rank, 0]), int(self.words[rank, 1])): int(rank)
            for rank in np.flatnonzero(np.isin(high, self._shared_high))
        }

    def __len__(self) -> int:
        return len(self.words)

    def find(self, words: np.ndarray) -> np.ndarray:
        """Rank of each id of ``words`` in this space (int64), ``ABSENT`` if missing."""
        if not len(self.words):
            return np.full(len(words), ABSENT, dtype=np.int64)
        high = self.words[:, 0]
        at = np.minimum(np.searchsorted(high, words[:, 0]), len(high) - 1)
        found = (self.words[at] == words).all(axis=1)
        ranks = np.where(found, at, ABSENT).astype(np.int64)
        if len(self._shared_high):
            for row in np.flatnonzero(np.isin(words[:, 0], self._shared_high)):
                key = (int(words[row, 0]), int(words[row, 1]))
                ranks[row] = self._exact.get(key, ABSENT)
        return ranks
