"""Customer features as of a snapshot date, as one Ibis expression.

The one description of the features: DuckDB runs it on one machine (out of core,
``kedro run``), Spark on a cluster (``kedro run --env spark``, docs/scale.md), and
``build_customer_features`` runs it on pandas frames (in-memory DuckDB).

What is known at the snapshot (everything else is ignored, so nothing leaks):

- an order counts when it was purchased at or before the snapshot *and* delivered
  to the customer at or before it (``is_delivered`` and ``delivered_customer_ts <=
  snapshot``); every behaviour feature is computed on these orders only;
- a review counts when its own ``review_ts`` (``primary_reviews``, one row per
  review) is at or before the snapshot: an order's score is the mean of its
  reviews known by then, so a second review written later does not leak in;
- a person appears when they have at least one such delivered order.

Means skip missing values and are missing without any value (no review yet, no
payment, no distance); the segmenter imputes them.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from olist_segmentation.domain import MODELLED_PAYMENT_TYPES

SECONDS_PER_DAY = 86_400.0

# Every feature, in order, after ``person_key``.
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
    *(f"share_{kind}" for kind in MODELLED_PAYMENT_TYPES),
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
    *(f"share_{kind}" for kind in MODELLED_PAYMENT_TYPES),
    "delivery_delay_days",
    "delivery_days",
    "distance_km",
)
ITEM_COLUMNS = ("order_key", "category")
REVIEW_COLUMNS = ("order_key", "review_score", "review_ts")


def require(table: ir.Table, columns: tuple[str, ...], name: str) -> None:
    """Raise naming the table and the columns it lacks."""
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise ValueError(
            f"{name}: missing column(s) {missing} required by the customer features "
            "(see docs/architecture.md)"
        )


def resolve_snapshot(
    orders: pd.DataFrame | ir.Table, snapshot_date: Any
) -> pd.Timestamp:
    """The snapshot as a timestamp: the given date, or the last purchase if ``None``."""
    if snapshot_date is not None:
        return pd.Timestamp(snapshot_date)
    if isinstance(orders, pd.DataFrame):
        last = orders["purchase_ts"].max() if len(orders) else None
    else:
        last = orders["purchase_ts"].max().execute()
    if last is None or pd.isna(last):
        raise ValueError("primary_orders: no orders, cannot default the snapshot")
    return pd.Timestamp(last)


def _seconds(column: ir.TimestampValue) -> ir.FloatingValue:
    """Seconds since the epoch (the primary timestamps are whole seconds)."""
    return column.epoch_seconds().cast("float64")


def _days_before(snapshot: pd.Timestamp, column: ir.TimestampValue) -> ir.FloatingValue:
    """Days from ``column`` to the snapshot, fractional."""
    return (snapshot.value / 1e9 - _seconds(column)) / SECONDS_PER_DAY


def _share(condition: ir.BooleanValue, known: ir.Value) -> ir.FloatingValue:
    """1.0 / 0.0 for ``condition``, missing where ``known`` is missing."""
    return ibis.ifelse(known.notnull(), condition.cast("float64"), ibis.null("float64"))


def customer_features_table(
    orders: ir.Table,
    order_items: ir.Table,
    reviews: ir.Table,
    snapshot: pd.Timestamp,
    *,
    bad_review_max: int = 2,
) -> ir.Table:
    """One row per person with an order delivered by ``snapshot``, sorted by key.

    ``orders``, ``order_items`` and ``reviews`` are the primary tables
    (``primary_orders``, ``primary_order_items``, ``primary_reviews``) on one
    backend; the result is ``person_key`` and the float64 ``FEATURE_COLUMNS``.
    """
    require(orders, ORDER_COLUMNS, "primary_orders")
    require(order_items, ITEM_COLUMNS, "primary_order_items")
    require(reviews, REVIEW_COLUMNS, "primary_reviews")
    at = ibis.literal(snapshot.to_pydatetime(), type="timestamp")
    delivered = orders.filter(
        orders.is_delivered,
        orders.purchase_ts <= at,
        orders.delivered_customer_ts <= at,
    ).select(*ORDER_COLUMNS)
    known = reviews.filter(reviews.review_ts <= at)
    scores = known.group_by("order_key").aggregate(
        score=known.review_score.cast("float64").mean()
    )
    rows = delivered.left_join(scores, "order_key").select(*delivered.columns, "score")
    paid = ibis.ifelse(rows.payment_value > 0, rows.payment_value, ibis.null("float64"))
    per_person = rows.group_by("person_key").aggregate(
        first=rows.purchase_ts.min(),
        last=rows.purchase_ts.max(),
        # order_key is the key of primary_orders: its count is the distinct orders.
        frequency=rows.order_key.count().cast("float64"),
        monetary=(rows.items_price + rows.freight_value).sum(),
        freight=rows.freight_value.sum(),
        items=rows.n_items.cast("float64").sum(),
        review_score_mean=rows.score.mean(),
        bad_review_share=_share(rows.score <= bad_review_max, rows.score).mean(),
        review_share=rows.score.notnull().cast("float64").mean(),
        delivery_delay_days_mean=rows.delivery_delay_days.mean(),
        late_share=_share(
            rows.delivery_delay_days > 0, rows.delivery_delay_days
        ).mean(),
        delivery_days_mean=rows.delivery_days.mean(),
        distance_km_mean=rows.distance_km.mean(),
        installments_mean=rows.installments.mean(),
        paid=paid.sum(),
        **{
            f"paid_{kind}": (rows[f"share_{kind}"] * paid).sum()
            for kind in MODELLED_PAYMENT_TYPES
        },
    )
    owners = delivered.select("order_key", "person_key")
    items = order_items.select(*ITEM_COLUMNS)
    categories = (
        items.inner_join(owners, "order_key")
        .select("person_key", "category")
        .distinct()
        .group_by("person_key")
        .aggregate(n_categories=ibis._.count().cast("float64"))
    )
    joined = per_person.left_join(categories, "person_key").select(
        *per_person.columns, "n_categories"
    )
    frequency = joined.frequency
    features = joined.mutate(
        recency_days=_days_before(snapshot, joined["last"]),
        avg_order_value=joined.monetary / frequency,
        tenure_days=_days_before(snapshot, joined["first"]),
        # Mean gap between first and last order; 0 for one-time buyers.
        days_between_orders=(_seconds(joined["last"]) - _seconds(joined["first"]))
        / SECONDS_PER_DAY
        / ibis.greatest(frequency - 1, 1),
        items_per_order=joined["items"] / frequency,
        freight_share=ibis.ifelse(
            joined.monetary > 0,
            joined.freight / joined.monetary,
            ibis.null("float64"),
        ),
        n_categories=joined.n_categories.fill_null(0),
        **{
            f"share_{kind}": joined[f"paid_{kind}"] / joined.paid
            for kind in MODELLED_PAYMENT_TYPES
        },
    )
    return features.select(
        "person_key",
        *(features[name].cast("float64").name(name) for name in FEATURE_COLUMNS),
    ).order_by("person_key")
