"""Where kedro-mlflow records: the project's own store, wherever Python stands."""

from __future__ import annotations

import os

from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

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
