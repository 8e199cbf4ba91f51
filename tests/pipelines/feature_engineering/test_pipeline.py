"""Slice test of the feature_engineering pipeline on an in-memory catalog."""

from __future__ import annotations

from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from olist_segmentation.pipelines.feature_engineering import create_pipeline

from .tiny_primary import make_frames


def test_pipeline_writes_customer_features(history):
    orders, items, reviews = make_frames(*history)
    catalog = DataCatalog(
        {
            "primary_orders": MemoryDataset(orders),
            "primary_order_items": MemoryDataset(items),
            "primary_reviews": MemoryDataset(reviews),
            "params:feature_engineering": MemoryDataset(
                {"snapshot_date": "2018-01-01", "bad_review_max": 2}
            ),
            "customer_features": MemoryDataset(),
        }
    )
    SequentialRunner().run(create_pipeline(), catalog)
    features = catalog.load("customer_features")
    assert features["person_key"].tolist() == [1, 2]
    assert features.set_index("person_key").loc[1, "frequency"] == 2
