"""Hex ids to compact ``uint32`` keys, in sorted hex order, the same in every table.

For each id kind the distinct ids of every column holding it are sorted once; the
key of an id is its rank. Columns are then encoded with one hash lookup per
column (``Index.get_indexer``), never a Python call per row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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


def sorted_ids(columns: list[pd.Series]) -> pd.Index:
    """Distinct ids of all ``columns``, sorted (hex order: all lowercase)."""
    union = pd.concat([column.astype("str") for column in columns], ignore_index=True)
    ids = pd.Index(union.unique()).sort_values()
    if len(ids) >= np.iinfo(np.uint32).max:
        raise OverflowError(f"{len(ids)} distinct ids do not fit uint32 keys")
    return ids


def encode(column: pd.Series, ids: pd.Index) -> np.ndarray:
    """The uint32 keys of ``column``'s ids in ``ids`` (every id must be there)."""
    codes = ids.get_indexer(column)
    if (codes < 0).any():
        raise KeyError(f"{column.name}: {int((codes < 0).sum())} ids have no key")
    return codes.astype(np.uint32)


def build_id_map(ids: dict[str, pd.Index]) -> pd.DataFrame:
    """The ``id_map`` table: id_kind (category), key (uint32), olist_id (string)."""
    frames = [
        pd.DataFrame(
            {
                "id_kind": pd.Categorical([kind] * len(values), dtype=ID_KINDS),
                "key": np.arange(len(values), dtype=np.uint32),
                "olist_id": pd.Series(values, dtype="str"),
            }
        )
        for kind, values in ids.items()
    ]
    return pd.concat(frames, ignore_index=True)


def rekey(
    tables: dict[str, pd.DataFrame],
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Replace every hex id column of ``tables`` by its key; return them and id_map."""
    columns = {
        kind: [table[kind] for table in tables.values() if kind in table.columns]
        for kind in KEY_COLUMNS
    }
    ids = {kind: sorted_ids(found) for kind, found in columns.items() if found}
    keyed = {}
    for name, table in tables.items():
        present = [kind for kind in KEY_COLUMNS if kind in table.columns]
        keys = {KEY_COLUMNS[kind]: encode(table[kind], ids[kind]) for kind in present}
        rest = table.drop(columns=present)
        keyed[name] = pd.concat([pd.DataFrame(keys, index=table.index), rest], axis=1)
    return keyed, build_id_map(ids)
