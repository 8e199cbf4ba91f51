"""Stability pipeline: snapshots over time -> ARI decay with its band, drift ->
maintenance recommendation."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from . import fits, nodes, origins, plots, recommendation, snapshots


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
                func=fits.compute_snapshot_features,
                inputs={
                    "orders": "primary_orders",
                    "order_items": "primary_order_items",
                    "reviews": "primary_reviews",
                    "segmentation_model": "segmentation_model",
                    "plan": "stability_plan",
                    "params": "params:stability",
                    "feature_params": "params:feature_engineering",
                },
                outputs=["stability_snapshot_features", "stability_feature_seconds"],
                name="compute_snapshot_features",
            ),
            Node(
                func=fits.fit_snapshot_models,
                inputs=[
                    "stability_snapshot_features",
                    "segmentation_model",
                    "primary_orders",
                    "stability_plan",
                    "params:stability",
                ],
                outputs=[
                    "stability_fits",
                    "stability_reference_model",
                    "stability_curves",
                ],
                name="fit_snapshot_models",
            ),
            Node(
                func=nodes.measure_intrinsic_stability,
                inputs=[
                    "stability_snapshot_features",
                    "stability_fits",
                    "stability_plan",
                    "params:stability",
                ],
                outputs="intrinsic_stability",
                name="measure_intrinsic_stability",
            ),
            Node(
                func=nodes.evaluate_snapshots,
                inputs={
                    "orders": "primary_orders",
                    "snapshot_features": "stability_snapshot_features",
                    "feature_seconds": "stability_feature_seconds",
                    "fits": "stability_fits",
                    "curves": "stability_curves",
                    "segmentation_model": "segmentation_model",
                    "plan": "stability_plan",
                    "params": "params:stability",
                },
                outputs="stability_snapshots",
                name="evaluate_snapshots",
            ),
            Node(
                func=origins.evaluate_origins,
                inputs=[
                    "stability_snapshot_features",
                    "stability_fits",
                    "stability_curves",
                    "stability_plan",
                    "params:stability",
                ],
                outputs="stability_origins",
                name="evaluate_origins",
            ),
            Node(
                func=recommendation.recommend_maintenance,
                inputs=[
                    "stability_snapshots",
                    "intrinsic_stability",
                    "stability_origins",
                    "stability_curves",
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
