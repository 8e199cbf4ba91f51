"""Items of every order: how many, which products, price and freight (used by
``simulate_orders``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from olist_segmentation.pipelines.data_engineering.geo import haversine_km

from . import reference as ref
from .draws import STATUS
from .params import SyntheticParams


def items_per_order(
    rng: np.random.Generator,
    params: SyntheticParams,
    status: np.ndarray,
    persona: np.ndarray,
) -> np.ndarray:
    """Items per order; no items for unavailable and some canceled or created ones."""
    n = len(status)
    no_items = status == STATUS["unavailable"]
    extra = params.count(775, rng) - int(no_items.sum())
    candidates = np.flatnonzero(
        np.isin(status, [STATUS["canceled"], STATUS["created"]])
    )
    if extra > 0 and len(candidates):
        picked = rng.choice(candidates, min(extra, len(candidates)), replace=False)
        no_items[picked] = True
    sizes = np.array(list(ref.ITEMS_PER_ORDER))[1:]
    weights = np.array(list(ref.ITEMS_PER_ORDER.values()), dtype=float)[1:]
    several = rng.random(n) < params.persona_array("extra_items_rate")[persona]
    multi = sizes[rng.choice(len(sizes), n, p=weights / weights.sum())]
    return np.where(no_items, 0, np.where(several, multi, 1))


def draw_items(
    rng: np.random.Generator,
    params: SyntheticParams,
    *,
    n_items: np.ndarray,
    persona: np.ndarray,
    catalogue: tuple[pd.DataFrame, pd.DataFrame],
    home: tuple[np.ndarray, np.ndarray],
) -> dict[str, np.ndarray]:
    """Products near each persona's price level, their sellers, price, freight and
    buyer-seller distance, one entry per item."""
    sellers, products = catalogue
    item_order = np.repeat(np.arange(len(n_items)), n_items)
    n_total = len(item_order)
    starts = np.concatenate([[0], np.cumsum(n_items)[:-1]])
    item_seq = np.arange(n_total) - starts[item_order] + 1
    item_persona = persona[item_order]
    target = rng.lognormal(
        np.log(params.persona_array("item_price_median")[item_persona]),
        params.persona_array("item_price_sigma")[item_persona],
    )
    base_price = products["price"].to_numpy()
    by_price = np.argsort(base_price, kind="stable")
    rank = np.searchsorted(base_price[by_price], target) + rng.integers(
        -15, 16, n_total
    )
    product = by_price[np.clip(rank, 0, len(by_price) - 1)]
    same = (item_seq > 1) & (rng.random(n_total) < 0.55)
    product = np.where(same, product[starts[item_order]], product)
    price = np.maximum(
        0.85, np.round(base_price[product] * rng.lognormal(0, 0.04, n_total), 2)
    )
    seller = products["seller"].to_numpy()[product]
    distance = haversine_km(
        home[0][item_order],
        home[1][item_order],
        sellers["lat"].to_numpy()[seller],
        sellers["lng"].to_numpy()[seller],
    )
    weight_kg = products["weight_g"].to_numpy()[product] / 1000
    freight = np.round(
        (10.5 + 0.007 * distance + 2.4 * weight_kg) * rng.lognormal(0, 0.2, n_total), 2
    )
    freight[rng.random(n_total) < 0.0034] = 0.0
    return {
        "order": item_order,
        "seq": item_seq,
        "product": product,
        "seller": seller,
        "price": price,
        "freight": freight,
        "distance": distance,
        "starts": starts,
    }
