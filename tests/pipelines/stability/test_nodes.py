"""Unit tests of the stability nodes on tiny primary tables with a planted shift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from olist_segmentation.pipelines.stability import nodes
from olist_segmentation.pipelines.stability.params import StabilityParams

from .conftest import SHIFT, reviews_of


@pytest.fixture(scope="module")
def evaluated(primary_tables):
    """Plan, M0 and the snapshot table of the fixture data (computed once)."""
    orders, items = primary_tables
    spec = {
        "algorithm": "kmeans",
        "params": {"n_clusters": 2},
        "features": ["monetary", "frequency", "recency_days"],
        "log_features": ["monetary"],
        "scaler": "standard",
        "seed": 42,
        "fit_sample_size": None,
    }
    params = {"t0": "2017-09-01", "step_days": 28, "min_persons_t0": 50}
    feature_params = {"bad_review_max": 2}
    plan = nodes.plan_snapshots(orders, params)
    m0, f0 = nodes.fit_reference_model(
        orders, items, reviews_of(orders), spec, plan, feature_params
    )
    final = nodes.fit_spec(
        spec,
        nodes.features_as_of(
            orders, items, reviews_of(orders), plan["data_end"], feature_params
        ),
    )
    snapshots = nodes.evaluate_snapshots(
        orders=orders,
        order_items=items,
        reviews=reviews_of(orders),
        selected_spec=spec,
        reference_model=m0,
        reference_features=f0,
        segmentation_model=final,
        plan=plan,
        params=params,
        feature_params=feature_params,
    )
    return {"spec": spec, "params": params, "plan": plan, "f0": f0, "snaps": snapshots}


def test_params_reject_unknown_keys_and_bad_ranges():
    with pytest.raises(
        ValueError, match="parameters_stability.yml: unknown key.*'stepdays'"
    ):
        StabilityParams.from_dict({"stepdays": 14})
    with pytest.raises(ValueError, match="ari_threshold must be in"):
        StabilityParams.from_dict({"ari_threshold": 1.5})
    with pytest.raises(ValueError, match="stability.monitoring"):
        StabilityParams.from_dict({"monitoring": {"psy": 0.2}})


def test_plan_covers_t0_to_end_of_data(evaluated, primary_tables):
    orders, _ = primary_tables
    plan = evaluated["plan"]
    dates = pd.to_datetime(plan["dates"])
    assert dates[0] == pd.Timestamp("2017-09-01")
    assert (np.diff(dates) == pd.Timedelta(days=28)).all()
    last_delivered = orders.loc[orders["is_delivered"], "purchase_ts"].max()
    assert dates[-1] <= last_delivered + pd.Timedelta(days=1)
    assert dates[-1] + pd.Timedelta(days=28) > last_delivered


def test_plan_fails_when_t0_has_too_few_persons(primary_tables):
    orders, _ = primary_tables
    with pytest.raises(ValueError, match=r"delivered_customer_ts: only \d+ persons"):
        nodes.plan_snapshots(orders, {"t0": "2017-01-05", "min_persons_t0": 50})


def test_features_are_recomputed_as_of_each_snapshot(evaluated):
    snaps = evaluated["snaps"]
    assert snaps["n_persons"].is_monotonic_increasing
    assert snaps["n_persons"].iloc[-1] > snaps["n_persons"].iloc[0]
    assert (snaps["n_cohort"] + snaps["n_new"] == snaps["n_persons"]).all()
    assert (snaps["n_cohort"] == len(evaluated["f0"])).all()
    assert (snaps["n_cohort_missing"] == 0).all()
    assert snaps.loc[0, "n_new"] == 0
    assert snaps["new_person_share"].iloc[-1] > 0.3


def test_ari_is_one_at_t0_and_falls_after_the_planted_shift(evaluated):
    snaps = evaluated["snaps"]
    assert snaps.loc[0, "ari_cohort"] == pytest.approx(1.0)
    before = snaps[snaps["date"] <= SHIFT]
    late = snaps[snaps["date"] >= SHIFT + pd.Timedelta(days=120)]
    assert before["ari_cohort"].min() >= 0.9
    assert late["ari_cohort"].max() < 0.5


def test_recent_joiners_mix_shows_the_planted_persona(evaluated, primary_tables):
    orders, items = primary_tables
    # segments by spending only: T0's joiners are half small, half big spenders
    spec = {**evaluated["spec"], "features": ["monetary"]}
    plan, params = evaluated["plan"], evaluated["params"]
    m0, f0 = nodes.fit_reference_model(
        orders, items, reviews_of(orders), spec, plan, {}
    )
    snaps = nodes.evaluate_snapshots(
        orders=orders,
        order_items=items,
        reviews=reviews_of(orders),
        selected_spec=spec,
        reference_model=m0,
        reference_features=f0,
        segmentation_model=m0,
        plan=plan,
        params=params,
        feature_params={},
    )
    assert np.isnan(snaps.loc[0, "recent_mix_shift"])
    assert (snaps["n_recent"].iloc[1:] == snaps["n_persons"].diff().iloc[1:]).all()
    before = snaps[(snaps["snapshot"] > 0) & (snaps["date"] <= SHIFT)]
    after = snaps[snaps["date"] >= SHIFT + pd.Timedelta(days=28)]
    # every joiner after the shift is a huge spender: all in M0's big segment
    assert before["recent_mix_shift"].max() < 0.25
    assert after["recent_mix_shift"].min() > 0.35


def test_shares_and_drift_columns(evaluated):
    snaps = evaluated["snaps"]
    for prefix in ("share_m0_", "share_final_"):
        columns = [c for c in snaps.columns if c.startswith(prefix)]
        assert len(columns) == 2
        np.testing.assert_allclose(snaps[columns].sum(axis=1), 1.0)
    psi_columns = {f"psi_{f}" for f in evaluated["spec"]["features"]}
    assert psi_columns <= set(snaps.columns)
    assert snaps.loc[0, list(psi_columns)].abs().max() < 1e-9
    assert snaps["psi_monetary"].iloc[-1] > 0.2
    np.testing.assert_allclose(snaps["psi_max"], snaps[sorted(psi_columns)].max(axis=1))


def test_psi_fixed_bins_missing_values_and_out_of_range():
    rng = np.random.default_rng(0)
    reference = pd.Series(rng.normal(0, 1, 5000))
    assert nodes.psi(reference, pd.Series(rng.normal(0, 1, 5000)), 10) < 0.02
    assert nodes.psi(reference, pd.Series(rng.normal(1, 1, 5000)), 10) > 0.2
    # values far beyond the T0 range land in the open outer bins
    assert nodes.psi(reference, pd.Series(np.full(100, 50.0)), 10) > 1
    with_missing = pd.Series(np.r_[rng.normal(0, 1, 2500), np.full(2500, np.nan)])
    assert nodes.psi(reference, with_missing, 10) > 0.5
    discrete = pd.Series(np.r_[np.ones(900), np.full(100, 2.0)])
    assert nodes.psi(discrete, discrete.copy(), 10) == pytest.approx(0.0)


def test_intrinsic_stability_flags_an_unstable_spec(evaluated):
    params = {**evaluated["params"], "intrinsic_seeds": 3, "intrinsic_bootstraps": 2}
    # two well separated spending levels at T0: any seed or resample finds them
    clear = {**evaluated["spec"], "features": ["monetary"]}
    stable = nodes.measure_intrinsic_stability(evaluated["f0"], clear, params)
    assert len(stable["seed_ari"]) == 2
    assert len(stable["bootstrap_ari"]) == 2
    assert stable["seed_ari_median"] == pytest.approx(1.0)
    assert not stable["unstable"]
    # one random init, many clusters on one uniform-ish feature: seeds disagree
    shaky = {
        **evaluated["spec"],
        "params": {"n_clusters": 9, "n_init": 1, "init": "random", "max_iter": 3},
        "features": ["recency_days"],
        "log_features": [],
    }
    unstable = nodes.measure_intrinsic_stability(evaluated["f0"], shaky, params)
    assert unstable["unstable"]
    assert unstable["seed_ari_median"] < 0.8
    assert unstable["reason"].startswith("seed_ari_median")


def _table(ari: list[float], step: int = 14) -> pd.DataFrame:
    n = len(ari)
    return pd.DataFrame(
        {
            "date": pd.date_range("2017-09-01", periods=n, freq=f"{step}D"),
            "horizon_days": np.arange(n) * step,
            "n_persons": np.arange(n) * 10 + 100,
            "ari_cohort": ari,
            "psi_max": np.linspace(0, 0.5, n),
            "share_shift_max": np.linspace(0, 0.04, n),
            "new_person_share": np.linspace(0, 0.6, n),
            "recent_mix_shift": np.linspace(0, 0.2, n),
            "features_seconds": np.full(n, 0.5),
            "refit_seconds": np.full(n, 1.5),
        }
    )


INTRINSIC = {
    "threshold": 0.8,
    "unstable": False,
    "seed_ari_median": 0.99,
    "reason": "stable against its own seed and bootstrap resamples",
}
SPEC = {"algorithm": "kmeans"}


def test_recommendation_is_the_last_horizon_before_ari_drops():
    table = _table([1.0, 0.93, 0.88, 0.80, 0.73, 0.85, 0.6])
    rec = nodes.recommend_maintenance(table, INTRINSIC, SPEC, {"step_days": 14})
    assert rec["retrain_period_days"] == 42
    assert rec["retrain_period_weeks"] == 6
    assert rec["first_below_threshold_days"] == 56
    assert not rec["censored"]
    assert rec["n_snapshots"] == 6
    assert rec["retrain_cost"]["median_seconds"] == pytest.approx(2.0)
    assert rec["retrain_cost"]["persons_at_last_snapshot"] == 160
    psi_signal = rec["monitoring_signals"]["psi_max"]
    assert psi_signal["first_fired_days"] == 42
    assert psi_signal["warned_before_ari_drop"] is True
    assert rec["monitoring_signals"]["share_shift_max"]["first_fired_days"] is None
    assert rec["caveat"] is None
    assert rec["schedule"].endswith(
        "ARI fell below 0.8 at 56 days; in this history psi_max fired at 42 days, "
        "recent_mix_shift fired at 42 days"
    )


def test_recommendation_warns_when_the_spec_is_unstable():
    shaky = {**INTRINSIC, "unstable": True, "reason": "seed_ari_median below 0.8"}
    rec = nodes.recommend_maintenance(
        _table([1.0, 0.9, 0.7]), shaky, SPEC, {"step_days": 14}
    )
    assert "unstable against its own seed (seed_ari_median below 0.8)" in rec["caveat"]


def test_recommendation_censored_and_immediate_drop():
    censored = nodes.recommend_maintenance(
        _table([1.0, 0.95, 0.9, 0.85]), INTRINSIC, SPEC, {"step_days": 14}
    )
    assert censored["censored"]
    assert censored["retrain_period_days"] == 42
    assert "never fell below" in censored["schedule"]
    immediate = nodes.recommend_maintenance(
        _table([1.0, 0.5, 0.4]), INTRINSIC, SPEC, {"step_days": 14}
    )
    assert immediate["retrain_period_days"] == 0
    assert "retrain at every step of 14 days" in immediate["schedule"]


def test_plots_show_threshold_and_every_series(evaluated):
    snaps = evaluated["snaps"]
    rec = nodes.recommend_maintenance(
        snaps, INTRINSIC, evaluated["spec"], evaluated["params"]
    )
    ari = nodes.plot_ari_over_time(snaps, rec)
    assert [t.name for t in ari.data] == ["persons known at T0", "persons new since T0"]
    assert len(ari.data[0].x) == len(snaps) - 1
    assert any(shape.y0 == 0.8 for shape in ari.layout.shapes)
    assert any(shape.y0 == 0.99 for shape in ari.layout.shapes)
    drift = nodes.plot_feature_drift(snaps, evaluated["params"])
    assert {t.name for t in drift.data} == set(evaluated["spec"]["features"])
    assert any(shape.y0 == 0.2 for shape in drift.layout.shapes)
    shares = nodes.plot_segment_shares(snaps)
    assert [t.name for t in shares.data] == [
        "segment 0",
        "segment 1",
        "new since T0",
        "mix shift of recent joiners",
    ]
