"""The ``feature_engineering`` pipeline: primary tables -> ``customer_features``."""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from .nodes import compute_customer_features


def create_pipeline(**kwargs: Any) -> Pipeline:
    """One node: features as of ``params:feature_engineering.snapshot_date``."""
    return Pipeline(
        [
            Node(
                func=compute_customer_features,
                inputs=[
                    "primary_orders",
                    "primary_order_items",
                    "primary_reviews",
                    "params:feature_engineering",
                ],
                outputs="customer_features",
                name="compute_customer_features",
                tags=["training"],
            )
        ]
    )
