"""The clv pipeline run by Kedro's SequentialRunner on an in-memory catalog."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from kedro.validation import ParameterValidationError

from olist_segmentation.pipelines.clv import create_pipeline
from olist_segmentation.pipelines.clv.params import ClvParams
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from tests.pipelines.modelling.test_pipeline import KeptDataset

from .population import id_map_of

OUTPUTS = (
    "purchase_history",
    "clv_purchase_model",
    "clv_spend_model",
    "customer_value",
    "segment_value",
    "clv_holdout_check",
)


@pytest.mark.parametrize(
    ("min_repeat_buyers", "spend_model"),
    [(10, "Gamma-Gamma"), (10_000, "mean order value")],
)
def test_pipeline_values_every_person_beside_their_segment(
    orders, min_repeat_buyers, spend_model
):
    snapshot = pd.Timestamp("2018-03-01")
    known = orders[orders["delivered_customer_ts"] <= snapshot]
    ids = id_map_of(known)
    segments = pd.DataFrame(
        {
            "customer_unique_id": ids["olist_id"],
            "segment": np.arange(len(ids)) % 3,
            "segment_name": [f"segment {s}" for s in np.arange(len(ids)) % 3],
        }
    )
    catalog = DataCatalog(
        {
            "primary_orders": MemoryDataset(orders),
            "id_map": MemoryDataset(ids),
            "customer_segments": MemoryDataset(segments),
            "params:feature_engineering": MemoryDataset(
                FeatureEngineeringParams(snapshot_date=str(snapshot.date())),
                copy_mode="assign",
            ),
            "params:clv": MemoryDataset(
                ClvParams(min_repeat_buyers=min_repeat_buyers), copy_mode="assign"
            ),
            **{name: KeptDataset(copy_mode="assign") for name in OUTPUTS},
        }
    )
    SequentialRunner().run(create_pipeline(), catalog)

    value = catalog.load("customer_value")
    assert value["customer_unique_id"].tolist() == ids["olist_id"].tolist()
    assert value["p_alive"].between(0, 1).all()
    assert (value["expected_spend_90d"] >= 0).all()
    assert catalog.load("clv_purchase_model").attrs["model_type"] == "BG/NBD"
    # too few repeat buyers for Gamma-Gamma: the run goes on, flagged
    assert set(value["spend_model"]) == {spend_model}
    assert value["fallback_reason"].isna().all() == (spend_model == "Gamma-Gamma")

    by_segment = catalog.load("segment_value")
    assert by_segment["persons"].sum() == len(value)
    assert np.isclose(
        by_segment["expected_spend_90d"].sum(), value["expected_spend_90d"].sum()
    )
    assert set(by_segment["spend_model"]) == {spend_model}

    check = catalog.load("clv_holdout_check")
    # the holdout ends at the last purchase known at the snapshot
    assert pd.Timestamp(check["holdout_end"]) <= snapshot
    assert check["checked"] and check["purchase_model"] == "BG/NBD"
    assert check["total"]["actual"] > 0


@pytest.mark.slow
def test_a_parameter_typo_fails_before_the_first_node(project_copy):
    bootstrap_project(project_copy)
    typo = {"clv": {"purchase_modle": "modified_beta_geo"}}
    with KedroSession.create(project_path=project_copy, runtime_params=typo) as s:
        with pytest.raises(ParameterValidationError, match="purchase_modle"):
            s.run(pipeline_names=["clv"])
    assert not any((project_copy / "data" / "05_model_input").iterdir())
