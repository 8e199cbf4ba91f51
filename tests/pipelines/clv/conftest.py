"""Fixtures of the clv tests: a simulated customer base and its fitted models."""

from __future__ import annotations

import pandas as pd
import pytest

from olist_segmentation.pipelines.clv import models
from olist_segmentation.pipelines.clv.history import known_transactions, summarise

from .population import simulated_orders


@pytest.fixture(scope="package")
def orders() -> pd.DataFrame:
    return simulated_orders()


@pytest.fixture(scope="package")
def snapshot(orders) -> pd.Timestamp:
    return pd.Timestamp(orders["purchase_ts"].max())


@pytest.fixture(scope="package")
def history(orders, snapshot) -> pd.DataFrame:
    return summarise(known_transactions(orders, snapshot), snapshot)


@pytest.fixture(scope="package")
def fitted(history):
    """The MBG/NBD and Gamma-Gamma fits (InferenceData) on ``history``."""
    return (
        models.fit_purchase_model(history, "modified_beta_geo"),
        models.fit_spend_model(history, min_repeat_buyers=10),
    )
