"""Time and memory of the data_engineering pipeline at several synthetic scales.

For each scale the raw data is generated once, with the project's own synthetic
pipeline (``kedro run --pipelines=synthetic --params synthetic.scale=S``), in a
throwaway copy of the project. Then:

- the pipeline runs ``--repeats`` times, each in a fresh Python process, through
  the project's catalog and a SequentialRunner (the run itself, without the
  Kedro CLI start-up): median wall time, CPU time and peak RSS of the process;
- one real ``kedro run --pipelines=data_engineering`` gives the end-to-end wall
  time with start-up (plugins, imports, config);
- the rekey step on the cleaned tables is compared with a naive per-row mapping
  (a Python dict lookup per id through ``Series.map`` with a lambda), on the
  same data in the same process, checking that both give the same keys.

Usage (from the project root):

    .venv/bin/python benchmarks/bench_data_engineering.py --scales 1 10 --repeats 3

Results go to ``benchmarks/results/data_engineering.json``. The load average of
the machine is recorded at start and end: other processes slow the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import ENV, ROOT, make_project
from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog

from olist_segmentation.pipelines.data_engineering import nodes
from olist_segmentation.pipelines.data_engineering.contract import TABLES
from olist_segmentation.pipelines.data_engineering.rekey import KEY_COLUMNS

RESULTS = ROOT / "benchmarks" / "results" / "data_engineering.json"
BIN = Path(sys.executable).parent


def kedro(project: Path, *args: str) -> float:
    """Run ``kedro <args>`` in ``project``; return its wall time (fail loudly)."""
    start = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "kedro"), *args],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"kedro {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def generate(project: Path, scale: float) -> float | None:
    """Synthetic raw data at ``scale`` (kept if already there); generation time."""
    if (project / "data" / "01_raw" / "olist_geolocation_dataset.csv").exists():
        return None
    return kedro(
        project, "run", "--pipelines=synthetic", f"--params=synthetic.scale={scale}"
    )


def child_run(project: Path) -> dict[str, Any]:
    """In a fresh process: run the pipeline through the project's catalog."""
    script = """
import json, logging, resource, time
logging.disable(logging.WARNING)
from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog, MemoryDataset
from kedro.io.core import generate_timestamp
from kedro.runner import SequentialRunner
from olist_segmentation.pipelines.data_engineering import create_pipeline
from olist_segmentation.pipelines.data_engineering.params import DataEngineeringParams

loader = OmegaConfigLoader(conf_source="conf", base_env="base", default_run_env="local")
catalog = DataCatalog.from_config(loader["catalog"], save_version=generate_timestamp())
params = DataEngineeringParams.model_validate(loader["parameters"]["data_engineering"])
catalog["params:data_engineering"] = MemoryDataset(params, copy_mode="assign")
pipeline = create_pipeline()
for name in pipeline.datasets():  # dataset classes imported before the clock starts
    if name in catalog:
        catalog[name]
wall, cpu = time.perf_counter(), time.process_time()
SequentialRunner().run(pipeline, catalog)
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall_s": wall, "cpu_s": cpu, "peak_rss_mb": rss}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"pipeline run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def naive_rekey(tables: dict[str, Any]) -> dict[str, Any]:
    """The notebook way: sorted ids to a dict, then one Python lookup per row."""
    keys = {}
    for kind in KEY_COLUMNS:
        ids = sorted(
            {
                value
                for table in tables.values()
                if kind in table
                for value in table[kind]
            }
        )
        mapping = {value: key for key, value in enumerate(ids)}
        for name, table in tables.items():
            if kind in table:
                keys[name, kind] = table[kind].map(lambda value, m=mapping: m[value])
    return keys


def compare_rekey(project: Path) -> dict[str, Any]:
    """Vectorised rekey vs naive per-row mapping on the same cleaned tables."""
    loader = OmegaConfigLoader(
        conf_source=str(project / "conf"), base_env="base", default_run_env="local"
    )
    catalog = DataCatalog.from_config(loader["catalog"])
    cwd = Path.cwd()
    os.chdir(project)
    try:
        typed = {
            name: nodes.make_parser(name)(catalog.load(f"raw_{name}"))[0]
            for name in TABLES
            if name != "geolocation"
        }
    finally:
        os.chdir(cwd)
    cleaned = nodes.clean_tables(**typed)
    tables = {name: cleaned[name] for name in nodes.CLEANED_TABLES}
    start = time.perf_counter()
    keyed = nodes.rekey_tables(**tables)
    fast = time.perf_counter() - start
    start = time.perf_counter()
    naive = naive_rekey(tables)
    slow = time.perf_counter() - start
    for (name, kind), keys in naive.items():
        if not np.array_equal(
            keyed[name][KEY_COLUMNS[kind]].to_numpy(), keys.to_numpy()
        ):
            raise AssertionError(f"naive and vectorised keys differ: {name}.{kind}")
    return {
        "ids_mapped": int(sum(len(keys) for keys in naive.values())),
        "vectorised_s": round(fast, 3),
        "naive_per_row_s": round(slow, 3),
        "speedup": round(slow / fast, 1),
    }


def bench_scale(workdir: Path, scale: float, repeats: int) -> dict[str, Any]:
    load_before = [round(x, 2) for x in os.getloadavg()]
    project = make_project(workdir / f"scale_{scale:g}")
    generation = generate(project, scale)
    runs = [child_run(project) for _ in range(repeats)]
    kedro_wall = kedro(project, "run", "--pipelines=data_engineering")
    raw = project / "data" / "01_raw"
    return {
        "raw_mb": round(sum(p.stat().st_size for p in raw.glob("*.csv")) / 2**20, 1),
        "synthetic_generation_s": None if generation is None else round(generation, 1),
        "runs": [{k: round(v, 2) for k, v in run.items()} for run in runs],
        "median_wall_s": round(statistics.median(r["wall_s"] for r in runs), 2),
        "median_cpu_s": round(statistics.median(r["cpu_s"] for r in runs), 2),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 0),
        "kedro_run_wall_s_with_startup": round(kedro_wall, 1),
        "rekey": compare_rekey(project),
        "load_average_before_after": [
            load_before,
            [round(x, 2) for x in os.getloadavg()],
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("/tmp/olist_bench_data_engineering"),
        help="project copies with the generated raw data (reused when present)",
    )
    args = parser.parse_args()
    results: dict[str, Any] = {
        "command": "python benchmarks/bench_data_engineering.py "
        + " ".join(sys.argv[1:]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "scales": {},
    }
    if RESULTS.exists():  # keep the figures of scales not rerun this time
        results["scales"] = json.loads(RESULTS.read_text()).get("scales", {})
    for scale in args.scales:
        print(f"scale {scale:g} ...", flush=True)
        results["scales"][f"{scale:g}"] = {
            "command": results["command"],
            **bench_scale(args.workdir, scale, args.repeats),
        }
        print(json.dumps(results["scales"][f"{scale:g}"], indent=2), flush=True)
        results["machine"]["load_average_at_end"] = [
            round(x, 2) for x in os.getloadavg()
        ]
        results["machine"]["benchmark_peak_rss_mb"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        )
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
