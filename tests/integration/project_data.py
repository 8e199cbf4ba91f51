"""Read a project copy's datasets through its own catalog, without a KedroSession.

A session would start the project's hooks (kedro-mlflow sets the global tracking
URI); the tests only need the data, so they build the catalog from ``conf/``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog


def load_dataset(project: Path, name: str, version: str | None = None) -> Any:
    """``catalog.load(name, version)`` in ``project`` (its relative paths resolved there)."""
    with contextlib.chdir(project):
        loader = OmegaConfigLoader(
            conf_source="conf", base_env="base", default_run_env="local"
        )
        catalog = DataCatalog.from_config(loader["catalog"])
        return catalog.load(name, version=version)
