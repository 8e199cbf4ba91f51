"""Customer features as of a snapshot date: the node, and the same on pandas frames.

The engines run one Ibis expression (``features.py``, which also says what is
known at the snapshot): the node ``compute_customer_features`` returns it over the
primary tables, for the catalog to run on DuckDB (default) or Spark (``--env
spark``). ``build_customer_features`` is the same table written a second time, on
pandas: the stability pipeline and the scoring service call it at many snapshot
dates on frames already in memory, where pandas is faster than DuckDB (one
snapshot on synthetic data: 0.24 s against 0.69 s at scale 1, 3.5 s against
16.9 s at scale 10; ``benchmarks/bench_engines.py``).
``tests/pipelines/feature_engineering/test_parity.py`` holds the two, and Spark,
to the same values."""

from __future__ import annotations

import logging
import time
from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from olist_segmentation.domain import MODELLED_PAYMENT_TYPES
from olist_segmentation.engines import as_table

from .features import (
    FEATURE_COLUMNS,
    ITEM_COLUMNS,
    ORDER_COLUMNS,
    REVIEW_COLUMNS,
    customer_features_table,
    require,
    resolve_snapshot,
)
from .params import FeatureEngineeringParams

logger = logging.getLogger(__name__)

DAY = pd.Timedelta(days=1)


def _weighted_shares(delivered: pd.DataFrame, by: pd.Series) -> pd.DataFrame:
    """Payment-type shares of each person's paid value (NaN without payment)."""
    value = delivered["payment_value"].where(delivered["payment_value"] > 0)
    columns = {"_paid": value}
    for kind in MODELLED_PAYMENT_TYPES:
        columns[f"share_{kind}"] = delivered[f"share_{kind}"] * value
    sums = pd.DataFrame(columns).groupby(by, sort=True).sum(min_count=1)
    shares = sums[[f"share_{kind}" for kind in MODELLED_PAYMENT_TYPES]].div(
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
    require(orders, ORDER_COLUMNS, "primary_orders")
    require(order_items, ITEM_COLUMNS, "primary_order_items")
    require(reviews, REVIEW_COLUMNS, "primary_reviews")
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
    primary_orders: pd.DataFrame | ir.Table,
    primary_order_items: pd.DataFrame | ir.Table,
    primary_reviews: pd.DataFrame | ir.Table,
    params: FeatureEngineeringParams,
) -> ir.Table:
    """Node: ``customer_features`` as of ``feature_engineering.snapshot_date``, as an
    expression over the primary tables, run by the catalog on their engine."""
    snapshot = resolve_snapshot(primary_orders, params.snapshot_date)
    logger.info("customer features as of %s", snapshot)
    return customer_features_table(
        as_table(primary_orders),
        as_table(primary_order_items),
        as_table(primary_reviews),
        snapshot,
        bad_review_max=params.bad_review_max,
    )
