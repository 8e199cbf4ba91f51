"""Shared test fixtures: throwaway copies of the Kedro project to run pipelines in."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_REAL = PROJECT_ROOT.parent / "shared" / "olist_real"
LAYERS = (
    "01_raw",
    "02_intermediate",
    "03_primary",
    "04_feature",
    "05_model_input",
    "06_models",
    "07_model_output",
    "08_reporting",
)

# Debian's headless Chromium on a machine without network: without the background
# networking switches it keeps trying to reach Google's hosts.
HEADLESS_CHROMIUM = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

for _name in ("KEDRO_DISABLE_TELEMETRY", "DO_NOT_TRACK", "MLFLOW_DISABLE_TELEMETRY"):
    os.environ[_name] = "true"


def copy_project(target: Path) -> Path:
    """Make ``target`` a copy of the project's configuration with data folders.

    The package itself is installed (editable), so a copy of ``pyproject.toml`` and
    ``conf/base`` is a complete Kedro project that ``KedroSession`` or ``kedro run``
    can run without touching the real ``data/`` folder. Calling it again on the same
    folder refreshes the configuration and keeps the data (benchmarks reuse theirs).
    """
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(PROJECT_ROOT / "pyproject.toml", target / "pyproject.toml")
    shutil.copytree(
        PROJECT_ROOT / "conf" / "base", target / "conf" / "base", dirs_exist_ok=True
    )
    (target / "conf" / "local").mkdir(parents=True, exist_ok=True)
    # `kedro run` insists on the source folder; the package itself is installed.
    (target / "src").mkdir(exist_ok=True)
    for layer in LAYERS:
        (target / "data" / layer).mkdir(parents=True, exist_ok=True)
    return target


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group the tests for ``pytest -n 2 --dist loadgroup`` (``make test``): each
    module on one worker, so that its module-scoped fixtures are built once, and
    every test of the trained project on the same worker, so that its minute-long
    ``kedro run`` (a session fixture, one per worker) runs once. First, before
    pytest-xdist's worker reads the groups off the marks."""
    for item in items:
        if "trained_project" in item.fixturenames:
            group = "trained_project"
        else:
            group = item.nodeid.partition("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(autouse=True)
def _no_mlflow_run_left_active():
    """Leave no MLflow run of a test's in-process ``KedroSession`` to the next one.

    A tracked session that fails before its first node leaves its run active on
    mlflow's stack; the next session would take that run's tracking URI instead of
    its own ``mlflow.yml``.
    """
    yield
    mlflow = sys.modules.get("mlflow")
    while mlflow is not None and mlflow.active_run():
        mlflow.end_run()


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A fresh, empty copy of the project in a temporary folder."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def real_olist_dir() -> Path:
    """The four real Olist files shared by the team; skips when absent."""
    if not SHARED_REAL.is_dir():
        pytest.skip("../shared/olist_real is absent (a user's clone has no ../shared)")
    return SHARED_REAL


# Tiny synthetic scale for end-to-end tests: about 2,000 orders, a second or two.
SYNTHETIC_TEST_SCALE = 0.02


@pytest.fixture(scope="session")
def synthetic_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project copy whose ``data/01_raw`` holds tiny synthetic Olist data, written
    by ``kedro run --pipelines=synthetic`` through ``KedroSession`` (scale
    ``SYNTHETIC_TEST_SCALE``). Shared by the end-to-end tests of later pipelines:
    treat it as read-only, or copy it."""
    from kedro.framework.session import KedroSession  # noqa: PLC0415
    from kedro.framework.startup import bootstrap_project  # noqa: PLC0415

    project = copy_project(tmp_path_factory.mktemp("synthetic") / "project")
    bootstrap_project(project)
    runtime_params = {"synthetic": {"scale": SYNTHETIC_TEST_SCALE}}
    with KedroSession.create(project_path=project, runtime_params=runtime_params) as s:
        s.run(pipeline_names=["synthetic"])
    return project
