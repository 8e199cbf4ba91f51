"""Stability pipeline: snapshots over time -> ARI decay, drift -> maintenance recommendation."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from . import nodes


def create_pipeline(**kwargs) -> Pipeline:
    """Frozen T0 model against refits at T0 + k·step, and the retraining recommendation."""
    return Pipeline(
        [
            Node(
                func=nodes.plan_snapshots,
                inputs=["primary_orders", "params:stability"],
                outputs="stability_plan",
                name="plan_snapshots",
            ),
            Node(
                func=nodes.fit_reference_model,
                inputs=[
                    "primary_orders",
                    "primary_order_items",
                    "primary_reviews",
                    "selected_spec",
                    "stability_plan",
                    "params:feature_engineering",
                ],
                outputs=["stability_reference_model", "stability_reference_features"],
                name="fit_reference_model",
            ),
            Node(
                func=nodes.measure_intrinsic_stability,
                inputs=[
                    "stability_reference_features",
                    "selected_spec",
                    "params:stability",
                ],
                outputs="intrinsic_stability",
                name="measure_intrinsic_stability",
            ),
            Node(
                func=nodes.evaluate_snapshots,
                inputs={
                    "orders": "primary_orders",
                    "order_items": "primary_order_items",
                    "reviews": "primary_reviews",
                    "selected_spec": "selected_spec",
                    "reference_model": "stability_reference_model",
                    "reference_features": "stability_reference_features",
                    "segmentation_model": "segmentation_model",
                    "plan": "stability_plan",
                    "params": "params:stability",
                    "feature_params": "params:feature_engineering",
                },
                outputs="stability_snapshots",
                name="evaluate_snapshots",
            ),
            Node(
                func=nodes.recommend_maintenance,
                inputs=[
                    "stability_snapshots",
                    "intrinsic_stability",
                    "selected_spec",
                    "params:stability",
                ],
                outputs="maintenance_recommendation",
                name="recommend_maintenance",
            ),
            Node(
                func=nodes.plot_ari_over_time,
                inputs=["stability_snapshots", "maintenance_recommendation"],
                outputs="stability_ari_plot",
                name="plot_ari_over_time",
            ),
            Node(
                func=nodes.plot_feature_drift,
                inputs=["stability_snapshots", "params:stability"],
                outputs="stability_drift_plot",
                name="plot_feature_drift",
            ),
            Node(
                func=nodes.plot_segment_shares,
                inputs="stability_snapshots",
                outputs="stability_shares_plot",
                name="plot_segment_shares",
            ),
        ],
        tags=["stability"],
    )
