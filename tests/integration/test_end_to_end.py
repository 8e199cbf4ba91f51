"""End to end through ``KedroSession``: the default ``kedro run`` on tiny synthetic
data that ``trained_project`` (this folder's conftest) already made; every person gets a
segment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.validation.exceptions import ParameterValidationError
from sklearn.base import clone

from olist_segmentation.pipelines.modelling.model_ops import features_of, n_segments
from tests.conftest import copy_project
from tests.integration.project_data import load_dataset

pytestmark = pytest.mark.slow


def test_every_person_gets_a_named_segment(trained_project):  # noqa: F811
    segments = load_dataset(trained_project, "customer_segments")
    features = load_dataset(trained_project, "customer_features")
    persons = load_dataset(trained_project, "primary_persons")
    id_map = load_dataset(trained_project, "id_map")
    hex_ids = id_map.loc[id_map["id_kind"] == "customer_unique_id"].set_index("key")[
        "olist_id"
    ]
    assert len(features) > 500
    assert len(segments) == len(features)
    assert segments["customer_unique_id"].is_unique
    assert set(segments["customer_unique_id"]) == set(
        hex_ids.loc[features["person_key"]]
    )
    assert set(features["person_key"]) <= set(persons["person_key"])
    assert segments["customer_unique_id"].str.fullmatch("[0-9a-f]{32}").all()
    names = load_dataset(trained_project, "segment_names")
    assert segments["segment_name"].tolist() == [
        names[str(s)] for s in segments["segment"]
    ]
    assert 4 <= segments["segment"].nunique() <= 8


def test_selection_model_and_segments_agree(trained_project):  # noqa: F811
    report = load_dataset(trained_project, "selection_report")
    ranked = load_dataset(trained_project, "ranked_candidates")
    candidates = load_dataset(trained_project, "candidates")
    model = load_dataset(trained_project, "segmentation_model")
    selected = load_dataset(trained_project, "selected_model")
    model_input = load_dataset(trained_project, "model_input")
    segments = load_dataset(trained_project, "customer_segments")

    assert set(candidates["algorithm"]) == {"kmeans", "gmm", "dbscan", "hdbscan"}
    assert sorted(ranked["candidate_id"]) == sorted(candidates["candidate_id"])
    winner = ranked.iloc[0]
    assert winner["position"] == 1
    assert winner["candidate_id"] == report["winner"]["candidate_id"]
    assert report["features"] == features_of(model) == features_of(selected)
    assert n_segments(model) == report["winner"]["n_clusters"]
    assert report["winner"]["smallest_cluster_share"] >= 0.03
    assert report["winner"]["seed_ari_median"] >= 0.9
    # the persisted model is the selected one refitted on every person
    assert selected.get_params(deep=False).keys() == model.get_params(deep=False).keys()
    labels = model.predict(model_input)
    np.testing.assert_array_equal(segments["segment"], labels)  # model_input order
    np.testing.assert_array_equal(
        clone(selected).fit(model_input).predict(model_input), labels
    )
    profiles = load_dataset(trained_project, "segment_profiles")
    sizes = pd.Series(labels).value_counts()
    assert {card["segment"]: card["size"] for card in profiles["segments"]} == {
        int(segment): int(size) for segment, size in sizes.items()
    }


def test_a_modelling_parameter_typo_stops_the_run_before_any_node(tmp_path):
    project = copy_project(tmp_path / "typo")
    bootstrap_project(project)
    runtime_params = {"modelling": {"selection": {"min_cluster": 3}}}
    with KedroSession.create(project_path=project, runtime_params=runtime_params) as s:
        with pytest.raises(
            ParameterValidationError,
            match=r"ModellingParams[\s\S]*selection\.min_cluster\n  Extra inputs",
        ):
            s.run(pipeline_names=["modelling"])
    assert not any((project / "data" / "05_model_input").iterdir())
