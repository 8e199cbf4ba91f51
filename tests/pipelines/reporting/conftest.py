"""Small, realistic inputs of the reporting pipeline, in the shapes the pipelines
above write them (the interfaces of the brief), built here by hand so that the
report's tests do not depend on how those pipelines compute them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from olist_segmentation.pipelines.reporting.params import ReportingParams

SEGMENTS = [
    (
        0,
        "recent one-time buyers",
        5200,
        "ordered recently: 40 days before the snapshot",
    ),
    (1, "customers unhappy after a late delivery", 2100, "90% of orders arrived late"),
    (2, "loyal big spenders", 700, "spent 640 BRL in total (median; base 107)"),
]
FEATURES = ["recency_days", "frequency", "monetary", "review_score_mean", "late_share"]
KAGGLE_FILES = [
    "olist_customers_dataset.csv",
    "olist_geolocation_dataset.csv",
    "olist_order_items_dataset.csv",
    "olist_order_payments_dataset.csv",
    "olist_order_reviews_dataset.csv",
    "olist_orders_dataset.csv",
    "olist_products_dataset.csv",
    "olist_sellers_dataset.csv",
    "product_category_name_translation.csv",
]
PUBLISHED = {"14": 0.93, "28": 0.88, "42": 0.80, "56": 0.73, "70": 0.63, "84": 0.57}


def _profiles() -> dict:
    total = sum(size for _, _, size, _ in SEGMENTS)
    segments = [
        {
            "segment": seg,
            "name": name,
            "size": size,
            "share": size / total,
            "traits": [trait, "pay by card or voucher", "mean review score 4.60"],
            "action": f"Action for <{name}> & co",
            "subgroups": [],
        }
        for seg, name, size, trait in SEGMENTS
    ]
    segments[0]["subgroups"] = [
        {
            "name": "repeat buyers",
            "definition": "at least two delivered orders",
            "size": 52,
            "share_of_segment": 0.01,
            "share_of_subgroup": 0.65,
            "traits": ["spent 310 BRL in total (median; rest of the segment 95)"],
        }
    ]
    return {"segments": segments}


def _ranked_candidates() -> pd.DataFrame:
    """The selection's ranking: three passing candidates by position, then one
    rejected; the order deliberately differs from any re-ranking on the metrics
    (the third has the best silhouette)."""
    return pd.DataFrame(
        {
            "candidate_id": ["kmeans_k5", "kmeans_k4", "gmm_k4_full", "dbscan_eps0.5"],
            "algorithm": ["kmeans", "kmeans", "gmm", "dbscan"],
            "params": ['{"n_clusters": 5}', '{"n_clusters": 4}', "{}", "{}"],
            "transform": ["quantile", "quantile", "log_standard", "quantile"],
            "n_clusters": [5, 4, 4, 2],
            "noise_share": [0.0, 0.0, 0.0, 0.01],
            "smallest_cluster_share": [0.09, 0.12, 0.1, 0.3],
            "silhouette": [0.41, 0.40, 0.45, 0.70],
            "calinski_harabasz": [5100.0, 4800.0, 3000.0, 900.0],
            "davies_bouldin": [0.9, 1.0, 1.3, 0.5],
            "fit_seconds": [0.5, 0.6, 1.2, 3.0],
            "passes_guards": [True, True, True, False],
            "rejected_by": ["", "", "", "n_clusters between 4 and 8"],
            "rank_silhouette": [2.0, 3.0, 1.0, np.nan],
            "rank_calinski_harabasz": [1.0, 2.0, 3.0, np.nan],
            "rank_davies_bouldin": [1.0, 2.0, 3.0, np.nan],
            "mean_rank": [1.33, 2.33, 2.33, np.nan],
            "position": [1.0, 2.0, 3.0, np.nan],
        }
    )


def _selection_report() -> dict:
    return {
        "winner": {
            "candidate_id": "kmeans_k5",
            "algorithm": "kmeans",
            "n_clusters": 5,
            "smallest_cluster_share": 0.09,
            "silhouette": 0.41,
            "calinski_harabasz": 5100.0,
            "davies_bouldin": 0.9,
        },
        "features": FEATURES,
        "why": "kmeans_k5 has the best mean rank (1.33) among 3 of 4 candidates",
        "runners_up": [
            {"candidate_id": "kmeans_k4", "mean_rank": 2.33},
            {"candidate_id": "gmm_k4_full", "mean_rank": 2.33},
        ],
        "rule": {
            "guards": ["n_clusters between 4 and 8", "smallest cluster share >= 0.03"],
            "ranking": "mean of the ranks on the three metrics",
            "tie_break": "higher silhouette, then fewer clusters, then candidate id",
        },
        "rejected_by_guard": {
            "n_clusters between 4 and 8": ["dbscan_eps0.5"],
            "smallest cluster share >= 0.03": [],
        },
    }


def _snapshots(n: int = 12) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.date_range("2017-09-01", periods=n, freq="14D"),
            "horizon_days": np.arange(n) * 14,
            "share_final_0": np.linspace(0.55, 0.65, n),
            "share_final_1": np.linspace(0.35, 0.25, n),
            "share_final_2": np.full(n, 0.1),
        }
    )


def _recommendation() -> dict:
    """Every key of the brief's interface, and the older keys still written."""
    ari = dict(zip(PUBLISHED, [0.95, 0.9, 0.84, 0.78, 0.7, 0.62], strict=True))
    return {
        "t0": "2017-09-01",
        "step_days": 14,
        "n_snapshots": 6,
        "window": "trailing window of 365 days",
        "ari_threshold": 0.8,
        "retrain_period_days": 42,
        "retrain_period_weeks": 6.0,
        "retrain_period_interval_weeks": [4.0, 8.0],
        "censored": False,
        "headline": "Retrain every 6 weeks (likely between 4 and 8 weeks)",
        "schedule": "Retrain every 6 weeks (42 days): ARI fell below 0.8 at 56 days",
        "caveat": None,
        "ari_by_horizon": ari,
        "ari_band_by_horizon": {
            d: [a - 0.04, min(a + 0.03, 1.0)] for d, a in ari.items()
        },
        "rescoring": {
            "cadence_days": 7,
            "cost_seconds": 2.4,
            "moved_share_per_step_median": 0.031,
            "persons_at_last_snapshot": 4300,
            "what": "every 7 days, recompute the features as of the day and apply "
            "the frozen model (no refit)",
        },
        "published": {
            "source": "RFM with KMeans k=4 on the full Olist data (FACTS.md)",
            "ari_by_horizon": PUBLISHED,
        },
        "monitoring_signals": {
            "psi_max": {"threshold": 0.2, "first_fired_days": 56, "max_observed": 0.4}
        },
        "early_retrain_triggers": ["max PSI of any model feature above 0.2"],
        "retrain_cost": {
            "median_seconds": 1.3,
            "max_seconds": 1.6,
            "persons_at_last_snapshot": 4300,
            "what": "features as of the snapshot plus one fit",
        },
        "intrinsic_stability": {
            "seed_ari_median": 0.995,
            "bootstrap_ari_median": 0.97,
            "threshold": 0.9,
            "unstable": False,
            "reason": "stable against its own seed and bootstrap resamples",
        },
    }


def _quality() -> dict:
    tables = {
        name: {"rows_read": 100, "rows_kept": 100, "rules": {}} for name in KAGGLE_FILES
    }
    tables["olist_orders_dataset.csv"] = {
        "rows_read": 99441,
        "rows_kept": 99441,
        "rules": {
            "delivered_without_delivery_date": {
                "count": 8,
                "action": "kept with status delivered; is_delivered false",
            },
            "order_without_payment": {"count": 0, "action": "kept"},
        },
    }
    return {
        "tables": tables,
        "primary_rows": {"primary_orders": 99441, "primary_persons": 96096},
        "data_source": {
            "kind": "real",
            "reason": "2 raw files differ from the manifest",
        },
    }


def _segment_value() -> pd.DataFrame:
    """``segment_value`` as the clv pipeline writes it (Gamma-Gamma fitted)."""
    spend = [5200 * 2.1, 2100 * 1.5, 700 * 30.0]
    return pd.DataFrame(
        {
            "segment": [seg for seg, *_ in SEGMENTS],
            "segment_name": [name for _, name, *_ in SEGMENTS],
            "persons": [size for _, _, size, _ in SEGMENTS],
            "p_alive_mean": [1.0, 0.98, 0.61],
            "expected_purchases_90d": [52.0, 17.0, 105.0],
            "expected_spend_90d": spend,
            "expected_spend_90d_mean": [2.1, 1.5, 30.0],
            "expected_spend_share": [s / sum(spend) for s in spend],
            "purchase_model": "BG/NBD",
            "spend_model": "Gamma-Gamma",
        }
    )


def _holdout_check() -> dict:
    return {
        "checked": True,
        "purchase_model": "BG/NBD",
        "calibration_end": "2018-03-01 10:00:00",
        "holdout_days": 180,
        "total": {"actual": 19.0, "predicted": 18.92, "relative_error": -0.0042},
        "tolerance": 0.2,
        "within_tolerance": True,
    }


@pytest.fixture
def report_inputs() -> dict:
    """Every dataset the reporting pipeline reads, keyed by its catalog name."""

    def figure(title: str) -> go.Figure:
        return go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"title": title})

    return {
        "segment_profiles": _profiles(),
        "selection_report": _selection_report(),
        "ranked_candidates": _ranked_candidates(),
        "maintenance_recommendation": _recommendation(),
        "stability_snapshots": _snapshots(),
        "data_quality_report": _quality(),
        "segment_value": _segment_value(),
        "clv_holdout_check": _holdout_check(),
        "params:reporting": ReportingParams(title="Test segments", max_candidates=3),
        **{
            f"{name}_plot": figure(name)
            for name in (
                "segment_sizes",
                "segment_profiles",
                "segment_projection",
                "stability_ari",
                "stability_shares",
                "stability_drift",
            )
        },
    }


@pytest.fixture
def synthetic_inputs(report_inputs) -> dict:
    """The same inputs, with data engineering's verdict that the data is synthetic."""
    quality = {
        **report_inputs["data_quality_report"],
        "data_source": {
            "kind": "synthetic",
            "reason": "every raw file matches data/01_raw/.synthetic_manifest.json",
        },
    }
    return {**report_inputs, "data_quality_report": quality}
