"""Benchmark of feature engineering and modelling, and the ARI against the personas.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_modelling.py                      # scale 1
    .venv/bin/python benchmarks/bench_modelling.py --scale10 /tmp/s10   # + scale 10

``--project`` (default: this repository) must be a Kedro project of this package;
when its ``data/03_primary`` is empty, ``--prepare`` first writes synthetic raw
data at ``--scale`` and runs data_engineering there (untimed). Each timed run is
its own process, so the peak RSS reported is that run's own (``wait4``).

- feature engineering: ``build_customer_features`` on the primary tables, median
  of ``--fe-runs`` calls, then the pipeline once (it saves ``customer_features``);
- modelling: the whole ``modelling`` pipeline (every candidate, selection, refit,
  profiles, figures, segments) with a ``SequentialRunner`` on the project's
  catalog, median of ``--runs`` runs (no hooks: MLflow logging is not timed);
- quality: adjusted Rand index between the latest ``customer_segments`` and
  ``data/01_raw/synthetic_personas.csv`` over the same customers (aligned by
  ``customer_unique_id``), plus the crosstab. Never used by the selection;
- latency: ``segmentation_model.predict`` on one row of ``model_input`` (a
  one-row DataFrame, as the scoring service sends it), median of 500 calls.

Results go to ``benchmarks/results/modelling.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ENV, ROOT, make_project

RESULTS = ROOT / "benchmarks" / "results" / "modelling.json"


# -- workers (run in a child process) -------------------------------------------
def _context(project: Path):
    from kedro.framework.session import KedroSession  # noqa: PLC0415
    from kedro.framework.startup import bootstrap_project  # noqa: PLC0415

    bootstrap_project(project)
    session = KedroSession.create(project)
    return session.load_context()


def worker_prepare(project: Path, scale: float) -> dict:
    """Synthetic raw data and primary tables (not timed as part of the benchmark)."""
    from kedro.framework.session import KedroSession  # noqa: PLC0415
    from kedro.framework.startup import bootstrap_project  # noqa: PLC0415

    bootstrap_project(project)
    started = time.perf_counter()
    with KedroSession.create(
        project, runtime_params={"synthetic": {"scale": scale}}
    ) as session:
        session.run(pipeline_names=["synthetic"])
    import mlflow  # noqa: PLC0415

    while mlflow.active_run():
        mlflow.end_run()
    with KedroSession.create(project) as session:
        session.run(pipeline_names=["data_engineering"])
    return {"prepare_seconds": time.perf_counter() - started}


def worker_features(project: Path, runs: int) -> dict:
    """Time the feature function on the primary tables, then run the pipeline."""
    from kedro.framework.project import pipelines  # noqa: PLC0415
    from kedro.runner import SequentialRunner  # noqa: PLC0415

    from olist_segmentation.pipelines.feature_engineering.nodes import (  # noqa: PLC0415
        build_customer_features,
    )

    catalog = _context(project).catalog
    orders = catalog.load("primary_orders")
    items = catalog.load("primary_order_items")
    reviews = catalog.load("primary_reviews")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        features = build_customer_features(orders, items, reviews)
        times.append(time.perf_counter() - started)
    SequentialRunner().run(pipelines["feature_engineering"], catalog)
    return {
        "seconds": times,
        "orders": len(orders),
        "persons_with_features": len(features),
    }


def worker_modelling(project: Path) -> dict:
    """One run of the whole modelling pipeline on the project's catalog."""
    from kedro.framework.project import pipelines  # noqa: PLC0415
    from kedro.runner import SequentialRunner  # noqa: PLC0415

    catalog = _context(project).catalog
    pipeline = pipelines["modelling"]
    started = time.perf_counter()
    SequentialRunner().run(pipeline, catalog)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "persons": len(catalog.load("model_input"))}


def worker_quality(project: Path) -> dict:
    """ARI between the latest customer_segments and the planted personas."""
    import pandas as pd  # noqa: PLC0415
    from sklearn.metrics import adjusted_rand_score  # noqa: PLC0415

    catalog = _context(project).catalog
    segments = catalog.load("customer_segments")
    personas = catalog.load("synthetic_personas")[["customer_unique_id", "persona"]]
    report = catalog.load("selection_report")
    merged = segments.merge(personas, on="customer_unique_id", how="inner")
    crosstab = pd.crosstab(merged["segment_name"], merged["persona"])
    return {
        "ari": float(adjusted_rand_score(merged["persona"], merged["segment"])),
        "persons_segmented": len(segments),
        "persons_compared": len(merged),
        "selected": report["winner"]["candidate_id"],
        "why": report["why"],
        "crosstab": {
            name: {k: int(v) for k, v in row.items()}
            for name, row in crosstab.iterrows()
        },
    }


def worker_latency(project: Path, calls: int) -> dict:
    """Median and p95 milliseconds of ``predict`` on one row, after a warm-up."""
    catalog = _context(project).catalog
    model = catalog.load("segmentation_model")
    model_input = catalog.load("model_input")
    rows = [model_input.iloc[[i]] for i in range(min(calls, len(model_input)))]
    for row in rows[:20]:
        model.predict(row)
    times = []
    for row in rows:
        started = time.perf_counter()
        model.predict(row)
        times.append(1000 * (time.perf_counter() - started))
    times.sort()
    return {
        "calls": len(times),
        "median_ms": statistics.median(times),
        "p95_ms": times[int(0.95 * (len(times) - 1))],
    }


WORKERS = {
    "prepare": worker_prepare,
    "features": worker_features,
    "modelling": worker_modelling,
    "quality": worker_quality,
    "latency": worker_latency,
}


# -- driver ------------------------------------------------------------------------
def run_worker(name: str, project: Path, *args: object) -> dict:
    """Run one worker in a child process; add its peak RSS (MiB) and wall time."""
    command = [
        sys.executable,
        __file__,
        "--worker",
        name,
        str(project),
        *map(str, args),
    ]
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            command, cwd=project, env=ENV, stdout=out, stderr=err
        )
        # wait4 reaps the child and returns its own resource usage (peak RSS).
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode:
        sys.stderr.write(stderr[-5000:])
        raise SystemExit(f"worker {name} failed with exit code {process.returncode}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - started
    result["peak_rss_mib"] = usage.ru_maxrss / 1024
    # CPU time of the run (user + system, all threads): less sensitive than wall
    # time to other processes sharing the machine.
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    return result


def measure(project: Path, runs: int, fe_runs: int) -> dict:
    """Feature and modelling timings, peak RSS and quality on one project."""
    features = run_worker("features", project, fe_runs)
    print(
        f"features: median {statistics.median(features['seconds']):.2f} s", flush=True
    )
    modelling = []
    for number in range(runs):
        modelling.append(run_worker("modelling", project))
        print(
            f"modelling run {number + 1}/{runs}: {modelling[-1]['seconds']:.1f} s "
            f"({modelling[-1]['cpu_seconds']:.1f} s CPU for the whole process), "
            f"peak {modelling[-1]['peak_rss_mib']:.0f} MiB",
            flush=True,
        )
    quality = run_worker("quality", project)
    print(f"ARI vs personas: {quality['ari']:.3f} ({quality['selected']})", flush=True)
    latency = run_worker("latency", project, 500)
    print(f"predict on one row: median {latency['median_ms']:.2f} ms", flush=True)
    return {
        "feature_engineering": {
            "median_seconds": statistics.median(features["seconds"]),
            "peak_rss_mib": features["peak_rss_mib"],
            "runs_seconds": features["seconds"],
            "orders": features["orders"],
            "persons": features["persons_with_features"],
        },
        "modelling": {
            "median_seconds": statistics.median(m["seconds"] for m in modelling),
            "runs_seconds": [m["seconds"] for m in modelling],
            "median_cpu_seconds_of_process": statistics.median(
                m["cpu_seconds"] for m in modelling
            ),
            "peak_rss_mib": max(m["peak_rss_mib"] for m in modelling),
            "persons": modelling[0]["persons"],
        },
        "quality": quality,
        "predict_one_row": {
            key: latency[key] for key in ("calls", "median_ms", "p95_ms")
        },
    }


def _has_primary(project: Path) -> bool:
    return any((project / "data" / "03_primary").glob("primary_orders*"))


def write(results: dict, out: Path) -> None:
    """Write the results with the load average at the time of writing."""
    results["machine"]["load_average_at_end"] = os.getloadavg()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fe-runs", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--scale10", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        name, project, *args = options.worker
        function = WORKERS[name]
        converted = [float(a) if "." in a else int(a) for a in args]
        print(json.dumps(function(Path(project).resolve(), *converted)))
        return

    project = make_project(options.project.resolve())
    if not _has_primary(project):
        if not options.prepare:
            raise SystemExit(
                f"{project}/data/03_primary has no primary tables: run the "
                "data_engineering pipeline there first, or pass --prepare"
            )
        run_worker("prepare", project, float(options.scale))
    results = {
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_at_start": os.getloadavg(),
            "python": platform.python_version(),
        },
        f"scale_{options.scale:g}": measure(project, options.runs, options.fe_runs),
    }
    write(results, options.out)  # kept even if scale 10 fails
    if options.scale10 is not None:
        target = make_project(options.scale10.resolve())
        if not _has_primary(target):
            results["scale_10_prepare"] = run_worker("prepare", target, 10.0)
        results["scale_10"] = measure(target, 1, 1)
    write(results, options.out)
    print(f"results written to {options.out}")


if __name__ == "__main__":
    main()
