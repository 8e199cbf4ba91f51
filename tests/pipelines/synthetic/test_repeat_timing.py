"""A repeat buyer's orders follow one another by ``repeat_gaps`` (customers.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from olist_segmentation.pipelines.synthetic.customers import _day_weights, _repeat_times
from olist_segmentation.pipelines.synthetic.draws import DAY, epoch
from olist_segmentation.pipelines.synthetic.params import SyntheticParams

from .conftest import synthetic_params

PARAMS = SyntheticParams.model_validate(synthetic_params())


@pytest.fixture(scope="module")
def timed():
    """90,000 one-order and 3,000 two-order buyers (about the real mix), their
    calendar draws and those moved."""
    rng = np.random.default_rng(0)
    counts = rng.permutation(np.r_[np.ones(90_000, int), np.full(3_000, 2)])
    person = np.repeat(np.arange(len(counts)), counts)
    day_start, weight = _day_weights()
    drawn = day_start[rng.choice(len(day_start), len(person), p=weight / weight.sum())]
    drawn = drawn + rng.uniform(0, DAY, len(person))
    moved = _repeat_times(
        np.random.default_rng(1), PARAMS, drawn, person, (day_start, weight)
    )
    return counts, person, drawn, moved


def test_gaps_are_the_real_samples(timed):
    counts, person, _, moved = timed
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    pairs = starts[counts == 2]
    gap_days = (moved[pairs + 1] - moved[pairs]) / DAY
    assert (gap_days >= 0).all()
    gaps = PARAMS.repeat_gaps
    # Sequences squeezed before last_delivered_purchase shorten a few gaps, never
    # lengthen them.
    assert abs((gap_days < 1).mean() - gaps.same_day_share) < 0.03
    assert (
        0.8 * gaps.median_days
        < np.median(gap_days[gap_days >= 1])
        <= gaps.median_days * 1.05
    )


def test_one_order_buyers_keep_their_calendar_time(timed):
    counts, person, drawn, moved = timed
    single = np.repeat(counts == 1, counts)
    np.testing.assert_array_equal(moved[single], drawn[single])


def test_repeat_orders_end_by_the_last_delivered_purchase_and_skip_closed_days(timed):
    counts, person, drawn, moved = timed
    repeat = np.repeat(counts == 2, counts)
    assert moved[repeat].max() < epoch(PARAMS.last_delivered_purchase) + DAY
    months = pd.to_datetime(moved, unit="s").strftime("%Y-%m")
    assert "2016-11" not in set(months)


def _by_month(times: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(times, unit="s").to_period("M")).value_counts()


def test_the_calendar_volume_is_kept_by_month(timed):
    _, _, drawn, moved = timed
    before, after = _by_month(drawn), _by_month(moved)
    busy = before[before > 1000].index
    assert (abs(after[busy] / before[busy] - 1) < 0.03).all()
