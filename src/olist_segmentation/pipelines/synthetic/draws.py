"""Random draws and Kaggle-format text columns shared by the generator's nodes.

Times are float seconds since the epoch (NaN = missing) until they are written as
text in Kaggle's format; text columns are Arrow-backed, built without Python objects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import reference as ref

DAY = 86_400.0
STATUS_NAMES = tuple(ref.ORDER_STATUS)
STATUS = {name: code for code, name in enumerate(STATUS_NAMES)}
STATE_NAMES = tuple(ref.STATES)


def epoch(day: str) -> float:
    """Epoch seconds of a date (``"2018-02-01"``)."""
    return pd.Timestamp(day).timestamp()


def hex_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct 32-character lowercase hex ids."""
    ids = np.frombuffer(rng.bytes(16 * n).hex().encode("ascii"), dtype="S32")
    while len(np.unique(ids)) < n:
        ids = np.unique(ids)
        extra = np.frombuffer(rng.bytes(16 * (n - len(ids))).hex().encode(), "S32")
        ids = np.concatenate([ids, extra])
    return ids.astype("U32")


def choice(rng: np.random.Generator, weights: dict | np.ndarray, n: int):
    """``n`` keys of a {key: weight} dict, or indices of a weight array."""
    if isinstance(weights, dict):
        keys = np.array(list(weights))
        probs = np.array(list(weights.values()), dtype=float)
        return keys[rng.choice(len(keys), size=n, p=probs / probs.sum())]
    return rng.choice(len(weights), size=n, p=weights / weights.sum())


def categorical_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of a (rows x categories) probability matrix."""
    cumulative = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    draws = rng.random(len(probs))[:, None]
    return np.minimum((draws > cumulative).sum(axis=1), probs.shape[1] - 1)


def _strings(array: pa.Array) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(array))


def take_text(vocabulary, codes: np.ndarray) -> pd.Series:
    """``vocabulary[codes]`` as an Arrow-backed string column (no Python objects)."""
    words = pa.array(np.asarray(vocabulary, dtype=str))
    return _strings(pc.take(words, pa.array(np.asarray(codes, dtype=np.int64))))


def text_float(values: np.ndarray) -> pd.Series:
    """Shortest round-trip decimal text of floats."""
    return _strings(pc.cast(pa.array(values), pa.string()))


def text_int(values: np.ndarray, missing: np.ndarray | None = None) -> pd.Series:
    """Integers (truncated) as text; ``missing`` rows empty."""
    return _strings(
        pc.cast(pa.array(values.astype(np.int64), mask=missing), pa.string())
    )


def text_money(values: np.ndarray) -> pd.Series:
    """Two decimals, as in Kaggle's files ("96.80")."""
    cents = np.round(np.asarray(values) * 100).astype(np.int64)
    units = pc.cast(pa.array(cents // 100), pa.string())
    decimals = pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), 2, "0")
    return _strings(pc.binary_join_element_wise(units, decimals, "."))


def text_time(seconds: np.ndarray, *, date_only: bool = False) -> pd.Series:
    """Kaggle timestamps "2017-10-02 10:56:33"; NaN -> missing."""
    missing = np.isnan(seconds)
    whole = np.nan_to_num(seconds).astype(np.int64)
    if date_only:
        whole -= whole % int(DAY)
    iso = pa.array(whole.astype("datetime64[s]").astype("U19"), mask=missing)
    return _strings(pc.utf8_replace_slice(iso, 10, 11, " "))
