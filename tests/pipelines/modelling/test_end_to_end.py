"""End to end through ``KedroSession``: tiny synthetic data -> data_engineering ->
feature_engineering -> modelling; every person gets a segment."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from tests.conftest import copy_project

# A trimmed grid (every algorithm still runs) keeps the test near half a minute.
FAST = {
    "modelling": {
        "evaluation_sample_size": 2000,
        "silhouette_sample_size": 1000,
        "candidates": {
            "kmeans": {"grid": {"n_clusters": [3, 4, 5, 6]}},
            "gmm": {"grid": {"n_components": [4, 6], "covariance_type": ["diag"]}},
            "dbscan": {"grid": {"eps": [0.8], "min_samples": [10]}},
            "hdbscan": {"grid": {"min_cluster_size": [50], "min_samples": [10]}},
        },
    }
}


def _end_mlflow_runs() -> None:
    """kedro-mlflow can leave its run active in this process: close it."""
    import mlflow  # noqa: PLC0415

    while mlflow.active_run():
        mlflow.end_run()


def _latest(folder: Path) -> Path:
    return sorted(folder.glob("*/" + folder.name))[-1]


@pytest.fixture(scope="module")
def segmented_project(request, tmp_path_factory) -> Path:
    """A project copy with tiny synthetic raw data, after the three pipelines."""
    project = copy_project(tmp_path_factory.mktemp("modelling_e2e") / "project")
    bootstrap_project(project)
    try:
        source = request.getfixturevalue("synthetic_project")
    except pytest.FixtureLookupError:
        source = None
    if source is not None:
        shutil.copytree(
            Path(source) / "data" / "01_raw",
            project / "data" / "01_raw",
            dirs_exist_ok=True,
        )
    else:
        with KedroSession.create(
            project, runtime_params={"synthetic": {"scale": 0.02}}
        ) as session:
            session.run(pipeline_names=["synthetic"])
        _end_mlflow_runs()
    try:
        with KedroSession.create(project, runtime_params=FAST) as session:
            session.run(
                pipeline_names=["data_engineering", "feature_engineering", "modelling"]
            )
    finally:
        _end_mlflow_runs()
    return project


@pytest.mark.slow
def test_every_person_gets_a_named_segment(segmented_project):
    data = segmented_project / "data"
    segments = pd.read_parquet(
        _latest(data / "07_model_output" / "customer_segments.parquet")
    )
    features = pd.read_parquet(data / "04_feature" / "customer_features.parquet")
    persons = pd.read_parquet(data / "03_primary" / "primary_persons.parquet")
    id_map = pd.read_parquet(data / "03_primary" / "id_map.parquet")
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
    assert segments["segment_name"].str.len().gt(0).all()
    assert 3 <= segments["segment"].nunique() <= 8


@pytest.mark.slow
def test_reports_and_model_are_written(segmented_project):
    reporting = segmented_project / "data" / "08_reporting"
    models = segmented_project / "data" / "06_models"
    candidates = pd.read_csv(_latest(models / "candidates.csv"))
    assert set(candidates["algorithm"]) == {"kmeans", "gmm", "dbscan", "hdbscan"}
    for name in (
        "selection_report.json",
        "segment_profiles.json",
        "segment_profiles.csv",
        "segment_sizes.json",
        "segment_profiles_heatmap.json",
        "segment_projection.json",
    ):
        assert _latest(reporting / name).stat().st_size > 0
    assert _latest(models / "segmentation_model.pkl").stat().st_size > 0
    assert _latest(models / "selected_spec.json").stat().st_size > 0
