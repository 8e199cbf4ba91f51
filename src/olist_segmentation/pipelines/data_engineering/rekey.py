"""Hex ids to compact ``uint32`` keys, in sorted hex order, the same in every table.

For each id kind, the ids of every column holding it are factorized together once
(``pd.factorize(..., sort=True)``): the key of an id is its rank among the distinct
ids, and the sorted distinct ids are the ``id_map``.
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


def rekey(
    tables: dict[str, pd.DataFrame],
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Replace every hex id column of ``tables`` by its key; return them and id_map."""
    keys: dict[str, dict[str, np.ndarray]] = {name: {} for name in tables}
    maps = []
    for kind, key in KEY_COLUMNS.items():
        holders = [name for name, table in tables.items() if kind in table.columns]
        if not holders:
            continue
        ids = pd.concat([tables[name][kind] for name in holders], ignore_index=True)
        codes, distinct = pd.factorize(ids, sort=True)
        if len(distinct) >= np.iinfo(np.uint32).max:
            raise OverflowError(f"{len(distinct)} {kind} do not fit uint32 keys")
        bounds = np.cumsum([len(tables[name]) for name in holders])[:-1]
        for name, part in zip(holders, np.split(codes, bounds), strict=True):
            keys[name][key] = part.astype(np.uint32)
        maps.append(
            pd.DataFrame(
                {
                    "id_kind": pd.Categorical([kind] * len(distinct), dtype=ID_KINDS),
                    "key": np.arange(len(distinct), dtype=np.uint32),
                    "olist_id": pd.Series(distinct, dtype="str"),
                }
            )
        )
    keyed = {
        name: pd.concat(
            [
                pd.DataFrame(keys[name], index=table.index),
                table.drop(columns=[kind for kind in KEY_COLUMNS if kind in table]),
            ],
            axis=1,
        )
        for name, table in tables.items()
    }
    return keyed, pd.concat(maps, ignore_index=True)
