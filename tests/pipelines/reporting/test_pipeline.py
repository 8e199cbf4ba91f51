"""The reporting pipeline on an in-memory catalog, and its HTML in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from olist_segmentation.pipelines.reporting import create_pipeline
from tests.conftest import HEADLESS_CHROMIUM

CATALOG_FILE = Path(__file__).resolve().parents[3] / "conf/base/catalog_reporting.yml"
CHROMIUM_FLAGS = (
    *HEADLESS_CHROMIUM,
    "--virtual-time-budget=10000",
)


@pytest.fixture
def rendered(tmp_path, report_inputs) -> dict[str, Path]:
    """Run the pipeline; return the written HTML and Markdown files."""
    config = yaml.safe_load(CATALOG_FILE.read_text())
    catalog = DataCatalog.from_config(
        {
            name: {**entry, "filepath": str(tmp_path / entry["filepath"])}
            for name, entry in config.items()
            if not name.startswith("_")
        }
    )
    for name, data in report_inputs.items():
        catalog[name] = MemoryDataset(data, copy_mode="assign")
    pipeline = create_pipeline()
    assert pipeline.inputs() == set(report_inputs)
    SequentialRunner().run(pipeline, catalog)
    folder = tmp_path / "data/08_reporting"
    files = {path.name: path for path in folder.glob("*/*/*")}
    assert set(files) == {
        "report_content.json",
        "segmentation_report.html",
        "segmentation_report.md",
    }
    return files


def test_pipeline_writes_versioned_html_and_markdown(rendered):
    html = rendered["segmentation_report.html"].read_text()
    markdown = rendered["segmentation_report.md"].read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert html.count('class="card segment-card"') == 3
    assert markdown.count("\n### ") == 3
    # versioned: <name>/<timestamp>/<name>
    version = rendered["segmentation_report.html"].parent.name
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d\.\d\d\.\d\d\.\d{3}Z", version)


def chromium(*args: str, user_data_dir: Path) -> subprocess.CompletedProcess:
    binary = shutil.which("chromium")
    return subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={user_data_dir}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (apt-get install -y chromium)",
)
def test_report_renders_in_headless_chromium(rendered, tmp_path):
    url = rendered["segmentation_report.html"].resolve().as_uri()
    dom = chromium("--dump-dom", url, user_data_dir=tmp_path / "profile-dom").stdout
    # plotly.js ran: every figure became a plot with its SVG
    assert dom.count('class="plot-container plotly"') == 6
    assert dom.count('class="main-svg"') >= 12
    assert dom.count('class="card segment-card"') == 3
    assert "loyal big spenders" in dom
    assert "Retrain every 6 weeks (likely between 4 and 8 weeks)" in dom
    assert 'id="ari-curve"' in dom
    assert 'id="data-quality-table"' in dom
    screenshot = tmp_path / "report.png"
    chromium(
        f"--screenshot={screenshot}",
        "--window-size=1280,4000",
        "--hide-scrollbars",
        url,
        user_data_dir=tmp_path / "profile-png",
    )
    png = screenshot.read_bytes()
    assert png.startswith(b"\x89PNG")
    assert len(png) > 100_000  # a blank 1280x4000 page is a few kB
