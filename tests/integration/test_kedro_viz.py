"""kedro-viz on the real project: layers in the catalog, the REST API, a static build
and a headless Chromium screenshot."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from kedro.config import OmegaConfigLoader
from PIL import Image

from tests.conftest import HEADLESS_CHROMIUM, copy_project
from tests.integration.processes import QUIET_ENV, free_port, serving
from tests.pipelines.data_engineering.tiny_raw import tiny_raw_tables, write_raw_csvs

pytestmark = pytest.mark.slow

KEDRO = str(Path(sys.executable).parent / "kedro")
# The flowchart's layers, in data-flow order (docs/architecture.md).
LAYERS = (
    "raw",
    "intermediate",
    "primary",
    "feature",
    "model_input",
    "models",
    "model_output",
    "reporting",
)
NAMESPACES = ("kmeans", "gmm", "dbscan", "hdbscan")
CHROMIUM_FLAGS = (
    *HEADLESS_CHROMIUM,
    "--hide-scrollbars",
    "--window-size=1280,800",
    "--virtual-time-budget=20000",
)


@pytest.fixture
def viz_project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


def _catalog_config(project: Path) -> dict:
    loader = OmegaConfigLoader(
        conf_source=str(project / "conf"), base_env="base", default_run_env="local"
    )
    return {k: v for k, v in loader["catalog"].items() if not k.startswith("_")}


def _registered_pipelines(project: Path) -> dict:
    from kedro.framework.project import pipelines  # noqa: PLC0415
    from kedro.framework.startup import bootstrap_project  # noqa: PLC0415

    bootstrap_project(project)
    return dict(pipelines)


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def _modular_pipeline_ids(tree: dict) -> set[str]:
    return {key for key in tree if key != "__root__"}


def test_every_catalog_entry_has_a_known_layer(viz_project):
    catalog = _catalog_config(viz_project)
    assert catalog, "no catalog entries"
    layers = {
        name: entry.get("metadata", {}).get("kedro-viz", {}).get("layer")
        for name, entry in catalog.items()
    }
    missing = sorted(name for name, layer in layers.items() if layer is None)
    assert not missing, f"catalog entries without a kedro-viz layer: {missing}"
    unknown = {n: lay for n, lay in layers.items() if lay not in LAYERS}
    assert not unknown, f"layers outside {LAYERS}: {unknown}"


def test_every_table_has_preview_settings(viz_project):
    tables = {
        name: entry
        for name, entry in _catalog_config(viz_project).items()
        if str(entry.get("type", "")).startswith(
            ("pandas.", "olist_segmentation.datasets.OlistCSVDataset")
        )
    }
    assert tables
    without = sorted(
        name
        for name, entry in tables.items()
        if "preview_args" not in entry.get("metadata", {}).get("kedro-viz", {})
    )
    assert not without, f"tables without kedro-viz preview_args: {without}"


@pytest.fixture(scope="module")
def viz_server(tmp_path_factory):
    """``kedro viz run`` on a project copy holding the tiny raw CSVs: (base URL,
    registered pipelines)."""
    project = copy_project(tmp_path_factory.mktemp("viz") / "project")
    write_raw_csvs(tiny_raw_tables(), project / "data" / "01_raw")
    expected = _registered_pipelines(project)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [KEDRO, "viz", "run", "--host", "127.0.0.1", "--port", str(port)]
    with serving(
        [*command, "--no-browser"],
        cwd=project,
        ready_url=f"{base}/api/main",
        log=project / "viz.log",
        timeout=180,
    ):
        yield base, expected


def test_viz_api_lists_every_pipeline_and_node_and_chromium_renders_it(
    viz_server, tmp_path
):
    base, expected = viz_server
    main = _get_json(f"{base}/api/main")
    assert {p["id"] for p in main["pipelines"]} == set(expected)
    for name, pipeline in expected.items():
        graph = _get_json(f"{base}/api/pipelines/{name}")
        tasks = {n["full_name"] for n in graph["nodes"] if n["type"] == "task"}
        assert tasks == {n.name for n in pipeline.nodes}, name
        for node in graph["nodes"]:
            if node["type"] == "data" and "MemoryDataset" not in str(
                node.get("dataset_type")
            ):
                assert node.get("layer") in LAYERS, (name, node["name"])
    default = _get_json(f"{base}/api/pipelines/__default__")
    # The candidate pipelines are namespaces: collapsible boxes in the flowchart.
    assert set(NAMESPACES) <= _modular_pipeline_ids(default["modular_pipelines"])
    _assert_rendered(screenshot(base, tmp_path))


def test_viz_flowchart_shows_the_layers_in_data_flow_order(viz_server):
    base, _ = viz_server
    default = _get_json(f"{base}/api/pipelines/__default__")
    # kedro-viz sends no layers at all when a dataset of a later layer feeds one of
    # an earlier layer (it logs "circular dependency detected among layers").
    used = [layer for layer in LAYERS if layer in default["layers"]]
    assert default["layers"] == used, "layers out of data-flow order"
    assert {"raw", "primary", "feature", "models", "reporting"} <= set(used)


def test_viz_previews_the_raw_tables(viz_server):
    base, _ = viz_server
    default = _get_json(f"{base}/api/pipelines/__default__")
    ids = {node["name"]: node["id"] for node in default["nodes"]}
    orders = tiny_raw_tables()["raw_orders"]
    node = _get_json(f"{base}/api/nodes/{ids['raw_orders']}")
    assert node["preview_type"] == "TablePreview"
    preview = node["preview"]
    assert preview["columns"] == list(orders.columns)
    assert len(preview["data"]) == len(orders)  # fewer rows than preview_args' 10
    assert preview["data"][0] == orders.iloc[0].tolist()


def screenshot(url: str, tmp_path: Path) -> Path:
    """A 1280x800 PNG of ``url`` in headless Chromium; skips without Chromium."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed: no browser check")
    shot = tmp_path / "page.png"
    subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            f"--screenshot={shot}",
            url,
        ],
        check=True,
        capture_output=True,
        timeout=90,
        env={**QUIET_ENV, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    return shot


def _assert_rendered(shot: Path) -> None:
    image = Image.open(shot).convert("L")
    assert image.size == (1280, 800)
    # A rendered flowchart has many distinct grey levels; a blank page has one or two.
    assert len(set(image.getdata())) > 50


def test_viz_build_writes_a_static_site_that_renders(viz_project, tmp_path):
    subprocess.run(
        [KEDRO, "viz", "build"],
        cwd=viz_project,
        check=True,
        capture_output=True,
        timeout=300,
        env={**QUIET_ENV, "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"},
    )
    build = viz_project / "build"
    assert (build / "index.html").is_file()
    main = json.loads((build / "api" / "main").read_text())
    assert {"nodes", "edges", "layers", "pipelines"} <= set(main)
    assert main["nodes"]
    # Static files only: any static file server shows it (browsers refuse the
    # page's data requests from file://).
    port = free_port()
    static = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with serving(
        [*static, "--directory", str(build)],
        cwd=tmp_path,
        ready_url=f"http://127.0.0.1:{port}/api/main",
        log=tmp_path / "http.log",
    ):
        shot = screenshot(f"http://127.0.0.1:{port}/", tmp_path)
    _assert_rendered(shot)
