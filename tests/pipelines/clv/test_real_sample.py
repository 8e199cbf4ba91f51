"""The clv models on the real Olist sample: the field's calibration/holdout check.

``kedro run --pipelines=data_engineering`` in a project copy whose ``data/01_raw``
holds ``../shared/olist_real_sample`` (4,305 persons with a delivered order, under 1%
of them repeat buyers: orders were sampled, not persons), then the clv nodes on its
``primary_orders``. Skips when ``../shared`` is absent. The figures are in docs/clv.md
(``benchmarks/bench_clv.py``).
"""

from __future__ import annotations

import shutil

import pytest

from olist_segmentation.pipelines.clv import models
from olist_segmentation.pipelines.clv.nodes import (
    check_purchase_model_on_holdout,
    fit_purchase_model,
    fit_spend_model,
    summarise_purchase_history,
)
from olist_segmentation.pipelines.clv.params import ClvParams
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from tests.conftest import copy_project
from tests.integration.processes import kedro
from tests.integration.project_data import load_dataset
from tests.integration.test_real_sample import REAL_SAMPLE

SNAPSHOT = FeatureEngineeringParams()


@pytest.fixture(scope="module")
def real_orders(tmp_path_factory):
    """``primary_orders`` of the real sample."""
    if not REAL_SAMPLE.is_dir():
        pytest.skip("../shared/olist_real_sample is absent (a user's clone has none)")
    project = copy_project(tmp_path_factory.mktemp("clv_real") / "project")
    for csv in REAL_SAMPLE.glob("*.csv"):
        shutil.copy2(csv, project / "data" / "01_raw" / csv.name)
    done = kedro(project, "run", "--pipelines=data_engineering")
    if done.returncode != 0:
        pytest.fail(
            f"data_engineering on the real sample failed:\n{done.stderr[-4000:]}"
        )
    return load_dataset(project, "primary_orders")


def test_real_holdout_total_is_within_20_percent(real_orders):
    check = check_purchase_model_on_holdout(real_orders, SNAPSHOT, ClvParams())
    assert check["holdout_days"] == 180
    assert check["persons"] > 2000
    assert check["within_tolerance"], check["total"]
    assert abs(check["total"]["relative_error"]) <= 0.2
    buckets = check["by_calibration_frequency"]
    predicted = [b["predicted_mean"] for b in buckets]
    actual = [b["actual_mean"] for b in buckets]
    assert predicted == sorted(predicted) and predicted[-1] > 10 * predicted[0]
    assert actual == sorted(actual)


def test_real_one_time_buyers_are_ranked_by_age_and_worth_little(real_orders):
    history = summarise_purchase_history(real_orders, SNAPSHOT)
    assert len(history) == 4305
    spend = models.fit_spend_model(history, min_repeat_buyers=10)
    once = history["frequency"] == 0
    assert once.mean() > 0.97
    bg = models.customer_value(
        models.fit_purchase_model(history, ClvParams().purchase_model), spend, history
    )
    # BG/NBD: a one-time buyer is alive by construction; age ranks them instead
    assert (bg.loc[once, "p_alive"] == 1).all()
    young = history["T"] < history.loc[once, "T"].median()
    purchases = bg["expected_purchases_90d"]
    assert purchases[once & young].mean() > purchases[once & ~young].mean()
    assert purchases[~once].mean() > 10 * purchases[once].mean()
    # MBG/NBD lets them leave: almost all of them have
    mbg = models.customer_value(
        models.fit_purchase_model(history, "modified_beta_geo"), spend, history
    )
    assert mbg.loc[once, "p_alive"].max() < 0.1
    # the mean order value of the population, about the real mean order (~160)
    assert 100 < bg.loc[once, "expected_order_value"].iloc[0] < 300


def test_a_half_of_the_real_sample_is_valued_with_the_flagged_fallback(real_orders):
    # Half of the orders: 13 persons with a repeat purchase in this draw (8 in each
    # half of bench_real_sample.py's draws), too few for a Gamma-Gamma guard of 20.
    half = real_orders.sample(frac=0.5, random_state=0)
    history = summarise_purchase_history(half, SNAPSHOT)
    repeat = int((history["frequency"] > 0).sum())
    params = ClvParams(min_repeat_buyers=20)
    assert 0 < repeat < params.min_repeat_buyers
    spend = fit_spend_model(history, params)
    value = models.customer_value(fit_purchase_model(history, params), spend, history)
    assert set(value["purchase_model"]) == {"BG/NBD"}
    assert set(value["spend_model"]) == {"mean order value"}
    assert f"{repeat} person(s) with a repeat purchase" in value["fallback_reason"][0]
    # the mean real order, about 160 BRL with freight, for everyone
    assert 100 < spend.order_value < 300
    once = history["frequency"] == 0
    purchases = value["expected_purchases_90d"]
    assert purchases[~once].mean() > 10 * purchases[once].mean()
