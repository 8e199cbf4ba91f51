"""Unit tests of the customer features on tiny primary tables.

Each test of what the features mean runs twice: on the pandas function
(``build_customer_features``) and on the node's Ibis expression run by DuckDB.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from olist_segmentation.pipelines.feature_engineering.nodes import (
    FEATURE_COLUMNS,
    build_customer_features,
    compute_customer_features,
)
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)

from .tiny_primary import SNAPSHOT, make_frames, make_order


def run_node(orders, items, reviews, snapshot_date=None, *, bad_review_max=2):
    """``compute_customer_features`` (an Ibis expression) run by DuckDB."""
    params = FeatureEngineeringParams(
        snapshot_date=None if snapshot_date is None else str(snapshot_date),
        bad_review_max=bad_review_max,
    )
    features = compute_customer_features(orders, items, reviews, params).to_pandas()
    return features.astype({"person_key": "uint32"})


@pytest.fixture(params=[build_customer_features, run_node], ids=["pandas", "ibis"])
def build(request):
    """The features on pandas frames, or the node's expression on DuckDB."""
    return request.param


def test_features_one_row_per_person_with_a_delivered_order(history, build):
    orders, items, reviews = make_frames(*history)
    features = build(orders, items, reviews, SNAPSHOT)
    assert list(features.columns) == ["person_key", *FEATURE_COLUMNS]
    assert features["person_key"].tolist() == [1, 2]
    assert features["person_key"].dtype == "uint32"
    one = features.set_index("person_key").loc[1]
    assert one["frequency"] == 2
    assert one["monetary"] == pytest.approx(450.0)
    assert one["avg_order_value"] == pytest.approx(225.0)
    assert one["recency_days"] == pytest.approx(92.0)
    assert one["tenure_days"] == pytest.approx(214.0)
    assert one["days_between_orders"] == pytest.approx(122.0)
    assert one["review_score_mean"] == pytest.approx(3.0)
    assert one["bad_review_share"] == pytest.approx(0.5)
    assert one["delivery_delay_days_mean"] == pytest.approx(-3.0)
    assert one["late_share"] == pytest.approx(0.5)
    assert one["delivery_days_mean"] == pytest.approx(20.0)
    assert one["distance_km_mean"] == pytest.approx(650.0)
    assert one["installments_mean"] == pytest.approx(3.0)
    # value-weighted: 120 * 1.0 + 330 * 0.5 credit card over 450 paid
    assert one["share_credit_card"] == pytest.approx(285 / 450)
    assert one["share_voucher"] == pytest.approx(165 / 450)
    assert one["n_categories"] == 2
    assert one["freight_share"] == pytest.approx(50 / 450)
    two = features.set_index("person_key").loc[2]
    assert np.isnan(two["review_score_mean"])
    assert two["review_share"] == 0
    assert two["share_boleto"] == 1
    assert two["days_between_orders"] == 0


def test_snapshot_defaults_to_last_purchase(history, build):
    orders, items, reviews = make_frames(*history)
    features = build(orders, items, reviews)
    # last purchase is 2017-12-20; person 2's order (2017-12-01) arrives 12-11
    assert features["person_key"].tolist() == [1, 2]
    assert features.set_index("person_key").loc[2, "recency_days"] == 19


def test_future_events_do_not_change_features(history, build):
    """Orders, deliveries and reviews after the snapshot are unknown at it."""
    rows, items = history
    before = build(*make_frames(rows, items), SNAPSHOT)
    future = [
        # a later order by a known person
        make_order(10, 1, "2018-02-01", items_price=5000.0, review_score=1.0),
        # purchased before the snapshot, delivered after it
        make_order(11, 2, "2017-12-30", items_price=999.0, delivery_delay_days=9.0),
        # a new person whose first order is after the snapshot
        make_order(12, 4, "2018-03-01"),
        # person 3's only order, delivered long after the snapshot
        make_order(
            13, 3, "2017-11-01", delivered_customer_ts=pd.Timestamp("2018-02-01")
        ),
    ]
    rows_later = [dict(row) for row in rows] + future
    # the review of person 2's order is written after the snapshot
    rows_later[2].update(review_score=1.0, review_ts=pd.Timestamp("2018-01-05"))
    items_later = [*items, (10, "garden"), (11, "auto"), (12, "toys"), (13, "toys")]
    after = build(*make_frames(rows_later, items_later), SNAPSHOT)
    pd.testing.assert_frame_equal(before, after)


def test_a_second_review_after_the_snapshot_does_not_leak_in(history, build):
    """Order 1 (score 5 on 2017-06-12) gets a second review: a 1 before the
    snapshot counts, a 1 after it does not (the order's score stays 5)."""
    rows, items = history
    before, after, counted = (
        build(*make_frames(rows, items, extra), SNAPSHOT).set_index("person_key").loc[1]
        for extra in ((), ((1, 1.0, "2018-01-02"),), ((1, 1.0, "2017-12-31"),))
    )
    pd.testing.assert_series_equal(before, after)
    assert before["review_score_mean"] == pytest.approx((5 + 1) / 2)
    # order 1 now scores (5 + 1) / 2 = 3, order 2 still 1
    assert counted["review_score_mean"] == pytest.approx((3 + 1) / 2)
    assert counted["bad_review_share"] == pytest.approx(0.5)
    assert counted["review_share"] == 1


def test_a_review_dated_at_the_snapshot_counts(history, build):
    rows, items = history
    rows = [dict(row) for row in rows]
    rows[2].update(review_score=2.0, review_ts=SNAPSHOT)
    features = build(*make_frames(rows, items), SNAPSHOT)
    two = features.set_index("person_key").loc[2]
    assert (two["review_score_mean"], two["review_share"]) == (2.0, 1.0)


def test_snapshot_before_any_delivery_gives_empty_frame(history, build):
    orders, items, reviews = make_frames(*history)
    features = build(orders, items, reviews, "2016-01-01")
    assert features.empty
    assert list(features.columns) == ["person_key", *FEATURE_COLUMNS]


def test_missing_column_names_table_and_column(history, build):
    orders, items, reviews = make_frames(*history)
    with pytest.raises(ValueError, match=r"primary_reviews.*review_ts"):
        build(orders, items, reviews.drop(columns="review_ts"), SNAPSHOT)


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"snapshot_dat": "2018-01-01"}, "snapshot_dat"),
        ({"bad_review_max": 0}, "bad_review_max"),
        ({"bad_review_max": "two"}, "bad_review_max"),
    ],
)
def test_bad_parameters_fail_naming_the_key(values, key):
    with pytest.raises(ValidationError, match=key):
        FeatureEngineeringParams.model_validate(values)
