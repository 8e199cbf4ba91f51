"""Unit tests of the modelling nodes: model input, metrics, selection, outputs."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from olist_segmentation.pipelines.modelling.nodes import (
    CANDIDATE_COLUMNS,
    build_customer_segments,
    candidate_id,
    combine_candidates,
    evaluate_candidates,
    expand_grid,
    predict_segments,
    prepare_model_input,
    rank_candidates,
    score_partition,
    select_candidate,
)
from olist_segmentation.pipelines.modelling.segmenter import make_segmenter

from .features_factory import FEATURES, make_features, modelling_params


def _candidate(
    cid, *, n_clusters=4, noise=0.0, smallest=0.1, sil=0.3, ch=100.0, db=1.0
):
    return {
        "candidate_id": cid,
        "algorithm": cid.split("_")[0],
        "params": json.dumps({"n": n_clusters}),
        "n_clusters": n_clusters,
        "noise_share": noise,
        "smallest_cluster_share": smallest,
        "silhouette": sil,
        "calinski_harabasz": ch,
        "davies_bouldin": db,
        "fit_seconds": 1.0,
        "predict_seconds": 0.1,
        "fit_rows": 100,
        "spec": json.dumps({"algorithm": cid.split("_")[0], "params": {"id": cid}}),
    }


def test_model_input_keeps_features_and_fills_gaps():
    features = make_features(20)
    model_input = prepare_model_input(features, modelling_params())
    assert list(model_input.columns) == ["person_key", *FEATURES]
    assert not model_input.isna().any().any()
    gap = features["review_score_mean"].isna()
    assert gap.any()
    assert (
        model_input.loc[gap, "review_score_mean"]
        == features["review_score_mean"].median()
    ).all()
    assert features["review_score_mean"].isna().any()  # input untouched


def test_model_input_names_missing_feature():
    with pytest.raises(ValueError, match=r"customer_features.*'monetary'"):
        prepare_model_input(
            make_features(5).drop(columns="monetary"), modelling_params()
        )


def test_unknown_parameter_fails():
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['min_cluster'\]"):
        select_candidate(
            pd.DataFrame([_candidate("kmeans_a")]),
            modelling_params(selection={"min_cluster": 3}),
        )


def test_expand_grid_is_the_product():
    space = modelling_params()["candidates"]["gmm"]
    specs = expand_grid(space, {"features": FEATURES, "seed": 1})
    assert [s["params"] for s in specs] == [
        {"n_components": 3, "covariance_type": "diag"},
        {"n_components": 4, "covariance_type": "diag"},
    ]
    assert all(s["fit_sample_size"] == 400 and s["seed"] == 1 for s in specs)
    assert candidate_id("dbscan", {"min_samples": 5, "eps": 0.5}) == (
        "dbscan_eps_0.5_min_samples_5"
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
    model_input = prepare_model_input(make_features(60), modelling_params())
    params = modelling_params()
    table = evaluate_candidates(model_input, params["candidates"]["kmeans"], params)
    assert list(table.columns) == list(CANDIDATE_COLUMNS)
    assert table["candidate_id"].tolist() == [
        f"kmeans_n_clusters_{k}_n_init_2" for k in (2, 3, 4, 5)
    ]
    assert table["n_clusters"].tolist() == [2, 3, 4, 5]
    best = table.loc[table["silhouette"].idxmax(), "n_clusters"]
    assert best == 4
    spec = json.loads(table["spec"].iloc[2])
    assert spec["params"] == {"n_clusters": 4, "n_init": 2}
    assert make_segmenter(spec).fit(model_input).n_clusters_ == 4


def test_combine_candidates_and_metrics_dict():
    first = pd.DataFrame([_candidate("kmeans_a")])
    second = pd.DataFrame([_candidate("gmm_b", sil=math.nan)])
    table, metrics = combine_candidates(first, second, first.iloc[0:0])
    assert table["candidate_id"].tolist() == ["kmeans_a", "gmm_b"]
    assert metrics["kmeans_a.silhouette"] == {"value": 0.3, "step": 0}
    assert "gmm_b.silhouette" not in metrics  # undefined metrics are not logged
    assert metrics["gmm_b.davies_bouldin"]["value"] == 1.0


def test_ranking_aggregates_three_metrics_with_tie_break():
    table = pd.DataFrame(
        [
            _candidate("kmeans_a", sil=0.5, ch=100, db=1.0),
            _candidate("kmeans_b", sil=0.4, ch=300, db=0.8),
            _candidate("kmeans_c", sil=0.6, ch=200, db=1.2, n_clusters=5),
            _candidate("kmeans_d", sil=0.6, ch=200, db=1.2, n_clusters=3),
        ]
    )
    ranked = rank_candidates(table)
    # b: ranks 4,1,1 -> 2.0; c and d: 1,2,3 -> 2.0; a: 3,4,2 -> 3.0
    # tie on 2.0 broken by silhouette (c, d before b), then fewer clusters (d first)
    assert ranked["candidate_id"].tolist() == [
        "kmeans_d",
        "kmeans_c",
        "kmeans_b",
        "kmeans_a",
    ]
    assert ranked["mean_rank"].tolist() == [2.0, 2.0, 2.0, 3.0]


def test_selection_applies_guards_and_explains():
    table = pd.DataFrame(
        [
            _candidate("kmeans_2", n_clusters=2, sil=0.9, ch=900, db=0.2),
            _candidate("dbscan_a", noise=0.3, sil=0.8, ch=800, db=0.3),
            _candidate("hdbscan_a", smallest=0.01, sil=0.7, ch=700, db=0.4),
            _candidate("kmeans_4", sil=0.4, ch=300, db=0.9),
            _candidate("gmm_4", sil=0.3, ch=200, db=1.1),
        ]
    )
    spec, report, metrics = select_candidate(table, modelling_params())
    assert spec == {"algorithm": "kmeans", "params": {"id": "kmeans_4"}}
    assert report["winner"]["candidate_id"] == "kmeans_4"
    assert [r["candidate_id"] for r in report["runners_up"]] == ["gmm_4"]
    assert report["rejected_by_guard"]["n_clusters between 3 and 8"] == ["kmeans_2"]
    assert report["rejected_by_guard"]["noise share <= 0.1"] == ["dbscan_a"]
    assert report["rejected_by_guard"]["smallest cluster share >= 0.02"] == [
        "hdbscan_a"
    ]
    assert report["n_passing"] == 2
    assert "kmeans_4 has the best mean rank" in report["why"]
    assert "next came gmm_4" in report["why"]
    assert metrics["selected.silhouette"] == {"value": 0.4, "step": 0}
    json.dumps(report)  # JSON-able


def test_selection_fails_naming_each_guard():
    table = pd.DataFrame(
        [
            _candidate("kmeans_2", n_clusters=2),
            _candidate("dbscan_a", noise=0.5),
            _candidate("hdbscan_a", smallest=0.001, noise=0.2),
        ]
    )
    with pytest.raises(ValueError) as error:
        select_candidate(table, modelling_params())
    message = str(error.value)
    assert "No modelling candidate passes the selection guards" in message
    assert "n_clusters between 3 and 8 rejected 1 of 3 (kmeans_2)" in message
    assert "noise share <= 0.1 rejected 2 of 3 (dbscan_a, hdbscan_a)" in message
    assert "smallest cluster share >= 0.02 rejected 1 of 3 (hdbscan_a)" in message


def test_predict_segments_and_customer_segments():
    features = make_features(30)
    model_input = prepare_model_input(features, modelling_params())
    model = make_segmenter(
        {"algorithm": "kmeans", "params": {"n_clusters": 4}, "features": FEATURES}
    ).fit(model_input)
    names = {str(k): f"segment {k}" for k in range(4)}
    predicted = predict_segments(model_input.drop(columns="person_key"), model, names)
    assert list(predicted.columns) == ["segment", "segment_name"]
    predicted = predict_segments(model_input, model, names)
    assert predicted["segment_name"].tolist() == [
        f"segment {k}" for k in predicted["segment"]
    ]
    id_map = pd.DataFrame(
        {
            "id_kind": pd.Categorical(
                ["customer_unique_id"] * len(features) + ["order_id"]
            ),
            "key": np.append(features["person_key"].to_numpy(), 1).astype("uint32"),
            "olist_id": [f"{k:032x}" for k in features["person_key"]] + ["f" * 32],
        }
    )
    segments = build_customer_segments(predicted, id_map)
    assert list(segments.columns) == ["customer_unique_id", "segment", "segment_name"]
    assert segments["customer_unique_id"].tolist() == [
        f"{k:032x}" for k in model_input["person_key"]
    ]
    with pytest.raises(ValueError, match="no name for segment"):
        predict_segments(model_input, model, {"0": "only one"})
    with pytest.raises(ValueError, match="id_map: 1 person_key"):
        build_customer_segments(predicted, id_map.iloc[1:])
