"""Each customer's expected value beside their segment, as the front door serves it.

A known customer's figures are the served run's ``customer_value`` row; per segment
they are ``summarise_value_by_segment`` of that run (the ``segment_value`` the report
shows). Customers sent by their orders get the run's own fits (``clv_purchase_model``
and ``clv_spend_model``, or the fallbacks that stood in for them) applied to the
purchase history the clv pipeline would build from those orders, as of ``as_of``.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from olist_segmentation.pipelines.clv import models
from olist_segmentation.pipelines.clv.history import known_transactions, summarise
from olist_segmentation.pipelines.clv.nodes import (
    VALUE_COLUMNS,
    summarise_value_by_segment,
)
from olist_segmentation.serving.orders import CustomerHistory, primary_from_orders

#: What a segment's answer carries (``segment_value`` columns).
SEGMENT_FIELDS = (
    "p_alive_mean",
    "expected_purchases_90d",
    "expected_spend_90d",
    "expected_spend_90d_mean",
    "expected_spend_share",
)


def _clean(value: Any) -> Any:
    """JSON-able: NaN and missing as ``None``, numpy scalars as Python ones."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def fields_of(row: pd.Series, names: tuple[str, ...] = VALUE_COLUMNS) -> dict[str, Any]:
    """``names`` of a ``customer_value`` (or ``segment_value``) row."""
    return {name: _clean(row[name]) for name in names}


def value_of(customer_value: pd.DataFrame, customer_unique_id: str) -> dict[str, Any]:
    """A known customer's figures (``customer_value`` indexed by the Olist id)."""
    return fields_of(customer_value.loc[customer_unique_id])


def segment_values(
    customer_value: pd.DataFrame, customer_segments: pd.DataFrame
) -> dict[int, dict[str, Any]]:
    """Per segment id, its ``SEGMENT_FIELDS`` (both tables indexed by the Olist id)."""
    summary = summarise_value_by_segment(
        customer_value.reset_index(), customer_segments.reset_index()
    )
    return {
        int(row["segment"]): fields_of(row, SEGMENT_FIELDS)
        for _, row in summary.iterrows()
    }


def values_from_orders(
    customers: list[CustomerHistory],
    as_of: pd.Timestamp,
    purchase_fit: Any,
    spend_fit: Any,
) -> dict[int, dict[str, Any]]:
    """Per position in ``customers``, the figures of those with an order delivered
    by ``as_of`` (the rule of the clv pipeline's purchase history)."""
    primary, _, _ = primary_from_orders(customers)
    transactions = known_transactions(primary, as_of)
    if transactions.empty:
        return {}
    history = summarise(transactions, as_of)
    value = models.customer_value(purchase_fit, spend_fit, history)
    return {int(row[models.KEY]): fields_of(row) for _, row in value.iterrows()}
