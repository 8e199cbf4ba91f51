"""Features and fits made once per snapshot date, shared by every curve."""

from __future__ import annotations

import pandas as pd
import pytest

from olist_segmentation.pipelines.stability import fits, origins, snapshots
from olist_segmentation.pipelines.stability.params import StabilityParams

from .conftest import snapshot_fits


def fitted(primary_tables, kmeans_model, feature_params, **settings):
    orders = primary_tables[0]
    params = StabilityParams(
        t0="2017-09-01",
        step_days=28,
        min_persons_t0=50,
        bootstraps=2,
        origins=3,
        **settings,
    )
    production = snapshots.refit(
        kmeans_model,
        snapshots.features_as_of(*primary_tables, "2018-06-01", feature_params),
    )
    plan = snapshots.plan_snapshots(orders, params)
    features, seconds, models, m0 = snapshot_fits(
        primary_tables, production, plan, params, feature_params
    )
    return params, plan, production, features, seconds, models, m0


def labels(model, features):
    return snapshots.assign(model, features).to_numpy()


def test_snapshot_dates_cover_reference_dates_off_the_t0_grid():
    plan = {
        "t0": "2017-09-01T00:00:00",
        "step_days": 28,
        "data_end": "2018-01-01T00:00:00",
        "dates": [
            d.isoformat() for d in pd.date_range("2017-09-01", "2018-01-01", freq="28D")
        ],
        "origins": ["2017-09-01T00:00:00", "2017-10-11T00:00:00"],
    }
    dates = fits.snapshot_dates(plan)
    assert set(plan["dates"]) < set(dates)
    assert set(snapshots.curve_dates(plan, "2017-10-11T00:00:00")) <= set(dates)
    assert "2017-11-08T00:00:00" in dates
    assert dates == sorted(dates)


def test_every_fit_is_the_refit_it_stands_for(
    primary_tables, kmeans_model, feature_params
):
    params, plan, production, features, seconds, models, m0 = fitted(
        primary_tables, kmeans_model, feature_params
    )
    assert set(models) == set(features) == set(seconds)
    assert m0 is models[plan["t0"]]["model"]
    drawn = snapshots.bootstrap_draws(primary_tables[0], params.bootstraps)
    origin = plan["origins"][1]
    own = snapshots.features_as_of(*primary_tables, origin, feature_params)
    at = models[origin]
    assert (
        labels(at["model"], own).tolist()
        == labels(snapshots.refit(production, own), own).tolist()
    )
    for b, replicate in enumerate(at["replicates"]):
        direct = snapshots.refit(production, snapshots.resample(own, drawn[b]), b + 1)
        assert labels(replicate, own).tolist() == labels(direct, own).tolist()
    for seed, other in zip((1, 2), at["seed_models"], strict=True):
        direct = snapshots.refit(production, own, seed)
        assert labels(other, own).tolist() == labels(direct, own).tolist()
    # seed refits only where an intrinsic stability is measured
    assert all(
        (len(fit["seed_models"]) == 2) == (date in plan["origins"])
        for date, fit in models.items()
    )
    assert all(fit["refit_seconds"] > 0 for fit in models.values())


def test_workers_do_not_change_a_fit(primary_tables, kmeans_model, feature_params):
    *_, one_worker, _ = fitted(primary_tables, kmeans_model, feature_params, n_jobs=1)
    *_, features, _, two_workers, _ = fitted(
        primary_tables, kmeans_model, feature_params, n_jobs=2
    )
    for date, frame in features.items():
        for kind in ("model", "replicates"):
            left, right = one_worker[date][kind], two_workers[date][kind]
            pairs = (
                zip(left, right, strict=True)
                if kind == "replicates"
                else [(left, right)]
            )
            for a, b in pairs:
                assert labels(a, frame).tolist() == labels(b, frame).tolist()


def test_an_origin_curve_compares_its_frozen_fit_with_the_later_refits(
    primary_tables, kmeans_model, feature_params
):
    params, plan, production, features, _, models, _ = fitted(
        primary_tables, kmeans_model, feature_params
    )
    table = origins.evaluate_origins(features, models, plan, params)
    origin = plan["origins"][1]
    row = table[table["origin"] == pd.Timestamp(origin)].iloc[0]
    later = snapshots.curve_dates(plan, origin)[1]
    frozen = snapshots.refit(
        production, snapshots.features_as_of(*primary_tables, origin, feature_params)
    )
    now = snapshots.features_as_of(*primary_tables, later, feature_params)
    cohort = now[now["person_key"].isin(features[origin]["person_key"])]
    expected = snapshots.ari(
        snapshots.assign(frozen, cohort),
        snapshots.assign(snapshots.refit(production, now), cohort),
    )
    assert row["date"] == pd.Timestamp(later)
    assert row["ari_cohort"] == pytest.approx(expected)
