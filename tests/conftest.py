"""Shared test fixtures: throwaway copies of the Kedro project to run pipelines in."""

from __future__ import annotations

import os
import shutil
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

for _name in ("KEDRO_DISABLE_TELEMETRY", "DO_NOT_TRACK", "MLFLOW_DISABLE_TELEMETRY"):
    os.environ[_name] = "true"


def copy_project(target: Path) -> Path:
    """Copy the project's configuration into ``target`` with empty data folders.

    The package itself is installed (editable), so a copy of ``pyproject.toml`` and
    ``conf/base`` is a complete Kedro project that ``KedroSession`` or ``kedro run``
    can run without touching the real ``data/`` folder.
    """
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(PROJECT_ROOT / "pyproject.toml", target / "pyproject.toml")
    shutil.copytree(PROJECT_ROOT / "conf" / "base", target / "conf" / "base")
    (target / "conf" / "local").mkdir(parents=True)
    for layer in LAYERS:
        (target / "data" / layer).mkdir(parents=True)
    return target


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
