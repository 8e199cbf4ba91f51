"""Hex ids to compact ``uint32`` keys, in sorted hex order, the same in every table.

For each id kind the distinct ids of every column holding it are sorted once, as
pairs of 64-bit words (``hexid``); the key of an id is its rank. Columns are then
encoded by one binary search per column, never a Python call per row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .hexid import ABSENT, IdSpace, hex_words, words_to_hex

# Olist id column -> key column, in the order of the data contract.
KEY_COLUMNS: dict[str, str] = {
    "customer_unique_id": "person_key",
    "customer_id": "customer_key",
    "order_id": "order_key",
    "product_id": "product_key",
    "seller_id": "seller_key",
    "review_id": "review_key",
}
ID_KINDS = pd.CategoricalDtype(list(KEY_COLUMNS))


def sorted_ids(words: list[np.ndarray]) -> IdSpace:
    """Distinct ids of all decoded columns ``words``, in sorted hex order."""
    ids = IdSpace(np.concatenate(words))
    if len(ids) >= np.iinfo(np.uint32).max:
        raise OverflowError(f"{len(ids)} distinct ids do not fit uint32 keys")
    return ids


def encode(words: np.ndarray, ids: IdSpace, name: str) -> np.ndarray:
    """The uint32 keys of decoded ids ``words``: their ranks in the sorted ``ids``."""
    ranks = ids.find(words)
    missing = int((ranks == ABSENT).sum())
    if missing:
        raise KeyError(f"{name}: {missing} ids have no key")
    return ranks.astype(np.uint32)


def build_id_map(ids: dict[str, IdSpace]) -> pd.DataFrame:
    """The ``id_map`` table: id_kind (category), key (uint32), olist_id (string)."""
    frames = [
        pd.DataFrame(
            {
                "id_kind": pd.Categorical([kind] * len(space), dtype=ID_KINDS),
                "key": np.arange(len(space), dtype=np.uint32),
                "olist_id": pd.Series(words_to_hex(space.words), dtype="str"),
            }
        )
        for kind, space in ids.items()
    ]
    return pd.concat(frames, ignore_index=True)


def rekey(
    tables: dict[str, pd.DataFrame],
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Replace every hex id column of ``tables`` by its key; return them and id_map."""
    words = {
        (name, kind): hex_words(table[kind])
        for name, table in tables.items()
        for kind in KEY_COLUMNS
        if kind in table.columns
    }
    ids = {
        kind: sorted_ids([found for (_, of), found in words.items() if of == kind])
        for kind in KEY_COLUMNS
        if any(of == kind for _, of in words)
    }
    keyed = {}
    for name, table in tables.items():
        present = [kind for kind in KEY_COLUMNS if kind in table.columns]
        keys = {
            KEY_COLUMNS[kind]: encode(words[name, kind], ids[kind], f"{name}.{kind}")
            for kind in present
        }
        rest = table.drop(columns=present)
        keyed[name] = pd.concat([pd.DataFrame(keys, index=table.index), rest], axis=1)
    return keyed, build_id_map(ids)
