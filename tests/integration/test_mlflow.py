"""What ``kedro run --pipelines=training`` leaves in MLflow, and the packaged model on
rows it never saw."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient
from sklearn.base import clone

from olist_segmentation.pipelines.training.mlflow_packaging import (
    MODEL_ARTIFACTS,
    RUN_ARTIFACT_PATH,
    RUN_ARTIFACTS,
    TRAINING_WINDOW,
)
from olist_segmentation.serving.run import load_served_run
from tests.integration.conftest import EXPERIMENT, REGISTERED_MODEL, tracking_uri
from tests.integration.project_data import load_dataset
from tests.integration.registry import save_version_of

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(trained_project) -> MlflowClient:
    return MlflowClient(tracking_uri=tracking_uri(trained_project))


@pytest.fixture(scope="module")
def training_run(client):
    experiment = client.get_experiment_by_name(EXPERIMENT)
    runs = client.search_runs(
        [experiment.experiment_id], filter_string="tags.mlflow.runName = 'training'"
    )
    assert len(runs) == 1, "one MLflow run per `kedro run`"
    return runs[0]


def test_one_finished_run_per_kedro_run(client):
    experiment = client.get_experiment_by_name(EXPERIMENT)
    runs = client.search_runs([experiment.experiment_id])
    # `kedro run --pipelines=training` then `kedro run --pipelines=modelling`
    assert sorted(r.info.run_name for r in runs) == ["modelling", "training"]
    assert {r.info.status for r in runs} == {"FINISHED"}


def test_run_logs_every_pipelines_parameters_flattened(training_run):
    params = training_run.data.params
    # conf/base values, and the runtime override of the fixture (FAST).
    assert params["data_engineering.brazil_bounding_box.lat_min"] == "-33.75"
    assert params["feature_engineering.bad_review_max"] == "2"
    assert params["stability.step_days"] == "42"
    assert params["modelling.candidates.gmm.grid.n_components"] == "[3, 4]"
    for pipeline in ("data_engineering", "feature_engineering", "modelling"):
        assert pipeline not in params, f"{pipeline} logged as one repr"


def test_run_logs_every_candidates_metrics(trained_project, training_run):
    candidates = load_dataset(trained_project, "candidates")
    assert set(candidates["algorithm"]) == {"kmeans", "gmm", "dbscan", "hdbscan"}
    metrics = training_run.data.metrics
    for row in candidates.itertuples(index=False):
        assert metrics[f"candidates.{row.candidate_id}.n_clusters"] == row.n_clusters
        assert f"candidates.{row.candidate_id}.fit_seconds" in metrics


def test_run_logs_the_selected_candidates_metrics(trained_project, training_run):
    selected = [k for k in training_run.data.metrics if k.startswith("selected.")]
    assert {"selected.silhouette", "selected.n_clusters"} <= set(selected), selected


def test_model_is_logged_and_registered(client, training_run):
    versions = client.search_model_versions(f"name = '{REGISTERED_MODEL}'")
    assert len(versions) == 1
    assert versions[0].run_id == training_run.info.run_id


def test_model_carries_only_this_runs_artifacts(trained_project, tmp_path):
    import mlflow  # noqa: PLC0415

    mlflow.set_tracking_uri(tracking_uri(trained_project))
    local = Path(
        mlflow.artifacts.download_artifacts(
            f"models:/{REGISTERED_MODEL}/1", dst_path=str(tmp_path)
        )
    )
    folder = local / "artifacts"
    carried = sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
    )
    # Flat files: one copy each, not a versioned dataset's folder of every version.
    assert carried == ["segment_names.json", "segmentation_model.pkl"]


def test_run_logs_what_the_front_door_serves(client, training_run):
    listed = client.list_artifacts(training_run.info.run_id, RUN_ARTIFACT_PATH)
    stems = sorted(Path(a.path).stem for a in listed)
    assert stems == sorted((*RUN_ARTIFACTS, TRAINING_WINDOW))
    # The fitted model and its names are the registered version's only.
    assert not set(MODEL_ARTIFACTS) & set(stems)


def test_front_door_serves_the_registered_versions_model(trained_project):
    import mlflow  # noqa: PLC0415

    with contextlib.chdir(trained_project):  # as `make serve` runs, in the project
        served = load_served_run(trained_project)
    mlflow.set_tracking_uri(tracking_uri(trained_project))
    registered = mlflow.pyfunc.load_model(f"models:/{REGISTERED_MODEL}/1")
    model_input = load_dataset(trained_project, "model_input")
    scored = registered.predict(model_input)
    np.testing.assert_array_equal(
        served.model.predict(model_input), scored["segment"].to_numpy()
    )
    assert {served.name_of(s) for s in scored["segment"]} == set(scored["segment_name"])


def test_logged_outputs_are_those_of_the_registering_run(
    trained_project, training_run, tmp_path
):
    import mlflow  # noqa: PLC0415

    version = save_version_of(trained_project)
    mlflow.set_tracking_uri(tracking_uri(trained_project))
    folder = Path(
        mlflow.artifacts.download_artifacts(
            run_id=training_run.info.run_id,
            artifact_path=RUN_ARTIFACT_PATH,
            dst_path=str(tmp_path),
        )
    )
    logged = pd.read_parquet(folder / "customer_segments.parquet")
    saved = load_dataset(trained_project, "customer_segments", version=version)
    pd.testing.assert_frame_equal(logged, saved)
    profiles = json.loads((folder / "segment_profiles.json").read_text())
    assert profiles == load_dataset(trained_project, "segment_profiles", version)


def test_packaged_model_scores_unseen_rows_like_the_fitted_model(trained_project):
    import mlflow  # noqa: PLC0415

    mlflow.set_tracking_uri(tracking_uri(trained_project))
    model = mlflow.pyfunc.load_model(f"models:/{REGISTERED_MODEL}/1")
    version = save_version_of(trained_project)
    model_input = load_dataset(trained_project, "model_input")
    segmenter = load_dataset(trained_project, "segmentation_model", version)
    names = load_dataset(trained_project, "segment_names", version)

    # New customers: every column drawn from a different real row, so no row is one
    # the model was fitted on.
    rng = np.random.default_rng(7)
    unseen = pd.DataFrame(
        {c: model_input[c].sample(40, random_state=rng).to_numpy() for c in model_input}
    )
    merged = unseen.merge(model_input, how="inner")
    assert merged.empty, "the 'unseen' rows must not be training rows"

    predicted = model.predict(unseen)
    assert list(predicted.columns[-2:]) == ["segment", "segment_name"]
    assert len(predicted) == len(unseen)
    expected = segmenter.predict(unseen)
    np.testing.assert_array_equal(predicted["segment"].to_numpy(), expected)
    name_of = {int(segment): name for segment, name in names.items()}
    assert predicted["segment_name"].tolist() == [name_of[s] for s in expected]


def test_refit_in_another_process_gives_the_same_segments(trained_project):
    """Determinism on purpose: the run fitted its model in the fixture's process; a
    clone refitted here, on the same model input, assigns every person alike."""
    version = save_version_of(trained_project)
    model_input = load_dataset(trained_project, "model_input")
    fitted = load_dataset(trained_project, "segmentation_model", version)
    refitted = clone(fitted).fit(model_input)
    np.testing.assert_array_equal(
        refitted.predict(model_input), fitted.predict(model_input)
    )
