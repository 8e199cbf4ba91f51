"""Unit tests of the clv nodes on tiny frames and on a simulated customer base."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from olist_segmentation.pipelines.clv import models
from olist_segmentation.pipelines.clv.holdout import holdout_check
from olist_segmentation.pipelines.clv.nodes import (
    check_purchase_model_on_holdout,
    fit_purchase_model,
    fit_spend_model,
    predict_customer_value,
    summarise_purchase_history,
    summarise_value_by_segment,
)
from olist_segmentation.pipelines.clv.params import ClvParams, HoldoutParams
from olist_segmentation.pipelines.feature_engineering.nodes import (
    build_customer_features,
)
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from tests.pipelines.feature_engineering.tiny_primary import (
    SNAPSHOT,
    history_rows,
    make_frames,
    make_order,
)

from .population import id_map_of

AT_SNAPSHOT = FeatureEngineeringParams(snapshot_date=str(SNAPSHOT.date()))


def _tiny_orders() -> pd.DataFrame:
    """Person 1: two orders on day 0 (one purchase), then days 14 and 28; person 2:
    one order; person 3: delivered after the snapshot; person 4: canceled."""
    rows = [
        make_order(1, 1, "2017-10-01 09:00", items_price=50.0, freight_value=10.0),
        make_order(2, 1, "2017-10-01 18:00", items_price=30.0, freight_value=10.0),
        make_order(3, 1, "2017-10-15 12:00", items_price=90.0, freight_value=10.0),
        make_order(4, 1, "2017-10-29 12:00", items_price=190.0, freight_value=10.0),
        make_order(5, 2, "2017-12-04 12:00"),
        make_order(6, 3, "2017-12-30 12:00"),
        make_order(7, 4, "2017-11-01", is_delivered=False, order_status="canceled"),
    ]
    orders, _, _ = make_frames(rows, [])
    return orders


def test_history_counts_purchase_days_after_the_first_in_weeks():
    history = summarise_purchase_history(_tiny_orders(), AT_SNAPSHOT)
    assert history["person_key"].tolist() == [1, 2]
    one, two = history.set_index("person_key").to_dict("index").values()
    assert one["frequency"] == 2  # the two orders of 2017-10-01 are one purchase
    assert one["recency"] == pytest.approx(4.0)  # 28 days
    assert one["T"] == pytest.approx((SNAPSHOT - pd.Timestamp("2017-10-01")).days / 7)
    assert one["monetary_value"] == pytest.approx(150.0)  # mean of 100 and 200
    assert one["total_value"] == pytest.approx(400.0)  # the first purchase included
    assert (two["frequency"], two["recency"], two["monetary_value"]) == (0, 0, 0)
    assert two["T"] == pytest.approx(4.0)


def test_history_holds_the_persons_of_customer_features():
    orders, items, reviews = make_frames(*history_rows())
    features = build_customer_features(orders, items, reviews, SNAPSHOT)
    history = summarise_purchase_history(orders, AT_SNAPSHOT)
    assert history["person_key"].tolist() == features["person_key"].tolist()


def test_history_names_a_missing_column():
    orders = _tiny_orders().drop(columns="delivered_customer_ts")
    with pytest.raises(ValueError, match=r"primary_orders.*delivered_customer_ts"):
        summarise_purchase_history(orders, AT_SNAPSHOT)


def test_an_unknown_purchase_model_fails_validation():
    with pytest.raises(ValidationError, match="purchase_model"):
        ClvParams(purchase_model="pareto_nbd")
    with pytest.raises(ValidationError, match="days"):
        ClvParams(holdout={"days": 0})


def test_value_is_bounded_and_rises_with_frequency(history, fitted):
    value = models.customer_value(*fitted, history)
    assert value["person_key"].tolist() == history["person_key"].tolist()
    assert value["p_alive"].between(0, 1).all()
    np.testing.assert_allclose(
        value["expected_spend_90d"],
        value["expected_purchases_90d"] * value["expected_order_value"],
    )
    by_frequency = value.groupby(history["frequency"].clip(upper=3))
    means = by_frequency["expected_purchases_90d"].mean()
    assert means.is_monotonic_increasing and means.iloc[-1] > 5 * means.iloc[0]


def test_a_one_time_buyer_may_have_left_and_ages(history, fitted):
    once = history[history["frequency"] == 0].sort_values("T")
    value = models.customer_value(*fitted, once)
    assert value["p_alive"].max() < 1
    assert value["p_alive"].iloc[0] > value["p_alive"].iloc[-1]
    # no repeat purchase: the spend model's population mean, the same for all
    assert value["expected_order_value"].nunique() == 1


def test_the_plain_bg_nbd_keeps_every_one_time_buyer_alive(history, fitted):
    idata = models.fit_purchase_model(history, "beta_geo")
    assert idata.attrs["model_type"] == "BG/NBD"
    value = models.customer_value(idata, fitted[1], history)
    assert (value.loc[history["frequency"] == 0, "p_alive"] == 1).all()
    assert (value.loc[history["frequency"] > 0, "p_alive"] < 1).any()


def test_spend_shrinks_a_repeat_buyer_towards_the_population_mean(history, fitted):
    value = models.customer_value(*fitted, history)
    repeat = history["frequency"] > 0
    population = value.loc[~repeat, "expected_order_value"].iloc[0]
    own = history.loc[repeat, "monetary_value"]
    expected = value.loc[repeat, "expected_order_value"]
    low, high = np.minimum(own, population), np.maximum(own, population)
    assert ((expected >= low - 1e-6) & (expected <= high + 1e-6)).all()
    assert (expected != own).all()


def test_the_spend_model_needs_enough_repeat_buyers(history):
    few = history[history["frequency"] == 0].head(50)
    with pytest.raises(ValueError, match=r"clv\.min_repeat_buyers = 10"):
        models.fit_spend_model(few, min_repeat_buyers=10)


def test_customer_value_carries_the_olist_id(orders, history, fitted):
    value = predict_customer_value(history, *fitted, id_map_of(orders))
    assert value.columns.tolist() == [
        "person_key",
        "customer_unique_id",
        "p_alive",
        "expected_purchases_90d",
        "expected_order_value",
        "expected_spend_90d",
        "purchase_model",
        "spend_model",
        "fallback_reason",
    ]
    assert set(value["purchase_model"]) == {"MBG/NBD"}
    assert set(value["spend_model"]) == {"Gamma-Gamma"}
    assert value["fallback_reason"].isna().all()
    assert value["customer_unique_id"].iloc[0] == f"{value['person_key'].iloc[0]:032x}"
    with pytest.raises(ValueError, match="id_map: 1 person_key"):
        predict_customer_value(history, *fitted, id_map_of(orders).iloc[1:])


def _segments(value: pd.DataFrame) -> pd.DataFrame:
    segment = (value.index % 2).to_numpy()
    return pd.DataFrame(
        {
            "customer_unique_id": value["customer_unique_id"],
            "segment": segment,
            "segment_name": np.where(segment == 0, "even", "odd"),
        }
    )


def test_value_by_segment_sums_to_the_whole():
    value = pd.DataFrame(
        {
            "customer_unique_id": list("abcd"),
            "p_alive": [0.1, 0.3, 0.5, 0.7],
            "expected_purchases_90d": [0.1, 0.2, 0.3, 0.4],
            "expected_spend_90d": [10.0, 20.0, 30.0, 40.0],
            "purchase_model": "BG/NBD",
            "spend_model": "mean order value",
        }
    )
    summary = summarise_value_by_segment(value, _segments(value))
    assert summary["segment_name"].tolist() == ["even", "odd"]
    assert summary["persons"].tolist() == [2, 2]
    assert summary["p_alive_mean"].tolist() == pytest.approx([0.3, 0.5])
    assert summary["expected_spend_90d"].tolist() == pytest.approx([40.0, 60.0])
    assert summary["expected_spend_90d_mean"].tolist() == pytest.approx([20.0, 30.0])
    assert summary["expected_spend_share"].tolist() == pytest.approx([0.4, 0.6])
    assert summary["spend_model"].tolist() == ["mean order value"] * 2
    with pytest.raises(ValueError, match="1 segmented without a value"):
        summarise_value_by_segment(value.iloc[1:], _segments(value))


def test_holdout_check_recovers_the_simulated_purchases(orders, snapshot):
    check = holdout_check(orders, snapshot, "modified_beta_geo", HoldoutParams())
    buckets = check["by_calibration_frequency"]
    assert [b["calibration_frequency"] for b in buckets] == ["0", "1", "2+"]
    assert sum(b["persons"] for b in buckets) == check["persons"]
    total = check["total"]
    assert total["actual"] == sum(b["actual"] for b in buckets) > 100
    assert abs(total["relative_error"]) <= 0.2 and check["within_tolerance"]
    predicted = [b["predicted_mean"] for b in buckets]
    assert predicted == sorted(predicted)
    end = pd.Timestamp(check["holdout_end"])
    assert end - pd.Timestamp(check["calibration_end"]) == pd.Timedelta(days=180)


def test_holdout_longer_than_the_data_is_refused(orders, snapshot):
    with pytest.raises(ValueError, match=r"clv\.holdout\.days = 5000"):
        holdout_check(orders, snapshot, "beta_geo", HoldoutParams(days=5000))


def test_too_few_repeat_buyers_give_the_mean_order_value_flagged(history):
    few = pd.concat(
        [history[history["frequency"] > 0].head(8), history[history["frequency"] == 0]]
    )
    spend = fit_spend_model(few, ClvParams())
    assert isinstance(spend, models.Fallback)
    purchases = fit_purchase_model(few, ClvParams())
    value = models.customer_value(purchases, spend, few)
    order_value = few["total_value"].sum() / (few["frequency"] + 1).sum()
    assert value["expected_order_value"].tolist() == pytest.approx(
        [order_value] * len(few)
    )
    np.testing.assert_allclose(
        value["expected_spend_90d"], value["expected_purchases_90d"] * order_value
    )
    # the purchase model still fits and ranks: repeat buyers first
    assert set(value["purchase_model"]) == {"BG/NBD"}
    repeat = (few["frequency"] > 0).to_numpy()
    assert value.loc[repeat, "p_alive"].lt(1).any()
    assert set(value["spend_model"]) == {"mean order value"}
    (reason,) = set(value["fallback_reason"])
    assert "8 person(s) with a repeat purchase" in reason
    assert "clv.min_repeat_buyers = 10" in reason


def test_a_failed_purchase_fit_leaves_the_figures_empty_and_says_why(history):
    impossible = history.head(50).assign(recency=history["T"].head(50) + 1)
    purchases = fit_purchase_model(impossible, ClvParams())
    assert isinstance(purchases, models.Fallback)
    spend = fit_spend_model(impossible, ClvParams())
    value = models.customer_value(purchases, spend, impossible)
    assert (
        value[["p_alive", "expected_purchases_90d", "expected_spend_90d"]]
        .isna()
        .all()
        .all()
    )
    assert set(value["purchase_model"]) == {"none"}
    assert value["fallback_reason"].str.startswith("no purchase model:").all()


def test_a_holdout_that_cannot_be_made_is_reported_not_raised(orders):
    days = {"days": 5000}
    check = check_purchase_model_on_holdout(
        orders,
        FeatureEngineeringParams(),
        ClvParams(holdout=days),
    )
    assert check["checked"] is False
    assert check["within_tolerance"] is None
    assert "clv.holdout.days = 5000" in check["reason"]
