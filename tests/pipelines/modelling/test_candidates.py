"""Unit tests of the candidates: the grid as models, metrics, evaluation, combination."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import Pipeline

from olist_segmentation.pipelines.modelling.candidates import (
    CANDIDATE_COLUMNS,
    candidate_id,
    candidate_models,
    combine_candidates,
    evaluate_candidates,
    score_partition,
)
from olist_segmentation.pipelines.modelling.model_ops import features_of
from olist_segmentation.pipelines.modelling.nodes import prepare_model_input

from .features_factory import FEATURES, make_features, modelling_params


def test_candidate_models_are_the_product_of_transforms_and_grid():
    params = modelling_params(transforms=["log_standard", "quantile_uniform"])
    models = candidate_models(params.candidates["gmm"], params)
    assert list(models) == [
        f"gmm_{transform}_covariance_type_diag_n_components_{k}"
        for transform in ("log_standard", "quantile_uniform")
        for k in (3, 4)
    ]
    transform, grid_point, model = models[
        "gmm_quantile_uniform_covariance_type_diag_n_components_4"
    ]
    assert transform == "quantile_uniform"
    assert grid_point == {"n_components": 4, "covariance_type": "diag"}
    assert isinstance(model, Pipeline)
    assert model.get_params()["cluster__estimator__n_components"] == 4
    assert model.get_params()["cluster__fit_sample_size"] == 400
    assert model.get_params()["cluster__random_state"] == params.seed
    assert features_of(model) == FEATURES
    assert candidate_id("dbscan", "log_standard", {"min_samples": 5, "eps": 0.5}) == (
        "dbscan_log_standard_eps_0.5_min_samples_5"
    )


def test_score_partition_counts_noise_and_smallest_cluster():
    rng = np.random.default_rng(0)
    space = np.vstack([rng.normal(0, 0.1, (50, 2)), rng.normal(5, 0.1, (40, 2))])
    space = np.vstack([space, rng.normal(10, 5, (10, 2))])
    labels = np.array([0] * 50 + [1] * 40 + [-1] * 10)
    metrics = score_partition(space, labels, sample_size=60, seed=0)
    assert metrics["n_clusters"] == 2
    assert metrics["noise_share"] == pytest.approx(0.10)
    assert metrics["smallest_cluster_share"] == pytest.approx(0.40)
    assert metrics["silhouette"] > 0.9
    assert metrics["davies_bouldin"] < 0.1
    single = score_partition(space, np.zeros(100, dtype=int), sample_size=60, seed=0)
    assert single["n_clusters"] == 1 and math.isnan(single["silhouette"])


def test_evaluate_candidates_scores_every_grid_point():
    params = modelling_params()
    model_input = prepare_model_input(make_features(60), params)
    table = evaluate_candidates(model_input, "kmeans", params)
    assert list(table.columns) == list(CANDIDATE_COLUMNS)
    assert table["candidate_id"].tolist() == [
        f"kmeans_log_standard_n_clusters_{k}_n_init_2" for k in (2, 3, 4, 5)
    ]
    assert table["n_clusters"].tolist() == [2, 3, 4, 5]
    assert table["transform"].eq("log_standard").all()
    assert table.loc[table["silhouette"].idxmax(), "n_clusters"] == 4
    assert json.loads(table["params"].iloc[2]) == {"n_clusters": 4, "n_init": 2}
    assert table["evaluation_rows"].eq(240).all()


def _row(cid, sil=0.3):
    return {
        "candidate_id": cid,
        "silhouette": sil,
        "calinski_harabasz": 100.0,
        "davies_bouldin": 1.0,
        "n_clusters": 4,
        "noise_share": 0.0,
        "smallest_cluster_share": 0.1,
        "fit_seconds": 1.0,
    }


def test_combine_candidates_and_metrics_dict():
    first = pd.DataFrame([_row("kmeans_a")])
    second = pd.DataFrame([_row("gmm_b", sil=math.nan)])
    table, metrics = combine_candidates(first, second, first.iloc[0:0])
    assert table["candidate_id"].tolist() == ["kmeans_a", "gmm_b"]
    assert metrics["kmeans_a.silhouette"] == {"value": 0.3, "step": 0}
    assert "gmm_b.silhouette" not in metrics  # undefined metrics are not logged
    assert metrics["gmm_b.davies_bouldin"]["value"] == 1.0
    with pytest.raises(ValueError, match="every algorithm produced an empty table"):
        combine_candidates(first.iloc[0:0])
