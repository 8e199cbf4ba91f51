"""Customer features as of a snapshot date.

``build_customer_features`` is a plain function so that the stability pipeline can
call it at every snapshot date; the node ``compute_customer_features`` wraps it with
the parameters of ``conf/base/parameters_feature_engineering.yml``.

What is known at the snapshot (everything else is ignored, so nothing leaks):

- an order counts when it was purchased at or before the snapshot *and* delivered
  to the customer at or before it (``is_delivered`` and ``delivered_customer_ts <=
  snapshot``); every behaviour feature is computed on these orders only;
- a review counts when its own ``review_ts`` (``primary_reviews``, one row per
  review) is at or before the snapshot: an order's score is the mean of its
  reviews known by then, so a second review written later does not leak in;
- a person appears when they have at least one such delivered order.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pandas as pd

from .params import FeatureEngineeringParams

logger = logging.getLogger(__name__)

DAY = pd.Timedelta(days=1)
PAYMENT_TYPES = ("credit_card", "boleto", "voucher", "debit_card")

# Every feature the function returns, in order, after ``person_key``.
FEATURE_COLUMNS = (
    "recency_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "tenure_days",
    "days_between_orders",
    "items_per_order",
    "freight_share",
    "review_score_mean",
    "bad_review_share",
    "review_share",
    "delivery_delay_days_mean",
    "late_share",
    "delivery_days_mean",
    "distance_km_mean",
    "installments_mean",
    *(f"share_{kind}" for kind in PAYMENT_TYPES),
    "n_categories",
)

ORDER_COLUMNS = (
    "order_key",
    "person_key",
    "purchase_ts",
    "is_delivered",
    "delivered_customer_ts",
    "items_price",
    "freight_value",
    "n_items",
    "payment_value",
    "installments",
    *(f"share_{kind}" for kind in PAYMENT_TYPES),
    "delivery_delay_days",
    "delivery_days",
    "distance_km",
)
ITEM_COLUMNS = ("order_key", "category")
REVIEW_COLUMNS = ("order_key", "review_score", "review_ts")


def _require(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"{name}: missing column(s) {missing} required by build_customer_features "
            "(see docs/architecture.md)"
        )


def resolve_snapshot(orders: pd.DataFrame, snapshot_date: Any) -> pd.Timestamp:
    """The snapshot as a timestamp: the given date, or the last purchase if ``None``."""
    if snapshot_date is None:
        if orders.empty:
            raise ValueError("primary_orders: no orders, cannot default the snapshot")
        return pd.Timestamp(orders["purchase_ts"].max())
    return pd.Timestamp(snapshot_date)


def _weighted_shares(delivered: pd.DataFrame, by: pd.Series) -> pd.DataFrame:
    """Payment-type shares of each person's paid value (NaN without payment)."""
    value = delivered["payment_value"].where(delivered["payment_value"] > 0)
    columns = {"_paid": value}
    for kind in PAYMENT_TYPES:
        columns[f"share_{kind}"] = delivered[f"share_{kind}"] * value
    sums = pd.DataFrame(columns).groupby(by, sort=True).sum(min_count=1)
    shares = sums[[f"share_{kind}" for kind in PAYMENT_TYPES]].div(
        sums["_paid"], axis=0
    )
    return shares


def _review_scores(
    reviews: pd.DataFrame, order_keys: pd.Series, snapshot: pd.Timestamp
) -> pd.Series:
    """Mean score of each order's reviews dated at or before ``snapshot`` (else NaN)."""
    known = reviews.loc[reviews["review_ts"] <= snapshot, list(REVIEW_COLUMNS)]
    per_order = known.groupby("order_key", sort=False)["review_score"].mean()
    return order_keys.map(per_order).astype("float64")


def build_customer_features(
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    reviews: pd.DataFrame,
    snapshot_date: Any = None,
    *,
    bad_review_max: int = 2,
) -> pd.DataFrame:
    """One row per person with at least one order delivered by ``snapshot_date``.

    Args:
        orders: ``primary_orders`` (docs/architecture.md).
        order_items: ``primary_order_items`` (only ``order_key`` and ``category``).
        reviews: ``primary_reviews``, one row per review (``order_key``,
            ``review_score``, ``review_ts``).
        snapshot_date: anything ``pd.Timestamp`` accepts, or ``None`` for the last
            purchase timestamp in ``orders``. Events at or before it count.
        bad_review_max: review scores at or below it are bad reviews.

    Returns:
        ``person_key`` (uint32) and the float columns of ``FEATURE_COLUMNS``, sorted
        by ``person_key``. Features without evidence stay NaN (no review yet, no
        payment, no distance); the segmenter imputes them.
    """
    _require(orders, ORDER_COLUMNS, "primary_orders")
    _require(order_items, ITEM_COLUMNS, "primary_order_items")
    _require(reviews, REVIEW_COLUMNS, "primary_reviews")
    started = time.perf_counter()
    snapshot = resolve_snapshot(orders, snapshot_date)

    known = (
        orders["is_delivered"].astype(bool)
        & (orders["purchase_ts"] <= snapshot)
        & (orders["delivered_customer_ts"] <= snapshot)
    )
    delivered = orders.loc[known, list(ORDER_COLUMNS)]
    person = delivered["person_key"]
    grouped = delivered.groupby(person, sort=True)

    order_value = delivered["items_price"] + delivered["freight_value"]
    score = _review_scores(reviews, delivered["order_key"], snapshot)
    reviewed = score.notna()
    bad = (score <= bad_review_max).astype(float).where(score.notna())
    delay = delivered["delivery_delay_days"]
    late = (delay > 0).astype(float).where(delay.notna())

    first = grouped["purchase_ts"].min()
    last = grouped["purchase_ts"].max()
    frequency = grouped["order_key"].nunique().astype(float)
    per_person = pd.DataFrame(
        {
            "_value": order_value,
            "_freight": delivered["freight_value"],
            "_items": delivered["n_items"].astype(float),
            "_score": score,
            "_bad": bad,
            "_reviewed": reviewed.astype(float),
            "_delay": delay,
            "_late": late,
            "_days": delivered["delivery_days"],
            "_distance": delivered["distance_km"],
            "_installments": delivered["installments"],
        }
    ).groupby(person, sort=True)
    sums = per_person[["_value", "_freight", "_items"]].sum()
    means = per_person[
        ["_score", "_bad", "_reviewed", "_delay", "_late", "_days", "_distance"]
    ].mean()
    installments = per_person["_installments"].mean()

    features = pd.DataFrame(index=frequency.index)
    features["recency_days"] = (snapshot - last) / DAY
    features["frequency"] = frequency
    features["monetary"] = sums["_value"]
    features["avg_order_value"] = sums["_value"] / frequency
    features["tenure_days"] = (snapshot - first) / DAY
    # Mean gap between first and last order; 0 for one-time buyers.
    features["days_between_orders"] = ((last - first) / DAY) / np.maximum(
        frequency - 1, 1
    )
    features["items_per_order"] = sums["_items"] / frequency
    features["freight_share"] = (sums["_freight"] / sums["_value"]).where(
        sums["_value"] > 0
    )
    features["review_score_mean"] = means["_score"]
    features["bad_review_share"] = means["_bad"]
    features["review_share"] = means["_reviewed"]
    features["delivery_delay_days_mean"] = means["_delay"]
    features["late_share"] = means["_late"]
    features["delivery_days_mean"] = means["_days"]
    features["distance_km_mean"] = means["_distance"]
    features["installments_mean"] = installments
    features = features.join(_weighted_shares(delivered, person))

    items = order_items.loc[
        order_items["order_key"].isin(delivered["order_key"]), list(ITEM_COLUMNS)
    ]
    owner = pd.Series(
        delivered["person_key"].to_numpy(), index=delivered["order_key"].to_numpy()
    )
    categories = (
        pd.DataFrame(
            {
                "person_key": owner.reindex(items["order_key"].to_numpy()).to_numpy(),
                "category": items["category"].astype(str).to_numpy(),
            }
        )
        .drop_duplicates()
        .groupby("person_key", sort=True)
        .size()
    )
    features["n_categories"] = (
        categories.reindex(features.index).fillna(0).astype(float)
    )

    features = features[list(FEATURE_COLUMNS)].astype("float64")
    features.index = features.index.astype("uint32")
    features = features.rename_axis("person_key").reset_index()
    logger.info(
        "customer features as of %s: %d persons from %d of %d orders "
        "(purchased and delivered by then), %.2f s",
        snapshot,
        len(features),
        len(delivered),
        len(orders),
        time.perf_counter() - started,
    )
    return features


def compute_customer_features(
    primary_orders: pd.DataFrame,
    primary_order_items: pd.DataFrame,
    primary_reviews: pd.DataFrame,
    params: FeatureEngineeringParams,
) -> pd.DataFrame:
    """Node: ``customer_features`` as of ``feature_engineering.snapshot_date``."""
    return build_customer_features(
        primary_orders,
        primary_order_items,
        primary_reviews,
        params.snapshot_date,
        bad_review_max=params.bad_review_max,
    )
