"""Each person's purchase history in the BG/NBD convention, as of a date.

What is known at a date ``as_of`` is the rule of ``customer_features``: an order
counts when it is delivered (``is_delivered``) and both purchased and delivered to the
customer at or before ``as_of``; its value is ``items_price + freight_value``. So the
persons of ``purchase_history`` are those of ``customer_features`` at the same
snapshot, and nothing after it leaks in.

The summary is pymc-marketing's ``rfm_summary`` (the ``lifetimes`` convention),
counted by day: orders placed on the same day are one purchase (their values
summed), ``frequency`` is the number of purchase days after the first, ``recency``
the time from the first to the last purchase day, ``T`` the time from the first
purchase day to ``as_of`` (both in weeks), ``monetary_value`` the mean value of
the repeat purchases (0 without any), and ``total_value`` the value of all of them,
the first included (the spend fallback's mean order value, ``models.py``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .models import KEY, WEEK_DAYS, pymc_clv

ORDER_COLUMNS = (
    KEY,
    "purchase_ts",
    "is_delivered",
    "delivered_customer_ts",
    "items_price",
    "freight_value",
)
HISTORY_COLUMNS = (KEY, "frequency", "recency", "T", "monetary_value", "total_value")


def known_transactions(orders: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """``person_key``, ``purchase_ts`` and ``value`` of the orders known at ``as_of``."""
    missing = [column for column in ORDER_COLUMNS if column not in orders.columns]
    if missing:
        raise ValueError(
            f"primary_orders: missing column(s) {missing} required by the clv "
            "pipeline (see docs/architecture.md)"
        )
    known = (
        orders["is_delivered"].astype(bool)
        & (orders["purchase_ts"] <= as_of)
        & (orders["delivered_customer_ts"] <= as_of)
    )
    delivered = orders.loc[known]
    return pd.DataFrame(
        {
            KEY: delivered[KEY].to_numpy(),
            "purchase_ts": delivered["purchase_ts"].to_numpy(),
            "value": (delivered["items_price"] + delivered["freight_value"]).to_numpy(),
        }
    )


def summarise(transactions: pd.DataFrame, as_of: Any) -> pd.DataFrame:
    """``HISTORY_COLUMNS`` of every person of ``transactions``, sorted by person."""
    if transactions.empty:
        raise ValueError(
            f"primary_orders: no delivered order known at {as_of}, no purchase history"
        )
    summary = pymc_clv().rfm_summary(
        transactions,
        KEY,
        "purchase_ts",
        monetary_value_col="value",
        observation_period_end=as_of,
        time_unit="D",
        time_scaler=WEEK_DAYS,
    )
    history = summary.rename(columns={"customer_id": KEY})
    totals = transactions.groupby(KEY)["value"].sum()
    history["total_value"] = totals.reindex(history[KEY].to_numpy()).to_numpy()
    history = history[list(HISTORY_COLUMNS)]
    history[KEY] = history[KEY].astype("uint32")
    return history.sort_values(KEY, ignore_index=True)
