"""A small customer_features frame with four planted groups, for modelling tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from olist_segmentation.pipelines.feature_engineering.nodes import FEATURE_COLUMNS
from olist_segmentation.pipelines.modelling.params import ModellingParams

# group -> (recency, frequency, monetary, review, delay, installments, boleto)
GROUPS = {
    "recent small": (30, 1, 60, 4.8, -12, 1, 0.1),
    "dormant big": (400, 1, 900, 4.5, -10, 8, 0.0),
    "late unhappy": (150, 1, 120, 1.5, 12, 2, 0.2),
    "repeat": (90, 3, 350, 4.6, -14, 3, 0.9),
}

FEATURES = [
    "recency_days",
    "frequency",
    "monetary",
    "review_score_mean",
    "delivery_delay_days_mean",
    "installments_mean",
    "share_boleto",
]
LOG_FEATURES = ["recency_days", "frequency", "monetary", "installments_mean"]


def make_features(n_per_group: int = 150, seed: int = 0) -> pd.DataFrame:
    """``person_key`` + every feature column; ``group`` holds the planted truth."""
    rng = np.random.default_rng(seed)
    parts = []
    for number, centre in enumerate(GROUPS.values()):
        recency, frequency, monetary, review, delay, installments, boleto = centre
        n = n_per_group
        part = pd.DataFrame(
            {
                "recency_days": recency * rng.lognormal(0, 0.15, n),
                "frequency": np.full(n, float(frequency))
                + rng.integers(0, 2, n) * (frequency > 1),
                "monetary": monetary * rng.lognormal(0, 0.2, n),
                "review_score_mean": np.clip(review + rng.normal(0, 0.3, n), 1, 5),
                "delivery_delay_days_mean": delay + rng.normal(0, 2, n),
                "installments_mean": np.clip(
                    installments + rng.normal(0, 0.5, n), 1, None
                ),
                "share_boleto": np.clip(boleto + rng.normal(0, 0.05, n), 0, 1),
            }
        )
        part["group"] = number
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    for column in FEATURE_COLUMNS:
        if column not in frame:
            frame[column] = rng.normal(0, 1, len(frame))
    # a few missing values, as in the real features (no review yet)
    frame.loc[frame.index[::37], "review_score_mean"] = np.nan
    frame.insert(0, "person_key", np.arange(1, len(frame) + 1, dtype="uint32"))
    return frame[["person_key", *FEATURE_COLUMNS, "group"]]


def modelling_params(**overrides) -> ModellingParams:
    """Small, fast ``modelling`` parameters."""
    params = {
        "features": FEATURES,
        "log_features": LOG_FEATURES,
        "transforms": ["log_standard"],
        "seed": 7,
        "evaluation_sample_size": 1000,
        "silhouette_sample_size": 300,
        "selection": {
            "min_clusters": 3,
            "max_clusters": 8,
            "min_cluster_share": 0.02,
            "max_noise_share": 0.10,
            "runners_up": 3,
            "stability": {
                "seeds": [1, 2],
                "n_bootstrap": 2,
                "min_ari": 0.9,
                "max_candidates": 3,
            },
        },
        "profile": {"n_traits": 3, "projection_sample_size": 200},
        "candidates": {
            "kmeans": {
                "algorithm": "kmeans",
                "fit_sample_size": None,
                "fixed": {"n_init": 2},
                "grid": {"n_clusters": [2, 3, 4, 5]},
            },
            "gmm": {
                "algorithm": "gmm",
                "fit_sample_size": 400,
                "fixed": {},
                "grid": {"n_components": [3, 4], "covariance_type": ["diag"]},
            },
            "dbscan": {
                "algorithm": "dbscan",
                "fit_sample_size": 400,
                "fixed": {},
                "grid": {"eps": [0.8, 1.5], "min_samples": [5]},
            },
            "hdbscan": {
                "algorithm": "hdbscan",
                "fit_sample_size": 400,
                "fixed": {},
                "grid": {"min_cluster_size": [20], "min_samples": [5]},
            },
        },
    }
    params.update(overrides)
    return ModellingParams.model_validate(params)
