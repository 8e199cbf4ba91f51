"""End to end: stability and report outputs of the default run on tiny synthetic data.

Reuses the session's ``trained_project`` (one ``kedro run`` of every pipeline with the
``FAST`` runtime parameters of ``conftest.py``), so it adds no pipeline run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest


def newest(folder: Path) -> Path:
    """The newest version of a versioned dataset (the first run's: sorted by name)."""
    versions = sorted(p for p in folder.glob("*/*") if p.is_file())
    assert versions, f"no version of {folder}"
    return versions[-1]


@pytest.mark.slow
def test_default_run_writes_stability_outputs_and_report(trained_project):
    reporting = trained_project / "data" / "08_reporting"
    snapshots = pd.read_csv(newest(reporting / "stability_snapshots.csv"))
    rec = json.loads(newest(reporting / "maintenance_recommendation.json").read_text())
    profiles = json.loads(newest(reporting / "segment_profiles.json").read_text())
    # FAST: a snapshot every 42 days from 2017-09-01 to the end of the data
    assert len(snapshots) == rec["n_snapshots"] + 1 >= 8
    assert snapshots.loc[0, "ari_cohort"] == pytest.approx(1.0)
    assert snapshots["ari_cohort"].between(-1, 1).all()
    assert (snapshots["n_cohort"] + snapshots["n_new"] == snapshots["n_persons"]).all()
    segments = [s["segment"] for s in profiles["segments"]]
    assert {f"share_final_{s}" for s in segments} <= set(snapshots.columns)
    assert 0 <= rec["retrain_period_days"] <= snapshots["horizon_days"].max()
    assert rec["retrain_cost"]["median_seconds"] > 0

    html = newest(reporting / "segmentation_report.html").read_text()
    markdown = newest(reporting / "segmentation_report.md").read_text()
    assert html.count('class="card segment-card"') == len(segments)
    assert markdown.count("\n### ") == len(segments)
    for segment in profiles["segments"]:
        assert segment["name"] in markdown
    assert html.count("plotly.js v") == 1
    assert not re.search(r"<script[^>]+src=", html)
    weeks = f"{rec['retrain_period_weeks']:g} weeks"
    assert f"Retrain every {weeks}" in html
