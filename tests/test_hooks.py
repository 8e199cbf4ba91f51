"""Where kedro-mlflow records: the project's own store, wherever Python stands."""

from __future__ import annotations

import os

import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.validation.exceptions import ParameterValidationError

from tests.conftest import copy_project


def test_a_session_records_into_its_own_projects_store(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    bootstrap_project(project)
    with KedroSession.create(project_path=project) as session:
        context = session.load_context()
    assert context.mlflow.server.mlflow_tracking_uri == (
        f"sqlite:///{project.resolve().as_posix()}/mlflow.db"
    )
    assert os.getcwd() == str(elsewhere)
    assert (project / "mlflow.db").is_file()
    assert not (elsewhere / "mlflow.db").exists()


def test_a_parameter_typo_stops_the_run_before_any_node(synthetic_project, tmp_path):
    project = copy_project(tmp_path / "typo")
    raw = synthetic_project / "data" / "01_raw"
    for csv in raw.glob("*.csv"):
        (project / "data" / "01_raw" / csv.name).write_bytes(csv.read_bytes())
    bootstrap_project(project)
    runtime_params = {"stability": {"stepdays": 7}}
    with KedroSession.create(project_path=project, runtime_params=runtime_params) as s:
        # Kedro validates the pydantic StabilityParams before the first node
        with pytest.raises(
            ParameterValidationError, match=r"(?s)'stability'.*stepdays"
        ):
            s.run(pipeline_names=["__default__"])
    assert not any((project / "data" / "03_primary").glob("*.parquet"))
    assert not any((project / "data" / "08_reporting").iterdir())
