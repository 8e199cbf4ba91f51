"""Hex ids to compact ``uint32`` keys, in sorted hex order, the same in every table.

For each id kind the ids of every column holding it are sorted together once, as
pairs of 64-bit words (``hexid.rank_ids``); the key of an id is its rank among the
distinct ids. No Python call per row, no hash of Python strings, no search.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .hexid import hex_words, rank_ids, words_to_hex

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


def build_id_map(ids: dict[str, np.ndarray]) -> pd.DataFrame:
    """The ``id_map`` table: id_kind (category), key (uint32), olist_id (string)."""
    frames = [
        pd.DataFrame(
            {
                "id_kind": pd.Categorical([kind] * len(words), dtype=ID_KINDS),
                "key": np.arange(len(words), dtype=np.uint32),
                "olist_id": words_to_hex(words),
            }
        )
        for kind, words in ids.items()
    ]
    return pd.concat(frames, ignore_index=True)


def rekey(
    tables: dict[str, pd.DataFrame],
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Replace every hex id column of ``tables`` by its key; return them and id_map."""
    keys: dict[tuple[str, str], np.ndarray] = {}
    ids: dict[str, np.ndarray] = {}
    for kind in KEY_COLUMNS:
        holders = [name for name, table in tables.items() if kind in table.columns]
        if not holders:
            continue
        ranks, ids[kind] = rank_ids([hex_words(tables[name][kind]) for name in holders])
        if len(ids[kind]) >= np.iinfo(np.uint32).max:
            raise OverflowError(f"{len(ids[kind])} {kind} do not fit uint32 keys")
        for name, rank in zip(holders, ranks, strict=True):
            keys[name, kind] = rank.astype(np.uint32)
    keyed = {}
    for name, table in tables.items():
        present = [kind for kind in KEY_COLUMNS if kind in table.columns]
        columns = {KEY_COLUMNS[kind]: keys[name, kind] for kind in present}
        rest = table.drop(columns=present)
        keyed[name] = pd.concat(
            [pd.DataFrame(columns, index=table.index), rest], axis=1
        )
    return keyed, build_id_map(ids)
