"""Orders of a simulated customer base whose buying process is known, for tests.

Each person arrives at a uniform date of the first ``span_days`` days and buys then;
while alive, they buy at a personal Poisson rate (``Gamma(r, alpha)`` per week), and
right after each purchase, the first included, they leave with a personal probability
(``Beta(a, b)``): the MBG/NBD process. Order values are Gamma around a personal mean.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

START = pd.Timestamp("2017-01-01")
WEEK = pd.Timedelta(days=7)


def _purchase_weeks(rng, rate: float, dropout: float, horizon: float) -> list[float]:
    weeks = [0.0]
    while rng.random() >= dropout:
        step = rng.exponential(1 / rate)
        if weeks[-1] + step > horizon:
            break
        weeks.append(weeks[-1] + step)
    return weeks


def simulated_orders(
    persons: int = 600,
    span_days: int = 540,
    *,
    r: float = 0.6,
    alpha: float = 10.0,
    a: float = 0.8,
    b: float = 2.0,
    seed: int = 7,
) -> pd.DataFrame:
    """``primary_orders`` columns the clv pipeline reads (+ ``order_key``), all
    delivered 5 days after purchase, over ``span_days`` days from ``START``."""
    rng = np.random.default_rng(seed)
    end_week = span_days / 7
    rows = []
    for person in range(persons):
        arrival = rng.uniform(0, end_week)
        rate = rng.gamma(r, 1 / alpha)
        dropout = rng.beta(a, b)
        mean_value = rng.gamma(6, 25)
        for week in _purchase_weeks(rng, rate, dropout, end_week - arrival):
            purchase = START + (arrival + week) * WEEK
            rows.append(
                {
                    "order_key": len(rows),
                    "person_key": person,
                    "purchase_ts": purchase.floor("s"),
                    "is_delivered": True,
                    "delivered_customer_ts": (purchase + pd.Timedelta(days=5)).floor(
                        "s"
                    ),
                    "items_price": float(rng.gamma(4, mean_value / 4)),
                    "freight_value": 15.0,
                }
            )
    orders = pd.DataFrame(rows)
    orders[["order_key", "person_key"]] = orders[["order_key", "person_key"]].astype(
        "uint32"
    )
    return orders


def id_map_of(orders: pd.DataFrame) -> pd.DataFrame:
    """An ``id_map`` with a 32-hex ``customer_unique_id`` for every person."""
    keys = np.sort(orders["person_key"].unique())
    return pd.DataFrame(
        {
            "id_kind": pd.Categorical(["customer_unique_id"] * len(keys)),
            "key": keys.astype("uint32"),
            "olist_id": [f"{key:032x}" for key in keys],
        }
    )
