"""What a command imports before its first node: MLflow only where a run is tracked.

Each check runs in a fresh interpreter (the test process has imported MLflow long
before), through Kedro's own API, and reads ``sys.modules`` at the end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from olist_segmentation.hooks import KEDRO_MLFLOW_HOOK, MlflowForTrackedRuns
from tests.conftest import PROJECT_ROOT, copy_project
from tests.integration.processes import QUIET_ENV

FIRST_NODE = "parse_category_translation"
WATCHED = ("mlflow", "kedro_mlflow.framework.hooks.mlflow_hook")
# A session of Kedro's API in ``argv[1]``: ``registry`` builds every pipeline as
# `kedro registry list` and kedro-viz do, a pipeline name runs its first node.
SESSION = f"""
import json, sys
from pathlib import Path
from kedro.framework.project import pipelines
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

project, what = Path(sys.argv[1]), sys.argv[2]
bootstrap_project(project)
if what == "registry":
    dict(pipelines)
else:
    with KedroSession.create(project_path=project) as session:
        outputs = session.run(pipeline_names=[what], node_names=["{FIRST_NODE}"])
    assert "typed_category_translation" in outputs, "the node ran"
print(json.dumps([name for name in {WATCHED!r} if name in sys.modules]))
"""


def _imported_by(project: Path, what: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", SESSION, str(project), what],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **QUIET_ENV},
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_the_projects_hook_takes_kedro_mlflows_entry_point_name(project_copy):
    (entry,) = [
        ep
        for ep in entry_points(group="kedro.hooks")
        if ep.module.startswith("kedro_mlflow")
    ]
    # Renamed upstream, the entry point would be loaded (and MLflow imported) again.
    assert entry.name == KEDRO_MLFLOW_HOOK
    bootstrap_project(project_copy)
    with KedroSession.create(project_path=project_copy) as session:
        manager = session._hook_manager
        assert isinstance(manager.get_plugin(KEDRO_MLFLOW_HOOK), MlflowForTrackedRuns)
        loaded = {dist.project_name for _, dist in manager.list_plugin_distinfo()}
    assert "kedro_mlflow" not in loaded


@pytest.mark.slow
def test_building_every_pipeline_imports_no_mlflow(project_copy):
    assert _imported_by(project_copy, "registry") == []


@pytest.mark.slow
def test_an_untracked_run_imports_no_mlflow(synthetic_project, tmp_path):
    project = copy_project(tmp_path / "project")
    for csv in (synthetic_project / "data" / "01_raw").glob("*.csv"):
        (project / "data" / "01_raw" / csv.name).write_bytes(csv.read_bytes())
    assert _imported_by(project, "data_engineering") == []
    # The same session for a tracked pipeline sets kedro-mlflow up, MLflow with it.
    assert _imported_by(project, "__default__") == list(WATCHED)
