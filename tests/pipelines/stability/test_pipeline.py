"""Slice test: the whole stability pipeline on an in-memory catalog."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from olist_segmentation.pipelines.modelling.model_ops import n_segments
from olist_segmentation.pipelines.stability import create_pipeline, snapshots

from .conftest import SHIFT

CATALOG_FILE = Path(__file__).resolve().parents[3] / "conf/base/catalog_stability.yml"


def project_catalog(tmp_path: Path) -> DataCatalog:
    """The project's stability catalog entries, written under ``tmp_path``."""
    config = yaml.safe_load(CATALOG_FILE.read_text())
    entries = {
        name: entry
        | (
            {"filepath": str(tmp_path / entry["filepath"])}
            if "filepath" in entry
            else {}
        )
        for name, entry in config.items()
        if not name.startswith("_")
    }
    return DataCatalog.from_config(entries)


def test_stability_pipeline_end_to_end(
    tmp_path, primary_tables, kmeans_model, stability_params, feature_params
):
    orders, items, reviews = primary_tables
    production = snapshots.refit(
        kmeans_model,
        snapshots.features_as_of(*primary_tables, "2018-08-01", feature_params),
    )
    inputs = {
        "primary_orders": MemoryDataset(orders),
        "primary_order_items": MemoryDataset(items),
        "primary_reviews": MemoryDataset(reviews),
        "segmentation_model": MemoryDataset(production, copy_mode="assign"),
        "params:stability": MemoryDataset(stability_params),
        "params:feature_engineering": MemoryDataset(feature_params),
    }
    catalog = project_catalog(tmp_path)
    for name, dataset in inputs.items():
        catalog[name] = dataset
    pipeline = create_pipeline()
    assert pipeline.inputs() == set(inputs)
    SequentialRunner().run(pipeline, catalog)
    outputs = {name: catalog[name] for name in pipeline.all_outputs()}
    written = sorted(p.name for p in (tmp_path / "data/08_reporting").iterdir())
    assert written == [
        "maintenance_recommendation.json",
        "stability_ari.json",
        "stability_drift.json",
        "stability_origins.csv",
        "stability_shares.json",
        "stability_snapshots.csv",
    ]
    table = outputs["stability_snapshots"].load()
    assert pd.api.types.is_datetime64_any_dtype(table["date"])
    rec = outputs["maintenance_recommendation"].load()
    assert len(table) == rec["n_snapshots"] + 1
    # the planted shift: from T0 the period ends after the shift, before the data
    first = rec["origins"][0]
    period_end = pd.Timestamp(first["t0"]) + pd.Timedelta(days=first["period_days"])
    assert first["first_below_threshold_days"] is not None
    assert SHIFT <= period_end < SHIFT + pd.Timedelta(days=150)
    # later reference dates every 8 weeks while 16 weeks of data remain after them;
    # from after the shift nothing changes any more: their periods run to the end
    origins = outputs["stability_origins"].load()
    assert [o["t0"] for o in rec["origins"]] == [
        "2017-09-01",
        "2017-10-27",
        "2017-12-22",
        "2018-02-16",
    ]
    assert sorted(origins["origin"].dt.strftime("%Y-%m-%d").unique()) == [
        o["t0"] for o in rec["origins"][1:]
    ]
    assert rec["origins"][-1]["first_below_threshold_days"] is None
    periods = sorted(o["period_days"] for o in rec["origins"])
    assert rec["retrain_period_days"] == periods[1]
    low, high = rec["retrain_period_interval_weeks"]
    assert low <= rec["retrain_period_weeks"] <= high
    assert set(rec["ari_band_by_horizon"]) == set(rec["ari_by_horizon"])
    assert len(rec["intrinsic_stability"]["bootstrap_ari"]) == 2
    assert rec["published"] is None
    names = [t.name for t in outputs["stability_ari_plot"].load().data]
    assert "persons known at T0 (median)" in names
    reference = outputs["stability_reference_model"].load()
    assert n_segments(reference) == 2
