"""End to end: stability and report outputs of the training run on tiny synthetic data.

Reuses the session's ``trained_project`` (one ``kedro run --pipelines=training`` with
the ``FAST`` runtime parameters of ``conftest.py``, then a second fit of the model),
so it adds no pipeline run. Outputs are compared within one run: the stability
outputs exist once (the training run), and every other output is read at that run's
version.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.integration.project_data import load_dataset


def default_run_version(project) -> str:
    """The save version of the training run: the only one with stability outputs."""
    folder = project / "data/08_reporting/maintenance_recommendation.json"
    versions = [p.name for p in folder.iterdir()]
    assert len(versions) == 1, versions
    return versions[0]


@pytest.mark.slow
def test_default_run_writes_stability_outputs_and_report(trained_project):
    version = default_run_version(trained_project)

    def load(name):
        return load_dataset(trained_project, name, version)

    snapshots = load("stability_snapshots")
    rec = load("maintenance_recommendation")
    profiles = load("segment_profiles")
    # FAST: a snapshot every 42 days from 2017-09-01 to the end of the data
    assert len(snapshots) == rec["n_snapshots"] + 1 >= 8
    # the same settings on the same T0 data refit to the same segments
    assert snapshots.loc[0, "ari_cohort"] == pytest.approx(1.0)
    # the band where every pair was measured: while T0's median is unsettled
    banded = snapshots.dropna(subset=["ari_median"])
    assert (banded["ari_low"] <= banded["ari_median"]).all()
    assert (banded["ari_median"] <= banded["ari_high"]).all()
    assert (snapshots["n_cohort"] + snapshots["n_new"] == snapshots["n_persons"]).all()
    segments = [s["segment"] for s in profiles["segments"]]
    assert {f"share_final_{s}" for s in segments} == {
        c for c in snapshots.columns if c.startswith("share_final_")
    }
    later = snapshots[snapshots["horizon_days"] > 0]
    measured = later.dropna(subset=["ari_median"])
    assert rec["ari_by_horizon"] == {
        str(h): round(a, 4)
        for h, a in zip(measured["horizon_days"], measured["ari_median"], strict=True)
    }
    retrain = later["features_seconds"] + later["refit_seconds"]
    assert rec["retrain_cost"]["median_seconds"] == pytest.approx(retrain.median())

    html = load("segmentation_report_html")
    markdown = load("segmentation_report_md")
    assert html.count('class="card segment-card"') == len(segments)
    assert markdown.count("\n### ") == len(segments)
    for segment in profiles["segments"]:
        assert segment["name"] in markdown
    assert html.count("plotly.js v") == 1
    assert not re.search(r"<script[^>]+src=", html)
    if not rec["recommended"]:
        assert "No retraining period" in html
        assert pd.isna(rec["retrain_period_weeks"])
        return
    # from T0, no sustained drop before its period: not two snapshots in a row below
    first = rec["origins"][0]
    kept = later[later["horizon_days"] <= first["period_days"]]
    below = (kept["ari_median"] < rec["ari_threshold"]).astype(int)
    assert (below.rolling(2).sum().fillna(0) < 2).all()
    # the contract: the lower median over the stable reference dates
    stable = sorted(o["period_days"] for o in rec["origins"] if not o["unstable"])
    assert rec["retrain_period_days"] == stable[(len(stable) - 1) // 2]
    if rec["retrain_period_days"]:
        assert f"Retrain every {rec['retrain_period_weeks']:g} weeks" in html
    else:
        assert f"Retrain at every step of {rec['step_days']} days" in html
