"""The ``clv`` pipeline: primary orders -> ``customer_value`` beside the segments.

``purchase_history`` (as of ``feature_engineering.snapshot_date``) -> the purchase
and spend models (MAP fits) -> ``customer_value``; ``segment_value`` sums it per
segment of ``customer_segments``; ``clv_holdout_check`` is the calibration/holdout
check of the purchase model on the same data (docs/clv.md).
"""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from .nodes import (
    check_purchase_model_on_holdout,
    fit_purchase_model,
    fit_spend_model,
    predict_customer_value,
    summarise_purchase_history,
    summarise_value_by_segment,
)


def create_pipeline(**kwargs: Any) -> Pipeline:
    """Summarise, fit, predict, sum per segment; check on a holdout."""
    return Pipeline(
        [
            Node(
                func=summarise_purchase_history,
                inputs=["primary_orders", "params:feature_engineering"],
                outputs="purchase_history",
                name="summarise_purchase_history",
            ),
            Node(
                func=fit_purchase_model,
                inputs=["purchase_history", "params:clv"],
                outputs="clv_purchase_model",
                name="fit_purchase_model",
            ),
            Node(
                func=fit_spend_model,
                inputs=["purchase_history", "params:clv"],
                outputs="clv_spend_model",
                name="fit_spend_model",
            ),
            Node(
                func=predict_customer_value,
                inputs=[
                    "purchase_history",
                    "clv_purchase_model",
                    "clv_spend_model",
                    "id_map",
                ],
                outputs="customer_value",
                name="predict_customer_value",
            ),
            Node(
                func=summarise_value_by_segment,
                inputs=["customer_value", "customer_segments"],
                outputs="segment_value",
                name="summarise_value_by_segment",
            ),
            Node(
                func=check_purchase_model_on_holdout,
                inputs=[
                    "primary_orders",
                    "params:feature_engineering",
                    "params:clv",
                ],
                outputs="clv_holdout_check",
                name="check_purchase_model_on_holdout",
            ),
        ],
        tags=["clv"],
    )
