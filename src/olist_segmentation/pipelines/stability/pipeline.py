"""Stability pipeline: snapshots over time -> ARI decay with its band, drift ->
maintenance recommendation."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from . import nodes, origins, plots, recommendation, snapshots

#: What every node that refits over time reads: the history, the production model,
#: the plan and the settings (keyword arguments of the node functions).
HISTORY = {
    "orders": "primary_orders",
    "order_items": "primary_order_items",
    "reviews": "primary_reviews",
    "segmentation_model": "segmentation_model",
    "plan": "stability_plan",
    "params": "params:stability",
    "feature_params": "params:feature_engineering",
}


def create_pipeline(**kwargs) -> Pipeline:
    """Frozen T0 model against refits at T0 + k·step, and the maintenance contract."""
    return Pipeline(
        [
            Node(
                func=snapshots.plan_snapshots,
                inputs=["primary_orders", "params:stability"],
                outputs="stability_plan",
                name="plan_snapshots",
            ),
            Node(
                func=nodes.fit_reference_model,
                inputs=HISTORY,
                outputs=[
                    "stability_reference_model",
                    "stability_reference_features",
                    "stability_reference_replicates",
                ],
                name="fit_reference_model",
            ),
            Node(
                func=nodes.measure_intrinsic_stability,
                inputs=[
                    "stability_reference_features",
                    "stability_reference_model",
                    "stability_reference_replicates",
                    "params:stability",
                ],
                outputs="intrinsic_stability",
                name="measure_intrinsic_stability",
            ),
            Node(
                func=nodes.evaluate_snapshots,
                inputs={
                    **HISTORY,
                    "reference_model": "stability_reference_model",
                    "reference_features": "stability_reference_features",
                    "reference_replicates": "stability_reference_replicates",
                },
                outputs="stability_snapshots",
                name="evaluate_snapshots",
            ),
            Node(
                func=origins.evaluate_origins,
                inputs=HISTORY,
                outputs="stability_origins",
                name="evaluate_origins",
            ),
            Node(
                func=recommendation.recommend_maintenance,
                inputs=[
                    "stability_snapshots",
                    "intrinsic_stability",
                    "stability_origins",
                    "params:stability",
                ],
                outputs="maintenance_recommendation",
                name="recommend_maintenance",
            ),
            Node(
                func=plots.plot_ari_over_time,
                inputs=["stability_snapshots", "maintenance_recommendation"],
                outputs="stability_ari_plot",
                name="plot_ari_over_time",
            ),
            Node(
                func=plots.plot_feature_drift,
                inputs=["stability_snapshots", "params:stability"],
                outputs="stability_drift_plot",
                name="plot_feature_drift",
            ),
            Node(
                func=plots.plot_segment_shares,
                inputs="stability_snapshots",
                outputs="stability_shares_plot",
                name="plot_segment_shares",
            ),
        ],
        tags=["stability"],
    )
