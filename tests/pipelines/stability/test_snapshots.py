"""The measuring tools: snapshot plan, features as of a snapshot, PSI, resamples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from olist_segmentation.pipelines.stability import snapshots
from olist_segmentation.pipelines.stability.params import StabilityParams


def test_plan_covers_t0_to_end_of_data(primary_tables, stability_params):
    orders = primary_tables[0]
    plan = snapshots.plan_snapshots(orders, stability_params)
    dates = pd.to_datetime(plan["dates"])
    assert dates[0] == pd.Timestamp("2017-09-01")
    assert (np.diff(dates) == pd.Timedelta(days=28)).all()
    last_delivered = orders.loc[orders["is_delivered"], "purchase_ts"].max()
    assert dates[-1] <= last_delivered + pd.Timedelta(days=1)
    assert dates[-1] + pd.Timedelta(days=28) > last_delivered


def test_plan_fails_when_t0_has_too_few_persons(primary_tables):
    orders = primary_tables[0]
    with pytest.raises(ValueError, match=r"delivered_customer_ts: only \d+ persons"):
        snapshots.plan_snapshots(
            orders, StabilityParams(t0="2017-01-05", min_persons_t0=50)
        )


def test_a_trailing_window_drops_the_orders_before_it(primary_tables):
    orders = primary_tables[0]
    when = "2018-03-01"
    full = snapshots.features_as_of(*primary_tables, when, FeatureEngineeringParams())
    window = snapshots.features_as_of(
        *primary_tables, when, FeatureEngineeringParams(), window_days=90
    )
    recent = orders[
        orders["is_delivered"]
        & (orders["purchase_ts"] > pd.Timestamp(when) - pd.Timedelta(days=90))
        & (orders["delivered_customer_ts"] <= pd.Timestamp(when))
    ]
    assert set(window["person_key"]) == set(recent["person_key"])
    assert len(window) < len(full)
    assert window["recency_days"].max() <= 90


def test_a_bootstrap_replicate_draws_persons_once_for_every_snapshot():
    orders = pd.DataFrame({"person_key": np.repeat(np.arange(400), 2)})
    first, second = snapshots.bootstrap_draws(orders, 2)
    pd.testing.assert_series_equal(first, snapshots.bootstrap_draws(orders, 1)[0])
    assert not first.equals(second)
    assert first.sum() == 400
    assert (first > 0).all() and len(first) < 400
    assert set(first.index) <= set(range(400))


def test_resample_repeats_each_persons_rows_as_often_as_drawn():
    features = pd.DataFrame({"person_key": [5, 7, 9], "recency_days": [1.0, 2.0, 3.0]})
    drawn = pd.Series([2, 1, 4], index=[7, 9, 11])
    out = snapshots.resample(features, drawn)
    assert out["person_key"].tolist() == [7, 7, 9]
    assert out["recency_days"].tolist() == [2.0, 2.0, 3.0]


def test_ari_aligns_persons_by_key_not_by_position():
    left = pd.Series([0, 0, 1, 1], index=[10, 11, 12, 13])
    right = pd.Series([1, 1, 0, 0, 5], index=[13, 12, 11, 10, 99])
    assert snapshots.ari(left, right) == pytest.approx(1.0)
    assert np.isnan(snapshots.ari(left, pd.Series([1], index=[10])))


def test_psi_fixed_bins_missing_values_and_out_of_range():
    rng = np.random.default_rng(0)
    reference = pd.Series(rng.normal(0, 1, 5000))
    assert snapshots.psi(reference, pd.Series(rng.normal(0, 1, 5000)), 10) < 0.02
    assert snapshots.psi(reference, pd.Series(rng.normal(1, 1, 5000)), 10) > 0.2
    # values far beyond the T0 range land in the open outer bins
    assert snapshots.psi(reference, pd.Series(np.full(100, 50.0)), 10) > 1
    with_missing = pd.Series(np.r_[rng.normal(0, 1, 2500), np.full(2500, np.nan)])
    assert snapshots.psi(reference, with_missing, 10) > 0.5
    discrete = pd.Series(np.r_[np.ones(900), np.full(100, 2.0)])
    assert snapshots.psi(discrete, discrete.copy(), 10) == pytest.approx(0.0)
