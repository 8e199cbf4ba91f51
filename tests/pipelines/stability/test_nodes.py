"""Unit tests of the stability nodes on tiny primary tables with a planted shift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from olist_segmentation.pipelines.modelling.model_ops import features_of
from olist_segmentation.pipelines.stability import nodes, snapshots
from olist_segmentation.pipelines.stability.params import StabilityParams

from .conftest import PRODUCTION_FEATURE_PARAMS, SHIFT, make_model, snapshot_fits

FEATURES = ("monetary", "frequency", "recency_days")


def evaluate(tables, production, params):
    """Plan, the features and fits of every snapshot, M0 and the snapshot table."""
    orders = tables[0]
    plan = snapshots.plan_snapshots(orders, params)
    features, seconds, fitted, m0, curves = snapshot_fits(
        tables, production, plan, params, PRODUCTION_FEATURE_PARAMS
    )
    table = nodes.evaluate_snapshots(
        orders=orders,
        snapshot_features=features,
        feature_seconds=seconds,
        fits=fitted,
        curves=curves,
        segmentation_model=production,
        plan=plan,
        params=params,
    )
    return {
        "plan": plan,
        "m0": m0,
        "f0": features[plan["t0"]],
        "replicates": fitted[plan["t0"]]["replicates"],
        "seconds": seconds,
        "features": features,
        "fits": fitted,
        "snaps": table,
    }


@pytest.fixture(scope="module")
def evaluated(primary_tables):
    """The two-cluster model on spending, frequency and recency (computed once)."""
    params = StabilityParams(step_days=28, min_persons_t0=50, bootstraps=3)
    production = snapshots.refit(
        make_model(),
        snapshots.features_as_of(
            *primary_tables, "2018-08-01", PRODUCTION_FEATURE_PARAMS
        ),
    )
    return {
        "params": params,
        "production": production,
        **evaluate(primary_tables, production, params),
    }


def test_m0_and_its_replicates_are_clones_fitted_at_t0(evaluated, primary_tables):
    f0, m0, replicates = evaluated["f0"], evaluated["m0"], evaluated["replicates"]
    production = evaluated["production"]
    assert len(f0) == evaluated["snaps"].loc[0, "n_persons"]
    assert f0["recency_days"].min() >= 0
    labels = snapshots.assign(m0, f0)
    assert (labels.index == f0["person_key"].to_numpy()).all()
    # M0 is the production model's settings refitted on T0's features
    assert m0 is not production
    np.testing.assert_array_equal(
        labels, snapshots.assign(snapshots.refit(production, f0), f0)
    )
    drawn = snapshots.bootstrap_draws(primary_tables[0], 3)
    assert sorted(replicates) == [0, 1, 2]
    for b, replicate in replicates.items():
        assert features_of(replicate) == features_of(m0) == list(FEATURES)
        # replicate b: seed b + 1 on the persons draw b holds, as of T0
        direct = snapshots.refit(production, snapshots.resample(f0, drawn[b]), b + 1)
        np.testing.assert_array_equal(
            snapshots.assign(replicate, f0), snapshots.assign(direct, f0)
        )
        # close to M0, yet not M0: another sample of the same persons
        assert replicate is not m0
        assert snapshots.ari(labels, snapshots.assign(replicate, f0)) > 0.9


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
    assert before["ari_median"].min() >= 0.9
    # the single refit is followed over the whole history, the pairs until settled
    assert late["ari_cohort"].max() < 0.5


def test_every_point_has_a_band_from_the_bootstrap_pairs(evaluated):
    snaps = evaluated["snaps"]
    boots = [f"ari_boot_{b}" for b in range(3)]
    assert set(boots) <= set(snaps.columns)
    # measured while T0's curves are unsettled: from the first snapshot after T0
    banded = snaps.dropna(subset=["ari_median"])
    assert banded.index[0] == 1
    assert banded.index.tolist() == list(range(1, 1 + len(banded)))
    snaps = banded
    values = snaps[["ari_cohort", *boots]]
    np.testing.assert_allclose(snaps["ari_median"], values.median(axis=1))
    np.testing.assert_allclose(snaps["ari_low"], values.quantile(0.1, axis=1))
    np.testing.assert_allclose(snaps["ari_high"], values.quantile(0.9, axis=1))
    assert (snaps["ari_low"] <= snaps["ari_high"]).all()
    # the bootstrap pairs differ from the single refit: the band has a width
    assert (snaps["ari_high"] - snaps["ari_low"]).max() > 0.01


def test_rescoring_moves_members_as_the_frozen_model_says(evaluated):
    snaps, m0, plan = evaluated["snaps"], evaluated["m0"], evaluated["plan"]
    frames = [evaluated["features"][d] for d in plan["dates"]]
    labels = [snapshots.assign(m0, f) for f in frames]
    at_t0 = labels[0]
    for k in range(1, len(frames)):
        both = labels[k - 1].index.intersection(labels[k].index)
        moved = (labels[k].loc[both] != labels[k - 1].loc[both]).mean()
        assert snaps.loc[k, "m0_step_churn"] == pytest.approx(moved)
        cohort = labels[k].loc[labels[k].index.isin(at_t0.index)]
        changed = (cohort != at_t0.loc[cohort.index]).mean()
        assert snaps.loc[k, "m0_label_churn"] == pytest.approx(changed)
    assert snaps.loc[0, "m0_step_churn"] == 0
    # recency grows every step: the frozen model moves some persons between segments
    assert snaps["m0_step_churn"].iloc[1:].max() > 0
    # the costs are this run's: each date's features and refit, as timed there
    by_date = snaps.set_index(snaps["date"].map(pd.Timestamp.isoformat))
    for date in plan["dates"]:
        assert by_date.loc[date, "features_seconds"] == evaluated["seconds"][date]
        assert (
            by_date.loc[date, "refit_seconds"]
            == (evaluated["fits"][date]["refit_seconds"])
        )


def test_recent_joiners_mix_shows_the_planted_persona(evaluated, primary_tables):
    # segments by spending only: T0's joiners are half small, half big spenders
    production = snapshots.refit(make_model(features=("monetary",)), evaluated["f0"])
    snaps = evaluate(primary_tables, production, evaluated["params"])["snaps"]
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
    psi_columns = {f"psi_{f}" for f in FEATURES}
    assert psi_columns == {c for c in snaps.columns if c.startswith("psi_")} - {
        "psi_max"
    }
    assert snaps.loc[0, list(psi_columns)].abs().max() < 1e-9
    assert snaps["psi_monetary"].iloc[-1] > 0.2
    np.testing.assert_allclose(snaps["psi_max"], snaps[sorted(psi_columns)].max(axis=1))


def measured(model, features, params):
    """Intrinsic stability of ``model`` refitted on ``features``: seeds 1 and 2, and
    two bootstrap replicates of the persons."""
    fit = {
        "model": model,
        "seed_models": [snapshots.refit(model, features, s) for s in (1, 2)],
        "replicates": {
            s: snapshots.refit(
                model, features.sample(frac=1, replace=True, random_state=s), s
            )
            for s in (1, 2)
        },
    }
    return nodes.intrinsic_at(features, fit, params)


def test_intrinsic_stability_flags_an_unstable_model(evaluated):
    f0, params = evaluated["f0"], evaluated["params"]
    # two well separated spending levels at T0: any seed or resample finds them
    clear = snapshots.refit(make_model(features=("monetary",)), f0)
    stable = measured(clear, f0, params)
    assert len(stable["seed_ari"]) == 2
    assert len(stable["bootstrap_ari"]) == 2
    assert stable["seed_ari_median"] == pytest.approx(1.0)
    assert stable["bootstrap_ari_median"] > 0.95
    assert not stable["unstable"]
    # one random init, many clusters on one uniform-ish feature: seeds disagree
    shaky = snapshots.refit(
        make_model(
            features=("recency_days",),
            log_features=(),
            n_clusters=9,
            n_init=1,
            init="random",
            max_iter=3,
        ),
        f0,
    )
    unstable = measured(shaky, f0, params)
    assert unstable["unstable"]
    assert unstable["seed_ari_median"] < 0.9
    assert unstable["reason"].startswith("seed_ari_median")


def test_resamples_far_from_the_frozen_model_leave_the_date_out(evaluated):
    f0, params = evaluated["f0"], evaluated["params"]
    frozen = snapshots.refit(make_model(features=("monetary",)), f0)
    # the seed refits are the frozen model's own optimum; each "resample" splits the
    # persons elsewhere (another number of segments): what a tiny sample's bootstrap
    # replicates do
    fit = {
        "model": frozen,
        "seed_models": [snapshots.refit(frozen, f0) for _ in range(2)],
        "replicates": {
            k: snapshots.refit(make_model(features=("monetary",), n_clusters=k), f0)
            for k in (4, 5)
        },
    }
    found = nodes.intrinsic_at(f0, fit, params)
    assert found["seed_ari_median"] == pytest.approx(1.0)
    assert found["bootstrap_ari_median"] < params.ari_threshold
    assert found["unstable"]
    assert not found["resample_sensitive"]
    assert found["reason"] == "bootstrap_ari_median below the ari_threshold 0.8"


@pytest.mark.parametrize(
    ("seeds", "resamples", "unstable", "sensitive"),
    [
        (1.0, 0.95, False, False),
        # the seed refits land elsewhere: left out, whatever the resamples
        (0.89, 0.95, True, False),
        (0.9, 0.95, False, False),
        # resamples between the ari threshold and the intrinsic one: read, named
        (1.0, 0.89, False, True),
        (1.0, 0.8, False, True),
        (1.0, 0.9, False, False),
        # resamples alone below the agreement the period is read at: left out
        (1.0, 0.79, True, False),
        (0.5, 0.5, True, False),
    ],
)
def test_which_reference_dates_are_read(seeds, resamples, unstable, sensitive):
    found = nodes.gate(seeds, resamples, StabilityParams())
    assert (found["unstable"], found["resample_sensitive"]) == (unstable, sensitive)
