"""Partial runs of the plain ``__default__`` after a training run: they run, kedro-mlflow
tracks them, and the front door keeps serving the registered training run."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from olist_segmentation.serving.run import load_served_run
from tests.integration.conftest import EXPERIMENT, REGISTERED_MODEL, tracking_uri
from tests.integration.processes import kedro
from tests.integration.project_data import load_dataset
from tests.integration.registry import save_version_of

pytestmark = pytest.mark.slow

PARTIAL_RUNS = (
    ("--namespaces=gmm",),
    ("--from-nodes=combine_candidates", "--to-nodes=select_candidate"),
)


def _candidate_versions(project: Path, algorithm: str) -> set[str]:
    return {
        p.name
        for p in (project / f"data/06_models/candidates/{algorithm}.csv").iterdir()
    }


@pytest.fixture(scope="module")
def partial(trained_project, tmp_path_factory):
    """A copy of the trained project after each of :data:`PARTIAL_RUNS` as a user's
    ``kedro run``; the gmm and kmeans candidate versions before them."""
    project = tmp_path_factory.mktemp("partial") / "project"
    shutil.copytree(trained_project, project)
    before = {a: _candidate_versions(project, a) for a in ("gmm", "kmeans")}
    for args in PARTIAL_RUNS:
        done = kedro(project, "run", *args)
        assert done.returncode == 0, (
            f"kedro run {' '.join(args)}:\n{done.stderr[-6000:]}"
        )
    return project, before


@pytest.fixture(scope="module")
def client(partial) -> MlflowClient:
    return MlflowClient(tracking_uri=tracking_uri(partial[0]))


def _runs(client: MlflowClient):
    experiment = client.get_experiment_by_name(EXPERIMENT)
    return client.search_runs([experiment.experiment_id], order_by=["start_time DESC"])


def test_namespace_run_fits_only_the_gmm_candidates(partial):
    project, before = partial
    assert len(_candidate_versions(project, "gmm") - before["gmm"]) == 1
    assert _candidate_versions(project, "kmeans") == before["kmeans"]


def test_plain_runs_are_tracked_with_params_and_metrics(client):
    combine, gmm = _runs(client)[:2]
    for run in (combine, gmm):
        assert run.info.run_name == "__default__"
        assert run.info.status == "FINISHED"
    assert any(k.startswith("modelling.candidates.gmm") for k in gmm.data.params)
    assert not gmm.data.metrics, "the gmm candidates alone log no metric"
    assert {"selected.silhouette", "selected.n_clusters"} <= set(combine.data.metrics)
    assert any(k.startswith("candidates.") for k in combine.data.metrics)


def test_plain_runs_register_no_model_and_log_no_front_door(client):
    (training,) = [r for r in _runs(client) if r.info.run_name == "training"]
    versions = client.search_model_versions(f"name = '{REGISTERED_MODEL}'")
    assert [v.run_id for v in versions] == [training.info.run_id]
    for run in _runs(client)[:2]:
        assert client.list_artifacts(run.info.run_id) == []


def test_front_door_serves_the_registered_training_run(partial, client):
    project, _ = partial
    newest = _runs(client)[0]
    with contextlib.chdir(project):  # as `make serve` runs, in the project
        served = load_served_run(project)
    assert served.model_version == "1"
    registered = client.get_model_version(REGISTERED_MODEL, "1")
    assert served.run_id == registered.run_id != newest.info.run_id
    assert client.get_run(served.run_id).info.run_name == "training"
    version = save_version_of(project)
    assert served.save_version == version
    saved = load_dataset(project, "customer_segments", version)
    pd.testing.assert_frame_equal(
        served.customer_segments.reset_index(), saved, check_like=True
    )
