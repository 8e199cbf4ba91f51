"""A ``kedro run`` killed after ``fit_segmentation_model``: the front door still serves
the last complete run, and the reporting pipeline run alone reads one run's inputs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from tests.integration.conftest import REGISTERED_MODEL, tracking_uri
from tests.integration.processes import QUIET_ENV, stop_group
from tests.integration.registry import save_version_of

pytestmark = pytest.mark.slow

KEDRO = str(Path(sys.executable).parent / "kedro")
ENV = {**os.environ, **QUIET_ENV}


def _versions(project: Path, folder: str) -> set[str]:
    path = project / "data" / folder
    return {p.name for p in path.iterdir()} if path.is_dir() else set()


def _kill_after_new_model(project: Path, timeout: float = 300) -> str:
    """Start a run that refits the model; SIGKILL it once a new version is saved."""
    before = _versions(project, "06_models/segmentation_model.pkl")
    process = subprocess.Popen(
        [KEDRO, "run", "--pipelines=modelling", "--from-nodes=fit_segmentation_model"],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and process.poll() is None:
            new = _versions(project, "06_models/segmentation_model.pkl") - before
            saved = [
                v
                for v in new
                if any(
                    (project / f"data/06_models/segmentation_model.pkl/{v}").iterdir()
                )
            ]
            if saved:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
                return saved[0]
            time.sleep(0.1)
    finally:
        stop_group(process)
    pytest.fail("the run never saved a new segmentation_model before the deadline")


@pytest.fixture(scope="module")
def killed(trained_project, tmp_path_factory):
    project = tmp_path_factory.mktemp("killed") / "project"
    shutil.copytree(trained_project, project)
    complete = save_version_of(project)
    killed_version = _kill_after_new_model(project)
    return project, complete, killed_version


def test_the_killed_run_left_a_newer_model_and_no_report(killed):
    project, complete, killed_version = killed
    assert killed_version > complete
    assert killed_version not in _versions(
        project, "08_reporting/segmentation_report.html"
    )


def test_the_registry_still_serves_the_complete_run(killed):
    project, complete, _ = killed
    client = MlflowClient(tracking_uri=tracking_uri(project))
    versions = client.search_model_versions(f"name = '{REGISTERED_MODEL}'")
    assert [str(v.version) for v in versions] == ["1"]
    assert save_version_of(project) == complete


def test_reporting_alone_reads_one_complete_runs_inputs(killed):
    project, complete, killed_version = killed
    before = _versions(project, "08_reporting/report_content.json")
    done = subprocess.run(
        [KEDRO, "run", "--pipelines=reporting"],
        cwd=project,
        env={**ENV, "COLUMNS": "400"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-4000:]
    assert f"Reading the inputs from Kedro run {complete}," in log, log[-4000:]
    assert killed_version not in log
    assert len(_versions(project, "08_reporting/report_content.json") - before) == 1
