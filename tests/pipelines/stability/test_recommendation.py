"""The maintenance contract read from a snapshot table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from olist_segmentation.pipelines.stability.params import StabilityParams
from olist_segmentation.pipelines.stability.periods import headline, period_days
from olist_segmentation.pipelines.stability.recommendation import (
    recommend_maintenance,
)

PARAMS = StabilityParams(step_days=14)
INTRINSIC = {
    "threshold": 0.9,
    "unstable": False,
    "n_persons": 900,
    "seed_ari_median": 0.99,
    "bootstrap_ari_median": 0.95,
    "reason": "stable against its own seed and bootstrap resamples",
}
#: No reference date after T0 (``stability.origins: 1``).
NO_ORIGINS = pd.DataFrame(columns=["origin", "date", "horizon_days", "ari_median"])
#: What ``stability_curves`` says of the work the analysis did.
CURVES = {"work": {"model_fits": 7, "pair_fits": 10, "predictions": 40}}


def table(median, low=None, high=None, step=14, pairs=None):
    """A snapshot table whose ARI points are ``median`` (T0 first), band edges, and
    bootstrap pairs' curves (``pairs``; by default two, along the band's edges)."""
    n = len(median)
    median = np.asarray(median, dtype=float)
    low = median - 0.05 if low is None else low
    high = median + 0.05 if high is None else high
    pairs = [low, high] if pairs is None else pairs
    return pd.DataFrame(
        {
            "date": pd.date_range("2017-09-01", periods=n, freq=f"{step}D"),
            "horizon_days": np.arange(n) * step,
            "n_persons": np.arange(n) * 10 + 100,
            "ari_cohort": median,
            "ari_median": median,
            "ari_low": low,
            "ari_high": high,
            **{f"ari_boot_{b}": curve for b, curve in enumerate(pairs)},
            "m0_step_churn": np.full(n, 0.02),
            "psi_max": np.linspace(0, 0.5, n),
            "share_shift_max": np.linspace(0, 0.04, n),
            "new_person_share": np.linspace(0, 0.6, n),
            "recent_mix_shift": np.linspace(0, 0.2, n),
            "recent_mix_shift_chance": np.full(n, 0.05),
            "features_seconds": np.full(n, 0.5),
            "predict_seconds": np.full(n, 0.1),
            "refit_seconds": np.full(n, 1.5),
        }
    )


def origin(t0: str, median, *, unstable=False, step=14, bootstrap=None) -> pd.DataFrame:
    """One later reference date's rows in ``stability_origins`` (an unstable one's
    seeds disagree)."""
    curve = table(median, step=step).iloc[1:]
    return curve.assign(
        origin=pd.Timestamp(t0),
        date=pd.Timestamp(t0) + pd.to_timedelta(curve["horizon_days"], unit="D"),
        n_persons_origin=1200,
        seed_ari_median=0.85 if unstable else 0.99,
        bootstrap_ari_median=bootstrap or (0.85 if unstable else 0.95),
        unstable=unstable,
    )


def test_the_period_is_read_from_the_median_and_the_interval_from_the_band():
    # the published decay: 0.93, 0.88, 0.80, 0.73, 0.63, 0.57 at 2..12 weeks
    rec = recommend_maintenance(
        table([1.0, 0.93, 0.88, 0.80, 0.73, 0.63, 0.57]),
        INTRINSIC,
        NO_ORIGINS,
        CURVES,
        PARAMS,
    )
    assert rec["recommended"]
    assert rec["retrain_period_days"] == 42
    assert rec["retrain_period_weeks"] == 6
    assert rec["first_below_threshold_days"] == 56
    # band +-0.05: the low edge stays at or above 0.8 for 4 weeks, the high for 6
    assert rec["retrain_period_interval_weeks"] == [4, 6]
    assert rec["ari_band_by_horizon"]["42"] == [0.75, 0.85]
    assert rec["ari_by_horizon"] == {
        "14": 0.93,
        "28": 0.88,
        "42": 0.8,
        "56": 0.73,
        "70": 0.63,
        "84": 0.57,
    }
    assert not rec["censored"]
    assert rec["n_snapshots"] == 6
    assert rec["schedule"].startswith(
        "Retrain every 6 weeks (42 days, the median over 1 reference date; "
        "interval 4-6 weeks; from 2017-09-01: 6 weeks)"
    )
    assert rec["origins"][0]["interval_weeks"] == [4, 6]
    assert rec["headline"] == "Retrain every 6 weeks (likely between 4 and 6 weeks)"


def test_the_headline_says_each_kind_of_contract_plainly():
    assert headline(None, None, False, 14) == "No retraining period is recommended"
    assert headline(0.0, [0.0, 2.0], False, 14) == "Retrain at every step of 14 days"
    assert headline(6.0, [6.0, 6.0], False, 14) == "Retrain every 6 weeks"
    assert headline(6.0, [4.0, 8.0], True, 14) == (
        "Retrain every 6 weeks, or less often: the agreement never fell below the "
        "threshold in the 6 weeks observed"
    )


def test_an_isolated_low_point_does_not_end_the_period():
    # 0.99-1.0 with one refit landing elsewhere at 4 weeks (the real sample's shape),
    # then a drop that lasts, and a recovery afterwards that does not undo it
    rec = recommend_maintenance(
        table([1.0, 0.99, 0.55, 0.99, 1.0, 0.98, 0.99, 0.6, 0.55, 0.5, 0.9, 0.95]),
        INTRINSIC,
        NO_ORIGINS,
        CURVES,
        PARAMS,
    )
    assert rec["retrain_period_days"] == 84
    assert rec["first_below_threshold_days"] == 98
    assert rec["ari_single_refit_by_horizon"]["28"] == 0.55
    # one snapshot below is enough when sustain_snapshots is 1
    strict = recommend_maintenance(
        table([1.0, 0.99, 0.55, 0.99]),
        INTRINSIC,
        NO_ORIGINS,
        CURVES,
        StabilityParams(sustain_snapshots=1),
    )
    assert strict["retrain_period_days"] == 14


def test_costs_rescoring_signals_and_published_curve():
    published = {"source": "FACTS", "ari_by_horizon": {28: 0.88, 14: 0.93}}
    params = StabilityParams(step_days=14, published=published)
    rec = recommend_maintenance(
        table([1.0, 0.93, 0.88, 0.80, 0.73, 0.7, 0.6]),
        INTRINSIC,
        NO_ORIGINS,
        CURVES,
        params,
    )
    assert rec["published"] == {
        "source": "FACTS",
        "ari_by_horizon": {"14": 0.93, "28": 0.88},
    }
    assert rec["retrain_cost"]["median_seconds"] == pytest.approx(2.0)
    assert rec["retrain_cost"]["persons_at_last_snapshot"] == 160
    assert rec["rescoring"]["cost_seconds"] == pytest.approx(0.6)
    assert rec["rescoring"]["cadence_days"] == 7
    assert rec["rescoring"]["moved_share_per_step_median"] == pytest.approx(0.02)
    # PSI 0, 0.083, 0.167, ...: past the field's warning band (0.1) at 28 days
    psi_signal = rec["monitoring_signals"]["psi_max"]
    assert psi_signal["first_fired_days"] == 28
    assert psi_signal["warned_before_ari_drop"] is True
    assert rec["monitoring_signals"]["share_shift_max"]["first_fired_days"] is None
    # ARI 0.88 then 0.80 (1 - ARI past 0.15 at 42 days), below 0.8 from 56 days
    ari_signal = rec["monitoring_signals"]["ari_loss"]
    assert ari_signal["first_fired_days"] == 42
    assert ari_signal["warned_before_ari_drop"] is True
    assert rec["caveat"] is None
    assert rec["schedule"].endswith(
        "in the history from T0 psi_max fired at 28 days, ari_loss fired at 42 days, "
        "recent_mix_shift fired at 42 days"
    )


def test_no_period_from_an_intrinsically_unstable_model():
    shaky = {**INTRINSIC, "unstable": True, "reason": "seed_ari_median below 0.9"}
    later = origin("2017-10-27", [1.0, 0.9, 0.7], unstable=True)
    rec = recommend_maintenance(table([1.0, 0.9, 0.7]), shaky, later, CURVES, PARAMS)
    assert not rec["recommended"]
    assert rec["retrain_period_weeks"] is None
    assert rec["retrain_period_interval_weeks"] is None
    assert rec["schedule"].startswith("No retraining period is recommended")
    assert "(seed_ari_median below 0.9 at T0)" in rec["caveat"]
    assert [o["unstable"] for o in rec["origins"]] == [True, True]


def test_the_period_is_the_median_over_the_reference_dates():
    # T0 drifts fast (6 weeks), the later origins slower (10 and 12 weeks)
    later = pd.concat(
        [
            origin("2017-10-27", [1.0, 0.95, 0.92, 0.9, 0.87, 0.86, 0.7, 0.6, 0.5]),
            origin("2017-12-22", [1.0] + [0.9] * 6 + [0.7, 0.6]),
        ]
    )
    rec = recommend_maintenance(
        table([1.0, 0.93, 0.88, 0.80, 0.73, 0.63, 0.57]),
        INTRINSIC,
        later,
        CURVES,
        PARAMS,
    )
    assert [o["t0"] for o in rec["origins"]] == [
        "2017-09-01",
        "2017-10-27",
        "2017-12-22",
    ]
    assert [o["period_weeks"] for o in rec["origins"]] == [6, 10, 12]
    assert rec["retrain_period_weeks"] == 10
    # each origin's interval: its two pairs' periods (curves at -0.05 and +0.05)
    assert [o["interval_weeks"] for o in rec["origins"]] == [[4, 6], [10, 10], [12, 12]]
    assert [o["replicate_period_days"] for o in rec["origins"]] == [
        [28, 42],
        [70, 70],
        [84, 84],
    ]
    # pair 0 gives 4, 10, 12 weeks and pair 1 6, 10, 12: each sample's median is 10
    # weeks, so the season (6 to 12 weeks, listed per origin) is not in the interval
    assert rec["retrain_period_by_replicate_days"] == [70, 70]
    assert rec["retrain_period_interval_weeks"] == [10, 10]
    assert rec["first_below_threshold_days"] == 56
    assert "from 2017-09-01: 6, 2017-10-27: 10, 2017-12-22: 12 weeks" in rec["schedule"]
    # the curve drawn and published stays the one from T0
    assert rec["ari_by_horizon"]["42"] == 0.8


def test_an_unstable_reference_date_is_left_out_and_named():
    shaky = {
        **INTRINSIC,
        "unstable": True,
        "n_persons": 450,
        "bootstrap_ari_median": 0.84,
    }
    later = origin("2017-10-27", [1.0, 0.95, 0.92, 0.9, 0.87, 0.86, 0.7, 0.6, 0.5])
    rec = recommend_maintenance(table([1.0, 0.5, 0.4]), shaky, later, CURVES, PARAMS)
    assert rec["recommended"]
    assert rec["retrain_period_weeks"] == 10
    assert rec["retrain_period_interval_weeks"] == [10, 10]
    assert "2017-09-01 (450 persons, 0.990 / 0.840)" in rec["caveat"]


def test_a_date_whose_seeds_agree_is_read_whatever_its_bootstrap_median():
    # seeds 0.99, bootstrap resamples 0.86: another sample of this size would give
    # partly other segments, which the pairs (each another sample) carry into the
    # interval; the date is read, and named
    resampled = origin(
        "2017-10-27", [1.0, 0.95, 0.92, 0.9, 0.87, 0.86, 0.7, 0.6, 0.5], bootstrap=0.86
    )
    rec = recommend_maintenance(
        table([1.0, 0.9, 0.85, 0.6, 0.5]), INTRINSIC, resampled, CURVES, PARAMS
    )
    assert [o["unstable"] for o in rec["origins"]] == [False, False]
    assert [o["resample_sensitive"] for o in rec["origins"]] == [False, True]
    assert [o["period_weeks"] for o in rec["origins"]] == [4, 10]
    # the lower median of 4 and 10 weeks
    assert rec["retrain_period_weeks"] == 4
    assert rec["caveat"].startswith("Read although another sample")
    assert "2017-10-27 (1200 persons, 0.990 / 0.860)" in rec["caveat"]
    assert "left out" not in rec["caveat"]
    # the bootstrap median exactly at the threshold: not named
    at = origin("2017-10-27", [1.0, 0.9, 0.7, 0.6], bootstrap=0.9)
    rec = recommend_maintenance(
        table([1.0, 0.9, 0.7, 0.6]), INTRINSIC, at, CURVES, PARAMS
    )
    assert rec["caveat"] is None


def test_censored_and_immediate_drop():
    censored = recommend_maintenance(
        table([1.0, 0.95, 0.9, 0.85]), INTRINSIC, NO_ORIGINS, CURVES, PARAMS
    )
    assert censored["censored"]
    assert censored["retrain_period_days"] == 42
    # the schedule says the headline's decision, then what it was read from
    assert censored["schedule"].startswith(
        "Retrain every 6 weeks, or less often: the agreement never fell below the "
        "threshold in the 6 weeks observed (42 days, the median over 1 reference date;"
    )
    immediate = recommend_maintenance(
        table([1.0, 0.5, 0.4]), INTRINSIC, NO_ORIGINS, CURVES, PARAMS
    )
    assert immediate["retrain_period_days"] == 0
    assert immediate["schedule"].startswith(
        "Retrain at every step of 14 days (ARI below 0.8 already at the first snapshot"
    )


def test_the_interval_is_the_quantiles_of_the_pairs_periods():
    # ten pairs whose curves cross 0.8 after 2, 4, ... 20 weeks
    n = 24
    horizons = np.arange(n)

    def crossing(week):
        return np.where(horizons <= week // 2, 0.95, 0.5)

    pairs = [crossing(week) for week in range(2, 22, 2)]
    rec = recommend_maintenance(
        table(np.median(pairs, axis=0), pairs=pairs),
        INTRINSIC,
        NO_ORIGINS,
        CURVES,
        PARAMS,
    )
    assert rec["retrain_period_by_replicate_days"] == list(range(14, 154, 14))
    # 10th and 90th percentiles, each edge one of the periods, outward
    assert rec["retrain_period_interval_weeks"] == [2, 20]
    narrow = recommend_maintenance(
        table(np.median(pairs, axis=0), pairs=pairs),
        INTRINSIC,
        NO_ORIGINS,
        CURVES,
        StabilityParams(step_days=14, band_quantiles=(0.25, 0.75)),
    )
    assert narrow["retrain_period_interval_weeks"] == [6, 16]


def test_a_pair_that_never_drops_counts_its_last_horizon():
    flat = np.full(6, 0.95)
    drop = np.array([1.0, 0.9, 0.5, 0.5, 0.5, 0.5])
    rec = recommend_maintenance(
        table(drop, pairs=[drop, flat]), INTRINSIC, NO_ORIGINS, CURVES, PARAMS
    )
    # the flat pair is censored at the last horizon (70 days): a lower bound
    assert rec["retrain_period_by_replicate_days"] == [14, 70]
    assert rec["retrain_period_interval_weeks"] == [2, 10]


def test_unstable_reference_dates_are_left_out_of_every_pair_too():
    later = origin("2017-10-27", [1.0] + [0.9] * 6 + [0.7, 0.6], unstable=True)
    rec = recommend_maintenance(
        table([1.0, 0.93, 0.88, 0.80, 0.73, 0.63, 0.57]),
        INTRINSIC,
        later,
        CURVES,
        PARAMS,
    )
    assert rec["retrain_period_by_replicate_days"] == [28, 42]
    assert rec["retrain_period_interval_weeks"] == [4, 6]


def test_period_days_needs_a_sustained_run_below_the_threshold():
    horizons = pd.Series([14, 28, 42, 56, 70])
    ari = pd.Series([0.7, 0.9, 0.7, 0.7, 0.9])
    assert period_days(horizons, ari, 0.8, 2) == (28, 42)
    assert period_days(horizons, ari, 0.8, 1) == (0, 14)
    assert period_days(horizons, ari, 0.8, 3) == (70, None)


def test_curves_left_unmeasured_once_settled_change_no_figure():
    # three pairs dropping for good after 2, 4 and 6 weeks, then recovering
    drop = [
        np.array([1.0] + [0.9] * week + [0.5] * 3 + [0.95] * (8 - week))
        for week in (1, 2, 3)
    ]
    full = table(np.median(drop, axis=0), pairs=drop)
    lazy = full.copy()
    # what the lazy analysis measures: the band until it settled, each pair until
    # its own curve settled (stability/curves.py)
    lazy.loc[5:, ["ari_median", "ari_low", "ari_high"]] = np.nan
    for b, week in enumerate((1, 2, 3)):
        lazy.loc[week + 3 :, f"ari_boot_{b}"] = np.nan
    eager = recommend_maintenance(full, INTRINSIC, NO_ORIGINS, CURVES, PARAMS)
    measured = recommend_maintenance(lazy, INTRINSIC, NO_ORIGINS, CURVES, PARAMS)
    for key in (
        "retrain_period_days",
        "retrain_period_interval_weeks",
        "retrain_period_by_replicate_days",
        "first_below_threshold_days",
        "censored",
        "headline",
    ):
        assert measured[key] == eager[key]
    assert eager["retrain_period_by_replicate_days"] == [14, 28, 42]
    # the curve and band are given where measured, never filled in
    assert list(measured["ari_by_horizon"]) == [str(14 * k) for k in range(1, 5)]
    assert set(measured["ari_band_by_horizon"]) == set(measured["ari_by_horizon"])
    assert measured["computation"] == CURVES["work"]


def test_the_contract_is_the_lower_median_over_an_even_number_of_dates():
    # periods 2, 4 (T0), 6 and 8 weeks: the lower of the middle two is 4 weeks
    later = pd.concat(
        [
            origin("2017-10-27", [1.0, 0.9, 0.9, 0.9, 0.5, 0.5, 0.5]),
            origin("2017-12-22", [1.0, 0.9, 0.9, 0.9, 0.9, 0.5, 0.5]),
            origin("2018-02-16", [1.0, 0.9, 0.5, 0.5, 0.5]),
        ],
        ignore_index=True,
    )
    rec = recommend_maintenance(
        table([1.0, 0.9, 0.9, 0.5, 0.5]), INTRINSIC, later, CURVES, PARAMS
    )
    assert sorted(o["period_days"] for o in rec["origins"]) == [14, 28, 42, 56]
    assert rec["retrain_period_days"] == 28


def test_with_twenty_pairs_one_outlying_pair_does_not_set_an_edge():
    # 18 pairs drop after 6 weeks, one after 2 and one never (the 10th and 90th
    # percentiles of 20 periods, taken outward, are the 2nd and 19th values)
    n = 12
    horizons = np.arange(n)

    def crossing(week):
        return np.where(horizons <= week // 2, 0.95, 0.5)

    pairs = [crossing(6)] * 18 + [crossing(2), np.full(n, 0.95)]
    rec = recommend_maintenance(
        table(np.median(pairs, axis=0), pairs=pairs),
        INTRINSIC,
        NO_ORIGINS,
        CURVES,
        PARAMS,
    )
    assert sorted(rec["retrain_period_by_replicate_days"]) == [14] + [42] * 18 + [154]
    assert rec["retrain_period_interval_weeks"] == [6, 6]
    # with four pairs the same two outliers are the edges
    four = [crossing(6), crossing(6), crossing(2), np.full(n, 0.95)]
    rec4 = recommend_maintenance(
        table(np.median(four, axis=0), pairs=four),
        INTRINSIC,
        NO_ORIGINS,
        CURVES,
        PARAMS,
    )
    assert rec4["retrain_period_interval_weeks"] == [2, 22]
