"""Fixtures of the data_engineering tests: tiny raw tables and an in-memory runner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from kedro.io import DataCatalog, MemoryDataset
from kedro.pipeline import Pipeline
from kedro.runner import SequentialRunner
from kedro_datasets.pandas import ParquetDataset

from olist_segmentation.pipelines.data_engineering.params import DataEngineeringParams
from tests.conftest import PROJECT_ROOT

from .tiny_raw import tiny_raw_tables

PERSISTED = (
    "zip_locations",
    "id_map",
    "primary_orders",
    "primary_order_items",
    "primary_persons",
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

    Inputs live in memory; the tables the catalog persists are Parquet files in
    ``folder`` (so their dtypes go through a real round trip).
    """
    datasets: dict[str, Any] = {
        name: MemoryDataset(frame) for name, frame in tables.items()
    }
    datasets["params:data_engineering"] = MemoryDataset(params, copy_mode="assign")
    for name in PERSISTED:
        datasets[name] = ParquetDataset(filepath=str(folder / f"{name}.parquet"))
    catalog = DataCatalog(datasets)
    SequentialRunner().run(pipeline, catalog)
    produced = pipeline.outputs() | (set(PERSISTED) & pipeline.all_outputs())
    return {name: catalog.load(name) for name in produced}
