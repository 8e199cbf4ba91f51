"""A project copy after a real ``kedro run --pipelines=training`` on tiny synthetic
data, shared by the notebook, MLflow and serving tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.processes import QUIET_ENV

EXPERIMENT = "olist_segmentation"
REGISTERED_MODEL = "olist_segmentation"


# Runtime parameters (nested: Kedro merges them into the configured ones): fewer
# stability snapshots and a trimmed candidate grid (every algorithm still runs),
# enough for every output to exist, in about a minute.
FAST = {
    "stability": {"step_days": 42, "intrinsic_seeds": 2, "bootstraps": 2},
    "modelling": {
        "candidates": {
            "kmeans": {"grid": {"n_clusters": [3, 4, 5, 6]}},
            "gmm": {"grid": {"n_components": [3, 4], "covariance_type": ["diag"]}},
            "dbscan": {"grid": {"eps": [0.8, 1.2], "min_samples": [10]}},
            "hdbscan": {"grid": {"min_cluster_size": [50], "min_samples": [10]}},
        }
    },
}
# One process, two sessions (each ``kedro`` start-up costs seconds): the training run
# (tracked in MLflow, the model registered), then a second fit of the model so that
# the versioned modelling outputs have an earlier version.
RUNS = """
import json
import sys
from pathlib import Path

import mlflow
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

project = Path.cwd()
bootstrap_project(project)
with KedroSession.create(project, runtime_params=json.loads(sys.argv[1])) as s:
    s.run(pipeline_names=["training"])
# kedro-mlflow re-enters the run at every node and leaves it on mlflow's stack of
# active runs: close it, or the next session in this process would log into it.
while mlflow.active_run():
    mlflow.end_run()
with KedroSession.create(project) as s:
    s.run(pipeline_names=["modelling"], from_nodes=["fit_segmentation_model"])
"""


@pytest.fixture(scope="session")
def trained_project(synthetic_project: Path, tmp_path_factory) -> Path:
    """A copy of the tiny synthetic project after ``kedro run --pipelines=training``
    and a second model fit (``--pipelines=modelling``, registering nothing).

    MLflow records into ``<project>/mlflow.db`` and ``<project>/mlruns``.
    """
    project = tmp_path_factory.mktemp("trained") / "project"
    shutil.copytree(synthetic_project, project)
    done = subprocess.run(
        [sys.executable, "-c", RUNS, json.dumps(FAST)],
        cwd=project,
        check=False,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, **QUIET_ENV},
    )
    if done.returncode != 0:
        pytest.fail(
            f"kedro run on the synthetic project failed:\n{done.stderr[-8000:]}"
        )
    return project


def tracking_uri(project: Path) -> str:
    """The sqlite tracking store ``kedro run`` wrote in ``project``."""
    return f"sqlite:///{project / 'mlflow.db'}"
