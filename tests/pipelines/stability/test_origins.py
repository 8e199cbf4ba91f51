"""The frozen-against-refit measure repeated from later reference dates."""

from __future__ import annotations

import pandas as pd

from olist_segmentation.pipelines.stability import origins, snapshots
from olist_segmentation.pipelines.stability.params import StabilityParams

from .conftest import snapshot_fits


def run(primary_tables, model, feature_params, **settings):
    orders = primary_tables[0]
    params = StabilityParams(
        t0="2017-09-01", step_days=28, min_persons_t0=50, bootstraps=2, **settings
    )
    production = snapshots.refit(
        model, snapshots.features_as_of(*primary_tables, "2018-06-01", feature_params)
    )
    plan = snapshots.plan_snapshots(orders, params)
    features, _, fitted, _, curves = snapshot_fits(
        primary_tables, production, plan, params, feature_params
    )
    table = origins.evaluate_origins(features, fitted, curves, plan, params)
    return plan, table


def test_each_later_origin_is_measured_from_its_own_date(
    primary_tables, kmeans_model, feature_params
):
    plan, table = run(primary_tables, kmeans_model, feature_params, origins=3)
    assert plan["origins"][1:] == ["2017-10-27T00:00:00", "2017-12-22T00:00:00"]
    assert sorted(table["origin"].unique()) == [
        pd.Timestamp(o) for o in plan["origins"][1:]
    ]
    for origin, rows in table.groupby("origin"):
        assert (rows["date"] - origin).dt.days.tolist() == rows["horizon_days"].tolist()
        assert rows["horizon_days"].iloc[0] == 28
        # the cohort is the persons known at the origin, all still there later
        known = snapshots.features_as_of(*primary_tables, origin, feature_params)
        assert (rows["n_cohort"] == len(known)).all()
        assert rows["n_persons_origin"].nunique() == 1
        assert rows["n_persons_origin"].iloc[0] == len(known)
    # the band where every pair was measured (stability/curves.py)
    bounds = table[["ari_low", "ari_median", "ari_high"]].dropna()
    assert len(bounds)
    assert (bounds["ari_low"] <= bounds["ari_median"]).all()
    assert (bounds["ari_median"] <= bounds["ari_high"]).all()
    assert {"ari_cohort", "ari_boot_0", "ari_boot_1", "unstable"} <= set(table)


def test_an_origin_stops_once_its_period_is_settled(
    primary_tables, kmeans_model, feature_params
):
    # a threshold no refit reaches: every curve is below it from the first snapshot
    _, table = run(
        primary_tables,
        kmeans_model,
        feature_params,
        origins=2,
        ari_threshold=1.0,
        sustain_snapshots=1,
    )
    for _, rows in table.groupby("origin"):
        curves = ["ari_median", "ari_boot_0", "ari_boot_1"]
        below = rows[curves] < 1.0
        settled = below.cummax().all(axis=1).tolist()
        # measured up to the first snapshot by which every curve has been below
        assert settled[-1] and not any(settled[:-1])


def test_no_later_origin_gives_an_empty_table_with_the_catalog_columns(
    primary_tables, kmeans_model, feature_params
):
    plan, table = run(primary_tables, kmeans_model, feature_params, origins=1)
    assert plan["origins"] == ["2017-09-01T00:00:00"]
    assert table.empty
    assert {"origin", "date"} <= set(table)
