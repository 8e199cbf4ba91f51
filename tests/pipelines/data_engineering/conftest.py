"""Fixtures of the data_engineering tests: tiny raw tables and an in-memory runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog, MemoryDataset
from kedro.io.core import generate_timestamp
from kedro.pipeline import Pipeline
from kedro.runner import SequentialRunner
from kedro_datasets.pandas import ParquetDataset

from olist_segmentation.pipelines.data_engineering.params import DataEngineeringParams
from tests.conftest import PROJECT_ROOT

from .tiny_raw import tiny_raw_tables

RAW_CATALOG = PROJECT_ROOT / "conf" / "base" / "catalog_raw.yml"
PERSISTED = (
    "zip_locations",
    "id_map",
    "primary_orders",
    "primary_order_items",
    "primary_persons",
    "primary_reviews",
)


@pytest.fixture
def raw_tables() -> dict[str, pd.DataFrame]:
    """The nine tiny raw tables, as text frames keyed by catalog name."""
    return tiny_raw_tables()


@pytest.fixture(scope="session")
def de_params() -> DataEngineeringParams:
    """The project's parameters of the pipeline, typed."""
    conf = PROJECT_ROOT / "conf" / "base" / "parameters_data_engineering.yml"
    return DataEngineeringParams.model_validate(
        yaml.safe_load(conf.read_text())["data_engineering"]
    )


def run_in_memory(
    pipeline: Pipeline,
    tables: dict[str, Any],
    params: DataEngineeringParams,
    folder: Path,
) -> dict[str, Any]:
    """Run ``pipeline`` with SequentialRunner; return every output it produced.

    Inputs live in memory, the raw ones checked on load by the validators the
    project's catalog declares on them; the tables the catalog persists are Parquet
    files in ``folder`` (so their dtypes go through a real round trip).
    """
    declared = yaml.safe_load(RAW_CATALOG.read_text())
    catalog = DataCatalog.from_config(
        {
            name: {"type": "MemoryDataset", "validator": declared[name]["validator"]}
            for name in tables
            if "validator" in declared.get(name, {})
        }
    )
    for name, data in tables.items():
        if name in catalog:
            catalog.save(name, data)  # validated when a node loads it
        else:
            catalog[name] = MemoryDataset(data)
    catalog["params:data_engineering"] = MemoryDataset(params, copy_mode="assign")
    if "raw_data_source" not in catalog:
        catalog["raw_data_source"] = MemoryDataset(
            {"kind": "real", "reason": "tiny tables"}
        )
    for name in PERSISTED:
        catalog[name] = ParquetDataset(filepath=str(folder / f"{name}.parquet"))
    SequentialRunner().run(pipeline, catalog)
    produced = pipeline.outputs() | (set(PERSISTED) & pipeline.all_outputs())
    return {name: catalog.load(name) for name in produced}


def run_project(
    project: Path, pipeline: Pipeline, runtime_params: dict[str, Any] | None = None
) -> DataCatalog:
    """Run ``pipeline`` in-process on the project's own catalog and parameters.

    The same datasets, files and parameters as ``kedro run`` (relative paths from
    the project folder, which must be the working directory), without the CLI
    start-up. Returns the catalog, to load what was saved.
    """
    loader = OmegaConfigLoader(
        conf_source=str(project / "conf"),
        base_env="base",
        default_run_env="local",
        runtime_params=runtime_params or {},
    )
    catalog = DataCatalog.from_config(
        loader["catalog"], save_version=generate_timestamp()
    )
    parameters = loader["parameters"]
    for name in pipeline.inputs():
        if name.startswith("params:"):
            value = parameters[name.removeprefix("params:")]
            if name == "params:data_engineering":
                value = DataEngineeringParams.model_validate(value)
            catalog[name] = MemoryDataset(value, copy_mode="deepcopy")
    SequentialRunner().run(pipeline, catalog)
    return catalog


KEDRO = str(Path(sys.executable).with_name("kedro"))


def kedro_run(project: Path) -> subprocess.CompletedProcess:
    """``kedro run --pipelines=data_engineering`` in ``project``, as a user runs it."""
    return subprocess.run(
        [KEDRO, "run", "--pipelines=data_engineering"],
        cwd=project,
        env={**os.environ, "COLUMNS": "300", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
