"""Wall time and peak memory of data and feature engineering, per engine and scale.

For each scale, a throwaway project copy gets synthetic raw data (copied from
``--raw-from`` when given for scale 1, else generated with the project's own
``kedro run --pipelines=synthetic``). Then, ``--repeats`` times each, as a user
runs them (``kedro run``, start-up included, one fresh process each):

- ``data_engineering`` in the default environment;
- ``feature_engineering`` in the default environment (the Ibis expression run by
  DuckDB) and with ``--env spark`` (the same expression on Spark local, JVM
  start-up included).

Peak memory is the largest sum of the resident memory of the ``kedro`` process
and its children (Spark's JVM), sampled every 0.1 s from ``/proc``. The floor of
data engineering is the time pyarrow takes to parse the nine CSVs (median of
``--repeats``, multi-threaded, in this process). ``build_customer_features`` (pandas,
what stability and serving call at each snapshot) is timed against the Ibis
expression run by DuckDB on the same in-memory frames, one snapshot (the last
purchase), median of 5, after checking they agree. ``data_engineering`` is the same
pandas code in both environments (its validation and transformations have not
moved to the engines yet, docs/scale.md), so it is measured once.

Usage (from the project root):

    .venv/bin/python benchmarks/bench_engines.py --scales 1 10 --repeats 3 \\
        --raw-from /work/main/data/01_raw

``--in-process-only`` reruns only the measurements made in this process (the
parse floor and that comparison) on the data already there, and the ratio.
Results go to ``benchmarks/results/engines.json`` (the figures of scales not
rerun are kept). Medians; the load average is recorded at start and end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pyarrow.csv as pa_csv
from common import ENV, KEDRO, ROOT, make_project

from olist_segmentation.pipelines.feature_engineering.features import (
    ITEM_COLUMNS,
    ORDER_COLUMNS,
    customer_features_table,
    resolve_snapshot,
)
from olist_segmentation.pipelines.feature_engineering.nodes import (
    build_customer_features,
)

RESULTS = ROOT / "benchmarks" / "results" / "engines.json"
PAGE_KB = os.sysconf("SC_PAGE_SIZE") / 1024
RUNS = {
    "data_engineering": (("default", ()),),
    "feature_engineering": (("duckdb", ()), ("spark", ("--env", "spark"))),
}


def _tree_rss_kb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants, in KiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            pages = int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = pages * PAGE_KB
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0.0)
        todo += children.get(pid, [])
    return total


def kedro_run(project: Path, *args: str) -> dict[str, float]:
    """``kedro run *args`` in ``project``: wall seconds and peak tree RSS (MB)."""
    log = project / "bench.log"
    start = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            [KEDRO, "run", *args], cwd=project, env=ENV, stdout=out, stderr=out
        )
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, _tree_rss_kb(process.pid))
            time.sleep(0.1)
    wall = time.perf_counter() - start
    if process.returncode:
        raise SystemExit(
            f"kedro run {' '.join(args)} failed:\n{log.read_text()[-4000:]}"
        )
    return {"wall_s": round(wall, 2), "peak_rss_mb": round(peak / 1024)}


def parse_floor(raw: Path, repeats: int) -> float:
    """Median seconds for pyarrow to parse the nine raw CSVs (all columns)."""
    files = sorted(raw.glob("olist_*.csv")) + [
        raw / "product_category_name_translation.csv"
    ]
    options = pa_csv.ParseOptions(newlines_in_values=True)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for path in files:
            pa_csv.read_csv(path, parse_options=options)
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3)


def in_memory_snapshot(project: Path) -> dict[str, Any]:
    """pandas vs the expression on in-memory DuckDB, one snapshot (the last purchase)."""
    primary = project / "data" / "03_primary"
    orders, items, reviews = (
        pd.read_parquet(primary / f"{name}.parquet")
        for name in ("primary_orders", "primary_order_items", "primary_reviews")
    )
    snapshot = resolve_snapshot(orders, None)
    backend = ibis.duckdb.connect()

    def on_duckdb() -> pd.DataFrame:
        tables = (orders[list(ORDER_COLUMNS)], items[list(ITEM_COLUMNS)], reviews)
        expr = customer_features_table(*map(ibis.memtable, tables), snapshot)
        return backend.to_pandas(expr)

    def on_pandas() -> pd.DataFrame:
        return build_customer_features(orders, items, reviews, snapshot)

    expected, actual = on_pandas(), on_duckdb()
    if not np.allclose(expected, actual, rtol=1e-12, atol=0, equal_nan=True):
        raise AssertionError("pandas and DuckDB features differ")
    result = {}
    for name, compute in (("pandas_s", on_pandas), ("duckdb_s", on_duckdb)):
        times = []
        for _ in range(5):
            start = time.perf_counter()
            compute()
            times.append(time.perf_counter() - start)
        result[name] = round(statistics.median(times), 3)
    return {"persons": len(expected), **result}


def prepare(workdir: Path, scale: float, raw_from: Path | None) -> Path:
    """A project copy with conf/spark and synthetic raw data at ``scale``."""
    project = make_project(workdir / f"scale_{scale:g}")
    shutil.copytree(
        ROOT / "conf" / "spark", project / "conf" / "spark", dirs_exist_ok=True
    )
    raw = project / "data" / "01_raw"
    if (raw / "olist_geolocation_dataset.csv").exists():
        return project
    if raw_from is not None and scale == 1:
        for path in raw_from.iterdir():
            if path.is_file():
                shutil.copy2(path, raw / path.name)
        return project
    kedro_run(project, "--pipelines=synthetic", f"--params=synthetic.scale={scale}")
    return project


def rerun_in_process(result: dict[str, Any], project: Path, repeats: int) -> None:
    """The parse floor, the in-memory comparison and the ratio, into ``result``."""
    result["pyarrow_parse_floor_s"] = parse_floor(project / "data" / "01_raw", repeats)
    result["build_customer_features_one_snapshot"] = in_memory_snapshot(project)
    result["data_engineering_over_parse_floor"] = round(
        result["data_engineering/default"]["median_wall_s"]
        / result["pyarrow_parse_floor_s"],
        1,
    )


def bench_scale(project: Path, repeats: int) -> dict[str, Any]:
    load_before = [round(x, 2) for x in os.getloadavg()]
    raw = project / "data" / "01_raw"
    result: dict[str, Any] = {
        "raw_mb": round(sum(p.stat().st_size for p in raw.glob("*.csv")) / 2**20, 1),
    }
    for pipeline, engines in RUNS.items():
        for engine, env in engines:
            runs = [
                kedro_run(project, f"--pipelines={pipeline}", *env)
                for _ in range(repeats)
            ]
            result[f"{pipeline}/{engine}"] = {
                "runs": runs,
                "median_wall_s": statistics.median(r["wall_s"] for r in runs),
                "median_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
            }
    rerun_in_process(result, project, repeats)
    result["load_average_before_after"] = [
        load_before,
        [round(x, 2) for x in os.getloadavg()],
    ]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--raw-from", type=Path, help="scale-1 raw CSVs to copy instead of generating"
    )
    parser.add_argument("--in-process-only", action="store_true")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("/tmp/olist_bench_engines"),
        help="project copies with the raw data (reused when present)",
    )
    args = parser.parse_args()
    results: dict[str, Any] = {"scales": {}}
    if RESULTS.exists():
        results = json.loads(RESULTS.read_text())
    results["command"] = "python benchmarks/bench_engines.py " + " ".join(sys.argv[1:])
    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    results["machine"] = {"cpus": os.cpu_count(), "memory_gb": round(memory)}
    for scale in args.scales:
        print(f"scale {scale:g} ...", flush=True)
        project = prepare(args.workdir, scale, args.raw_from)
        if args.in_process_only:
            rerun_in_process(results["scales"][f"{scale:g}"], project, args.repeats)
        else:
            results["scales"][f"{scale:g}"] = bench_scale(project, args.repeats)
        print(json.dumps(results["scales"][f"{scale:g}"], indent=2), flush=True)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
