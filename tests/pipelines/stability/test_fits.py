"""Features and fits made once per snapshot date, shared by every curve."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest
from joblib import effective_n_jobs

from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from olist_segmentation.pipelines.stability import fits, origins, snapshots
from olist_segmentation.pipelines.stability.curves import SharedLabels
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
    features, seconds, models, m0, curves = snapshot_fits(
        primary_tables, production, plan, params, feature_params
    )
    return params, plan, production, features, seconds, models, m0, curves


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
    params, plan, production, features, seconds, models, m0, _ = fitted(
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
    # every pair at a reference date: its curve starts there
    assert sorted(at["replicates"]) == [0, 1]
    for b, replicate in at["replicates"].items():
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
    *_, one_worker, _, _ = fitted(
        primary_tables, kmeans_model, feature_params, n_jobs=1
    )
    *_, features, _, two_workers, _, _ = fitted(
        primary_tables, kmeans_model, feature_params, n_jobs=2
    )
    for date, frame in features.items():
        left, right = one_worker[date], two_workers[date]
        assert sorted(left["replicates"]) == sorted(right["replicates"])
        pairs = [(left["model"], right["model"])] + [
            (left["replicates"][b], right["replicates"][b]) for b in left["replicates"]
        ]
        for a, b in pairs:
            assert labels(a, frame).tolist() == labels(b, frame).tolist()


def eager_curve(production, features, drawn, origin, dates):
    """Today's rule without laziness: every pair refitted at every date of the
    curve from ``origin``; ``{date: [single ARI, pair ARIs...]}``."""

    def fits_at(date):
        frame = features[date]
        return [snapshots.refit(production, frame)] + [
            snapshots.refit(production, snapshots.resample(frame, d), b + 1)
            for b, d in enumerate(drawn)
        ]

    frozen = fits_at(origin)
    cohort = features[origin]["person_key"]
    found = {}
    for date in dates:
        now = features[date]
        members = now[now["person_key"].isin(cohort)]
        found[date] = [
            snapshots.ari(snapshots.assign(f, members), snapshots.assign(r, members))
            for f, r in zip(frozen, fits_at(date), strict=True)
        ]
    return found


def test_lazy_pairs_give_the_eager_figures_where_measured(
    primary_tables, kmeans_model, feature_params
):
    params, plan, production, features, _, models, _, curves = fitted(
        primary_tables, kmeans_model, feature_params
    )
    drawn = snapshots.bootstrap_draws(primary_tables[0], params.bootstraps)
    pairs = ["ari_boot_0", "ari_boot_1"]
    for origin, table in curves["tables"].items():
        dates = [str(d.isoformat()) for d in table["date"]]
        eager = eager_curve(production, features, drawn, origin, dates)
        for date, (_, row) in zip(dates, table.iterrows(), strict=True):
            expected = eager[date]
            assert row["ari_cohort"] == pytest.approx(expected[0], abs=1e-12)
            for b, column in enumerate(pairs):
                if not np.isnan(row[column]):
                    assert row[column] == pytest.approx(expected[1 + b], abs=1e-12)
            if not np.isnan(row["ari_median"]):
                assert row["ari_median"] == pytest.approx(np.median(expected))
        # a pair left out is one whose own curve had settled, with the band
        measured = table[pairs].notna()
        for column in pairs:
            assert measured[column].is_monotonic_decreasing
            gone = ~measured[column]
            assert table.loc[gone, "ari_median"].isna().all()
    # a pair refit at a date exists exactly where some curve measured it
    for date, fit in models.items():
        used = {
            b
            for table in curves["tables"].values()
            for b, column in enumerate(pairs)
            if (table["date"] == pd.Timestamp(date)).any()
            and table.loc[table["date"] == pd.Timestamp(date), column].notna().any()
        }
        if date in plan["origins"]:
            used = {0, 1}
        assert set(fit["replicates"]) == used


def test_settled_curves_fit_no_more_pairs(primary_tables, kmeans_model, feature_params):
    # a threshold only an exact agreement reaches, one snapshot below settles a curve
    params, plan, _, features, _, models, _, curves = fitted(
        primary_tables,
        kmeans_model,
        feature_params,
        ari_threshold=1.0,
        sustain_snapshots=1,
    )
    work = curves["work"]
    assert work["pair_fits"] == sum(len(f["replicates"]) for f in models.values())
    assert work["pair_fits"] + work["pair_fits_left_out"] == 2 * len(features)
    assert work["pair_fits_left_out"] > 0
    t0_table = curves["tables"][plan["t0"]]
    band = ["ari_median"]
    pairs = ["ari_boot_0", "ari_boot_1"]
    settled_by = (t0_table[band + pairs] < 1.0).cummax()
    for k in range(len(t0_table)):
        before = settled_by.iloc[k - 1] if k else settled_by.iloc[0] & False
        band_open = not before[band].all()
        expected = [c for c in pairs if band_open or not before[c]]
        assert [c for c in pairs if pd.notna(t0_table[c].iloc[k])] == expected
        assert pd.notna(t0_table["ari_median"].iloc[k]) == (expected == pairs)
    # the pairs stop; the single refit goes on over the whole history
    assert t0_table["ari_boot_0"].isna().any()
    assert t0_table["ari_cohort"].notna().all()
    assert len(t0_table) == len(plan["dates"]) - 1


def test_each_date_and_model_is_predicted_once(primary_tables, kmeans_model):
    frame = snapshots.features_as_of(
        *primary_tables, "2017-12-01", FeatureEngineeringParams()
    )
    model = snapshots.refit(kmeans_model, frame)
    shared = SharedLabels(frame)
    assert shared.of(model) is shared.of(model)
    shared.on(model, frame.iloc[:10])
    assert (shared.predictions, shared.rows) == (2, len(frame) + 10)


def test_the_log_names_the_effective_worker_count(
    primary_tables, kmeans_model, feature_params, caplog
):
    with caplog.at_level(logging.INFO, logger=fits.__name__):
        *_, curves = fitted(primary_tables, kmeans_model, feature_params, n_jobs=-1)
    workers = effective_n_jobs(-1)
    assert curves["work"]["workers"] == workers >= 1
    (line,) = [
        r.getMessage() for r in caplog.records if "Stability fits" in r.getMessage()
    ]
    assert f"; {workers} workers," in line
    assert "-1 workers" not in line
    work = curves["work"]
    assert (
        f"{work['pair_fits']} of {work['pair_fits'] + work['pair_fits_left_out']}"
        in line
    )
    assert f"{work['predictions']} predictions" in line


def test_an_origin_curve_compares_its_frozen_fit_with_the_later_refits(
    primary_tables, kmeans_model, feature_params
):
    params, plan, production, features, _, models, _, curves = fitted(
        primary_tables, kmeans_model, feature_params
    )
    table = origins.evaluate_origins(features, models, curves, plan, params)
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
