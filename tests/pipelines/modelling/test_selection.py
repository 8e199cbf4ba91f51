"""Unit tests of the selection: guards, ranking, intrinsic stability, ranked table."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import Pipeline

from olist_segmentation.pipelines.modelling import selection
from olist_segmentation.pipelines.modelling.candidates import (
    CANDIDATE_COLUMNS,
    METRICS,
    candidate_models,
    combine_candidates,
    evaluate_candidates,
)
from olist_segmentation.pipelines.modelling.model_ops import features_of
from olist_segmentation.pipelines.modelling.nodes import prepare_model_input
from olist_segmentation.pipelines.modelling.selection import (
    intrinsic_stability,
    rank_candidates,
    select_candidate,
)

from .features_factory import FEATURES, make_features, modelling_params

RANKED_EXTRA = [
    "rank_silhouette",
    "rank_calinski_harabasz",
    "rank_davies_bouldin",
    "mean_rank",
    "seed_ari_median",
    "bootstrap_ari_median",
    "rejected_by",
    "passes_guards",
    "position",
]


@pytest.fixture(scope="module")
def evaluated():
    params = modelling_params()
    model_input = prepare_model_input(make_features(60), params)
    tables = [
        evaluate_candidates(model_input, name, params) for name in params.candidates
    ]
    return model_input, combine_candidates(*tables)[0]


def test_ranking_aggregates_three_metrics_with_tie_break():
    rows = [
        ("kmeans_a", 0.5, 100, 1.0, 4),
        ("kmeans_b", 0.4, 300, 0.8, 4),
        ("kmeans_c", 0.6, 200, 1.2, 5),
        ("kmeans_d", 0.6, 200, 1.2, 3),
    ]
    table = pd.DataFrame(rows, columns=["candidate_id", *METRICS, "n_clusters"])
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


def test_selection_picks_the_planted_four_and_reports(evaluated):
    model_input, candidates = evaluated
    model, report, metrics, ranked = select_candidate(
        candidates, model_input, modelling_params()
    )
    assert isinstance(model, Pipeline)
    assert not hasattr(model[-1], "estimator_")  # unfitted: the refit comes next
    winner = report["winner"]
    assert winner["n_clusters"] == 4
    assert report["features"] == FEATURES == features_of(model)
    assert winner["seed_ari_median"] >= 0.9 and winner["bootstrap_ari_median"] >= 0.9
    for metric in METRICS:
        assert metrics[f"selected.{metric}"]["value"] == pytest.approx(winner[metric])
    rejected = report["rejected_by_guard"]
    assert (
        "kmeans_log_standard_n_clusters_2_n_init_2"
        in rejected["n_clusters between 3 and 8"]
    )
    assert rejected["intrinsic stability"] == []
    assert report["why"][0].startswith(f"{winner['candidate_id']} has the best mean")
    assert report["rule"]["guards"][-1].startswith("intrinsic stability")
    json.dumps(report)  # JSON-able
    # ranked_candidates: every candidate once, the winner at position 1
    assert list(ranked.columns) == [*CANDIDATE_COLUMNS, *RANKED_EXTRA]
    assert sorted(ranked["candidate_id"]) == sorted(candidates["candidate_id"])
    assert ranked["candidate_id"].iloc[0] == winner["candidate_id"]
    passing = ranked[ranked["passes_guards"]]
    assert passing["position"].tolist() == list(range(1, len(passing) + 1))
    assert passing["mean_rank"].is_monotonic_increasing
    assert (passing["rejected_by"] == "").all()
    failing = ranked[~ranked["passes_guards"]]
    assert failing["position"].isna().all() and (failing["rejected_by"] != "").all()
    assert ranked["passes_guards"].tolist() == sorted(
        ranked["passes_guards"], reverse=True
    )
    assert report["n_passing"] == len(passing)
    assert [r["candidate_id"] for r in report["runners_up"]] == passing[
        "candidate_id"
    ].iloc[1:4].tolist()


def test_unstable_candidates_are_walked_past(evaluated, monkeypatch):
    model_input, candidates = evaluated
    measured = []

    def fake(model, frame, settings):
        measured.append(model)
        first = len(measured) == 1
        return {"seed_ari_median": 0.5 if first else 0.95, "bootstrap_ari_median": 0.97}

    monkeypatch.setattr(selection, "intrinsic_stability", fake)
    _, report, _, ranked = select_candidate(candidates, model_input, modelling_params())
    unstable = report["rejected_by_guard"]["intrinsic stability"]
    assert len(unstable) == 1 and len(measured) == 2
    row = ranked.set_index("candidate_id").loc[unstable[0]]
    assert not row["passes_guards"] and pd.isna(row["position"])
    assert row["rejected_by"] == (
        "intrinsic stability: seed / bootstrap ARI medians 0.500 / 0.970 < 0.9"
    )
    assert ranked["candidate_id"].iloc[0] == report["winner"]["candidate_id"]
    assert report["winner"]["seed_ari_median"] == 0.95
    assert any("better ranked but unstable" in reason for reason in report["why"])


def test_no_stable_candidate_fails_clearly(evaluated, monkeypatch):
    model_input, candidates = evaluated
    monkeypatch.setattr(
        selection,
        "intrinsic_stability",
        lambda *_: {"seed_ari_median": 0.2, "bootstrap_ari_median": 0.3},
    )
    with pytest.raises(ValueError, match=r"No modelling candidate is intrinsically"):
        select_candidate(candidates, model_input, modelling_params())


def test_intrinsic_stability_of_planted_groups_is_high(evaluated):
    model_input, _ = evaluated
    params = modelling_params()
    models = candidate_models(params.candidates["kmeans"], params)
    good = models["kmeans_log_standard_n_clusters_4_n_init_2"][2]
    bad = models["kmeans_log_standard_n_clusters_5_n_init_2"][2]
    stable = intrinsic_stability(good, model_input, params)
    assert stable["seed_ari_median"] > 0.95
    assert stable["bootstrap_ari_median"] > 0.95
    shaky = intrinsic_stability(bad, model_input, params)
    assert min(shaky.values()) < min(stable.values())


def test_selection_fails_naming_each_guard(evaluated):
    model_input, candidates = evaluated
    table = candidates.assign(n_clusters=2)
    table.loc[table.index[:3], "noise_share"] = 0.5
    with pytest.raises(ValueError) as error:
        select_candidate(table, model_input, modelling_params())
    message = str(error.value)
    assert "No modelling candidate passes the selection guards" in message
    assert f"n_clusters between 3 and 8 rejected {len(table)} of {len(table)}" in (
        message
    )
    assert "noise share <= 0.1 rejected" in message
    assert np.isfinite(candidates["silhouette"]).any()
