"""Small, realistic inputs of the reporting pipeline (what the pipelines above write)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from olist_segmentation.pipelines.stability import plots as stability
from olist_segmentation.pipelines.stability.params import StabilityParams
from olist_segmentation.pipelines.stability.recommendation import recommend_maintenance

SEGMENTS = [
    (0, "Recent one-time buyers", 5200, "Bought once, in the last 3 months"),
    (1, "Disappointed by late deliveries", 2100, "Deliveries 9 days late on average"),
    (2, "Loyal big spenders", 700, "Spend 4.1x the median customer"),
]


@pytest.fixture
def report_inputs() -> dict:
    """Every dataset the reporting pipeline reads, keyed by its catalog name."""
    total = sum(size for _, _, size, _ in SEGMENTS)
    profiles = {
        "segments": [
            {
                "segment": seg,
                "name": name,
                "size": size,
                "share": size / total,
                "traits": [trait, "Pay by credit card", "Mostly from SP"],
                "action": f"Action for <{name}> & co",
            }
            for seg, name, size, trait in SEGMENTS
        ]
    }
    spec = {
        "algorithm": "kmeans",
        "params": {"n_clusters": 3},
        "features": ["recency_days", "frequency", "monetary"],
        "log_features": ["monetary"],
        "scaler": "standard",
        "seed": 42,
        "fit_sample_size": None,
    }
    ids = ["kmeans_k3", "kmeans_k4", "gmm_k3_full", "dbscan_eps0.5_ms10"]
    candidates = pd.DataFrame(
        {
            "candidate_id": ids,
            "algorithm": ["kmeans", "kmeans", "gmm", "dbscan"],
            "params": ['{"n_clusters": 3}', '{"n_clusters": 4}', "{}", "{}"],
            "n_clusters": [3, 4, 3, 2],
            "noise_share": [0.0, 0.0, 0.0, 0.01],
            "smallest_cluster_share": [0.09, 0.05, 0.1, 0.3],
            "silhouette": [0.41, 0.38, 0.30, 0.70],
            "calinski_harabasz": [5100.0, 4800.0, 3000.0, 900.0],
            "davies_bouldin": [0.9, 1.0, 1.3, 0.5],
            "fit_seconds": [0.5, 0.6, 1.2, 3.0],
            "predict_seconds": [0.1, 0.1, 0.1, 0.2],
            "fit_rows": [8000, 8000, 8000, 5000],
            "spec": ["{}"] * 4,
        }
    )
    selection_report = {
        "winner": {"candidate_id": "kmeans_k3", "algorithm": "kmeans"},
        "why": "kmeans_k3 has the best mean rank (1.00) among 3 of 4 candidates",
        "runners_up": [{"candidate_id": "kmeans_k4", "mean_rank": 2.0}],
        "rule": {
            "guards": ["n_clusters between 3 and 8", "noise share <= 0.1"],
            "ranking": "mean of the ranks on the three metrics",
            "tie_break": "higher silhouette, then fewer clusters, then candidate id",
        },
        "rejected_by_guard": {
            "n_clusters between 3 and 8": ["dbscan_eps0.5_ms10"],
            "noise share <= 0.1": [],
        },
        "n_candidates": 4,
        "n_passing": 3,
        "selected_spec": spec,
    }
    n = 12
    dates = pd.date_range("2017-09-01", periods=n, freq="14D")
    snapshots = pd.DataFrame(
        {
            "snapshot": np.arange(n),
            "date": dates,
            "horizon_days": np.arange(n) * 14,
            "n_persons": 1000 + np.arange(n) * 300,
            "ari_cohort": np.r_[1.0, np.linspace(0.97, 0.55, n - 1)],
            "ari_median": np.r_[1.0, np.linspace(0.97, 0.55, n - 1)],
            "ari_low": np.r_[0.95, np.linspace(0.92, 0.5, n - 1)],
            "ari_high": np.r_[1.0, np.linspace(0.99, 0.6, n - 1)],
            "m0_step_churn": np.full(n, 0.01),
            "predict_seconds": np.full(n, 0.05),
            "ari_new": np.r_[np.nan, np.linspace(0.9, 0.5, n - 1)],
            "new_person_share": np.linspace(0, 0.6, n),
            "recent_mix_shift": np.linspace(0, 0.05, n),
            "psi_max": np.linspace(0, 0.4, n),
            "psi_monetary": np.linspace(0, 0.4, n),
            "psi_recency_days": np.linspace(0, 0.1, n),
            "share_shift_max": np.linspace(0, 0.08, n),
            "features_seconds": np.full(n, 0.4),
            "refit_seconds": np.full(n, 0.9),
            "share_m0_0": np.full(n, 0.6),
            "share_m0_1": np.full(n, 0.4),
            "share_final_0": np.linspace(0.55, 0.65, n),
            "share_final_1": np.linspace(0.35, 0.25, n),
            "share_final_2": np.full(n, 0.1),
        }
    )
    intrinsic = {
        "seed_ari": [1.0, 0.99],
        "bootstrap_ari": [0.97],
        "seed_ari_median": 0.995,
        "bootstrap_ari_median": 0.97,
        "threshold": 0.8,
        "unstable": False,
        "reason": "stable against its own seed and bootstrap resamples",
    }
    recommendation = recommend_maintenance(
        snapshots, intrinsic, StabilityParams(step_days=14)
    )
    quality = {
        "tables": {
            "olist_orders_dataset.csv": {
                "rows_read": 99441,
                "rows_kept": 99441,
                "rules": {
                    "delivered_without_delivery_date": {
                        "count": 8,
                        "action": "kept with status delivered; is_delivered false",
                    },
                    "order_without_payment": {"count": 0, "action": "kept"},
                },
            },
            "olist_customers_dataset.csv": {
                "rows_read": 99441,
                "rows_kept": 99441,
                "rules": {},
            },
        },
        "primary_rows": {"primary_orders": 99441, "primary_persons": 96096},
    }

    def figure(title: str) -> go.Figure:
        return go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"title": title})

    return {
        "segment_profiles": profiles,
        "selection_report": selection_report,
        "candidates": candidates,
        "selected_spec": spec,
        "maintenance_recommendation": recommendation,
        "stability_snapshots": snapshots,
        "data_quality_report": quality,
        "params:reporting": {"title": "Test segments", "max_candidates": 3},
        "segment_sizes_plot": figure("sizes"),
        "segment_profiles_plot": figure("profiles"),
        "segment_projection_plot": figure("projection"),
        "stability_ari_plot": stability.plot_ari_over_time(snapshots, recommendation),
        "stability_shares_plot": stability.plot_segment_shares(snapshots),
        "stability_drift_plot": stability.plot_feature_drift(
            snapshots, StabilityParams(step_days=14)
        ),
    }
