"""Slice test of the feature_engineering pipeline on an in-memory catalog."""

from __future__ import annotations

import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from kedro.validation import ParameterValidationError

from olist_segmentation.datasets import TableParquetDataset
from olist_segmentation.pipelines.feature_engineering import create_pipeline
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)

from .tiny_primary import make_frames


def test_pipeline_writes_customer_features(history, tmp_path):
    """The node's expression is run by DuckDB into the catalog's Parquet file."""
    orders, items, reviews = make_frames(*history)
    catalog = DataCatalog(
        {
            "primary_orders": MemoryDataset(orders),
            "primary_order_items": MemoryDataset(items),
            "primary_reviews": MemoryDataset(reviews),
            "params:feature_engineering": MemoryDataset(
                FeatureEngineeringParams(snapshot_date="2018-01-01"),
                copy_mode="assign",
            ),
            "customer_features": TableParquetDataset(
                filepath=str(tmp_path / "customer_features.parquet")
            ),
        }
    )
    SequentialRunner().run(create_pipeline(), catalog)
    features = catalog.load("customer_features")
    assert features["person_key"].tolist() == [1, 2]
    assert features["person_key"].dtype == "uint32"
    assert features.set_index("person_key").loc[1, "frequency"] == 2


@pytest.mark.slow
def test_a_parameter_typo_fails_before_the_first_node(project_copy):
    bootstrap_project(project_copy)
    typo = {"feature_engineering": {"bad_review_maxi": 3}}
    with KedroSession.create(project_path=project_copy, runtime_params=typo) as s:
        with pytest.raises(ParameterValidationError, match="bad_review_maxi"):
            s.run(pipeline_names=["feature_engineering"])
    assert not any((project_copy / "data" / "04_feature").iterdir())
