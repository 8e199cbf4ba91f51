"""32-hex Olist ids as pairs of 64-bit integers: sorted, ranked and matched in NumPy.

A validated id (32 lowercase hex digits) is 128 bits: ``hex_words`` decodes a
whole column at once (from its Arrow text buffer) into rows of (high, low)
``uint64`` words. Sorting those rows by (high, low) is the sorted hex
order of the ids. ``rank_ids`` sorts the ids of several columns together once and
gives every row the rank of its id among the distinct ids: that rank is the key,
and two columns share an id exactly when they share a rank, so foreign keys are
checked with the same single sort (no hashing of Python strings, no search).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

_NIBBLE = np.zeros(256, dtype=np.uint8)
_NIBBLE[np.frombuffer(b"0123456789abcdef", dtype=np.uint8)] = np.arange(16)


def hex_words(values: pd.Series) -> np.ndarray:
    """(n, 2) uint64 array of the (high, low) words of validated 32-hex ids.

    Decoded straight from the Arrow buffer of the column (all ids are 32 ASCII
    characters, so the buffer is the ids end to end): no Python string per row.
    """
    if not len(values):
        return np.zeros((0, 2), dtype=np.uint64)
    text = pa.array(values.astype("str"))
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    if text.type == pa.string_view():
        text = text.cast(pa.string())
    width = np.int64 if text.type == pa.large_string() else np.int32
    offsets = np.frombuffer(text.buffers()[1], dtype=width)
    start, end = offsets[text.offset], offsets[text.offset + len(text)]
    chars = np.frombuffer(text.buffers()[2], dtype=np.uint8)[start:end]
    nibbles = _NIBBLE[chars]
    octets = (nibbles[0::2] << 4) | nibbles[1::2]
    return octets.view(">u8").reshape(-1, 2).astype(np.uint64)


def words_to_hex(words: np.ndarray) -> pd.Series:
    """Back from (high, low) words to the 32-hex ids (a string Series)."""
    raw = words.astype(">u8").tobytes().hex().encode("ascii")
    return pd.Series(np.frombuffer(raw, dtype="S32").astype("U32"), dtype="str")


def rank_ids(columns: list[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """Rank of each row's id among the distinct ids of all ``columns`` (words).

    Returns the ranks (int64), one array per column, and the distinct ids in
    sorted hex order (their words). One sort of the high words; only if two
    distinct ids share a high word (chance about n²/2⁶⁵) a sort on both words.
    """
    words = np.concatenate(columns) if columns else np.zeros((0, 2), np.uint64)
    order = np.argsort(words[:, 0])
    ordered = words[order]
    same_high = ordered[1:, 0] == ordered[:-1, 0]
    if (same_high & (ordered[1:, 1] != ordered[:-1, 1])).any():
        order = np.lexsort((words[:, 1], words[:, 0]))
        ordered = words[order]
        same_high = ordered[1:, 0] == ordered[:-1, 0]
    new = np.ones(len(ordered), dtype=bool)
    new[1:] = ~(same_high & (ordered[1:, 1] == ordered[:-1, 1]))
    ranks = np.empty(len(words), dtype=np.int64)
    ranks[order] = np.cumsum(new) - 1
    bounds = np.cumsum([len(column) for column in columns])[:-1]
    return np.split(ranks, bounds), ordered[new]
