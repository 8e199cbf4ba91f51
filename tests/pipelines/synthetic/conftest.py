"""Synthetic data generated in memory through the pipeline, once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from olist_segmentation.pipelines.synthetic import create_pipeline
from olist_segmentation.pipelines.synthetic.params import SyntheticParams

PARAMS_FILE = Path(__file__).resolve().parents[3] / "conf/base/parameters_synthetic.yml"
RAW = (
    "raw_customers",
    "raw_geolocation",
    "raw_order_items",
    "raw_order_payments",
    "raw_order_reviews",
    "raw_orders",
    "raw_products",
    "raw_sellers",
    "raw_category_translation",
    "synthetic_personas",
)


def synthetic_params(**overrides) -> dict:
    """The project's ``synthetic`` parameters with some values replaced."""
    params = yaml.safe_load(PARAMS_FILE.read_text())["synthetic"]
    return {**params, **overrides}


def generate(**overrides) -> dict:
    """Run the whole pipeline on an in-memory catalog; the raw tables by name."""
    catalog = DataCatalog(
        datasets={
            "params:synthetic": MemoryDataset(
                SyntheticParams.model_validate(synthetic_params(**overrides))
            ),
            **{name: MemoryDataset(copy_mode="assign") for name in RAW},
        }
    )
    SequentialRunner().run(create_pipeline(), catalog)
    return {name: catalog.load(name) for name in RAW}


@pytest.fixture(scope="session")
def raw() -> dict:
    """The raw tables at scale 0.02 (about 2,000 orders), default seed."""
    return generate(scale=0.02)
