"""Slice tests of the modelling pipeline on an in-memory catalog."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from sklearn.metrics import adjusted_rand_score

from olist_segmentation.pipelines.modelling import create_pipeline
from olist_segmentation.pipelines.modelling.model_ops import features_of
from olist_segmentation.pipelines.modelling.params import ModellingParams
from olist_segmentation.pipelines.modelling.segmenter import ALGORITHMS

from .features_factory import make_features, modelling_params


class KeptDataset(MemoryDataset):
    """A MemoryDataset the runner cannot release, so tests can read every output."""

    def _release(self) -> None:
        return None


def _catalog(features: pd.DataFrame, params: ModellingParams) -> DataCatalog:
    id_map = pd.DataFrame(
        {
            "id_kind": pd.Categorical(["customer_unique_id"] * len(features)),
            "key": features["person_key"].to_numpy(),
            "olist_id": [f"{k:032x}" for k in features["person_key"]],
        }
    )
    datasets = {
        "customer_features": MemoryDataset(features.drop(columns="group")),
        "id_map": MemoryDataset(id_map),
        "params:modelling": MemoryDataset(params),
        "params:modelling.profile.n_traits": MemoryDataset(params.profile.n_traits),
        "params:modelling.profile.projection_sample_size": MemoryDataset(
            params.profile.projection_sample_size
        ),
        "params:modelling.seed": MemoryDataset(params.seed),
    }
    for algorithm in ALGORITHMS:
        datasets[f"params:modelling.candidates.{algorithm}.algorithm"] = MemoryDataset(
            algorithm
        )
    for name in create_pipeline().all_outputs():
        datasets[name] = KeptDataset()
    return DataCatalog(datasets)


@pytest.fixture(scope="module")
def run():
    features = make_features(100)
    catalog = _catalog(features, modelling_params())
    SequentialRunner().run(create_pipeline(), catalog)
    return features, catalog


def test_whole_pipeline_assigns_every_person(run):
    features, catalog = run
    segments = catalog.load("customer_segments")
    assert len(segments) == len(features)
    assert segments["customer_unique_id"].tolist() == [
        f"{k:032x}" for k in features["person_key"]
    ]
    assert segments["segment"].dtype == "int64"
    assert adjusted_rand_score(features["group"], segments["segment"]) > 0.9
    names = catalog.load("segment_names")
    assert set(segments["segment_name"]) == set(names.values())


def test_candidates_selection_and_metrics(run):
    _, catalog = run
    candidates = catalog.load("candidates")
    assert set(candidates["algorithm"]) == set(ALGORITHMS)
    assert len(candidates) == 4 + 2 + 2 + 1
    report = catalog.load("selection_report")
    assert report["winner"]["n_clusters"] == 4
    assert report["features"] == features_of(catalog.load("segmentation_model"))
    ranked = catalog.load("ranked_candidates")
    assert ranked["candidate_id"].iloc[0] == report["winner"]["candidate_id"]
    assert len(ranked) == len(candidates)
    metrics = catalog.load("candidate_metrics")
    assert len(metrics) >= 7 * len(candidates)
    predicted = catalog.load("predicted_segments")
    assert list(predicted.columns) == ["person_key", "segment", "segment_name"]
    profiles = catalog.load("segment_profiles")
    assert len(profiles["segments"]) == 4
    projection = catalog.load("segment_projection_plot")
    assert len(projection.data) == 4  # one trace per segment
    assert sum(len(trace.x) for trace in projection.data) == 200  # the sample


def test_one_namespace_runs_alone():
    features = make_features(40)
    catalog = _catalog(features, modelling_params())
    pipeline = create_pipeline()
    gmm = pipeline.only_nodes_with_namespaces(["gmm"])
    assert [node.name for node in gmm.nodes] == ["gmm.evaluate_candidates"]
    catalog["model_input"] = MemoryDataset(
        features.drop(columns=["group"])[["person_key", *modelling_params().features]]
    )
    SequentialRunner().run(gmm, catalog)
    table = catalog.load("gmm.candidates")
    assert table["candidate_id"].str.startswith("gmm_").all()


def test_inference_half_predicts_unseen_rows(run):
    _, catalog = run
    inference = create_pipeline().only_nodes_with_tags("inference")
    assert inference.inputs() == {"model_input", "segmentation_model", "segment_names"}
    planted = make_features(10, seed=5)
    unseen = planted.drop(columns="group")
    unseen["person_key"] = (unseen["person_key"] + 10_000).astype("uint32")
    small = DataCatalog(
        {
            "model_input": MemoryDataset(
                unseen[["person_key", *modelling_params().features]]
            ),
            "segmentation_model": MemoryDataset(catalog.load("segmentation_model")),
            "segment_names": MemoryDataset(catalog.load("segment_names")),
            "predicted_segments": KeptDataset(),
        }
    )
    SequentialRunner().run(inference, small)
    predicted = small.load("predicted_segments")
    expected = catalog.load("segmentation_model").predict(unseen)
    np.testing.assert_array_equal(predicted["segment"], expected)
    assert predicted["person_key"].tolist() == unseen["person_key"].tolist()
    names = catalog.load("segment_names")
    assert predicted["segment_name"].tolist() == [names[str(s)] for s in expected]
    assert adjusted_rand_score(planted["group"], predicted["segment"]) > 0.9


def test_identical_data_and_seed_give_identical_segments(run):
    features, catalog = run
    again = _catalog(features, modelling_params())
    SequentialRunner().run(create_pipeline(), again)
    first = catalog.load("customer_segments")
    second = again.load("customer_segments")
    assert adjusted_rand_score(first["segment"], second["segment"]) == 1.0
    pd.testing.assert_frame_equal(first, second)
