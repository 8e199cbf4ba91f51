"""Benchmark of synthetic data generation (the ``synthetic`` pipeline) by scale.

    .venv/bin/python benchmarks/bench_synthetic.py --runs 3 --scales 1 10 30 100 --runs-large 1

Each run is a child process in a throwaway copy of the project (conf/base and
pyproject; the package is the installed one), so the real ``data/`` is never touched.
The child opens a ``KedroSession`` and runs ``--pipelines=synthetic`` at the given
scale; it reports the wall clock and CPU time of ``session.run`` (generation, Kaggle
formatting and writing the ten CSVs) and of the whole process (with Kedro start-up).
Peak RSS is the child's own ``ru_maxrss`` (``os.wait4``), the whole process. Scale 1
runs ``--runs`` times, larger scales ``--runs-large`` times; before a scale, the CSV
size is estimated from the last scale and the scale is skipped if the disk is short.

After each scale's last run, the files' marginals are read back (pyarrow): status,
payment-type and review-score shares, quantiles of money, delays and counts, and the
two-sample KS distance of each numeric column against scale 1 (random samples of
200,000 values): the same generator should give the same marginals at every scale.
Medians over runs, the growth with scale and the marginals go to
``benchmarks/results/synthetic.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from common import ENV, ROOT, make_project
from scipy.stats import ks_2samp

RESULTS = ROOT / "benchmarks" / "results" / "synthetic.json"
CHILD = """
import json, sys, time
from pathlib import Path
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project


project = Path.cwd()
bootstrap_project(project)
scale = float(sys.argv[1])
with KedroSession.create(project_path=project, runtime_params={"synthetic": {"scale": scale}}) as s:
    wall, cpu = time.perf_counter(), time.process_time()
    s.run(pipeline_names=["synthetic"])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"run_wall_s": wall, "run_cpu_s": cpu}))
"""
SAMPLE = 200_000
# (file, column, type): the numeric columns whose KS against scale 1 is reported.
NUMERIC = (
    ("olist_order_payments_dataset.csv", "payment_value", pa.float64()),
    ("olist_order_payments_dataset.csv", "payment_installments", pa.int64()),
    ("olist_order_items_dataset.csv", "price", pa.float64()),
    ("olist_order_items_dataset.csv", "freight_value", pa.float64()),
    ("olist_order_reviews_dataset.csv", "review_score", pa.int64()),
    ("olist_geolocation_dataset.csv", "geolocation_lat", pa.float64()),
)


def run_once(scale: float, project: Path) -> dict:
    """One generation at ``scale`` in ``project`` (a fresh copy), in a child process."""
    started = time.perf_counter()
    with (project / "synthetic.log").open("w") as log:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(scale)],
            cwd=project,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        out = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        tail = (project / "synthetic.log").read_text()[-3000:]
        raise RuntimeError(f"scale {scale} failed:\n{tail}")
    raw = project / "data" / "01_raw"
    sizes = {p.name: p.stat().st_size for p in sorted(raw.glob("*.csv"))}
    return {
        **json.loads(out.strip().splitlines()[-1]),
        "process_wall_s": wall,
        "process_cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        "csv_mb": sum(sizes.values()) / 2**20,
        "file_mb": {name: round(size / 2**20, 1) for name, size in sizes.items()},
    }


def _read(raw: Path, name: str, types: dict) -> pa.Table:
    return pa_csv.read_csv(
        raw / name,
        parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            include_columns=list(types), column_types=types
        ),
    )


def _shares(values: pa.Array) -> dict:
    counts = pc.value_counts(values).to_pylist()
    total = sum(c["counts"] for c in counts)
    return {str(c["values"]): round(c["counts"] / total, 4) for c in counts}


def _quantiles(values: np.ndarray) -> dict:
    q = np.quantile(values, [0.1, 0.5, 0.9])
    return {"p10": round(q[0], 2), "median": round(q[1], 2), "p90": round(q[2], 2)}


def marginals(raw: Path, rng: np.random.Generator) -> tuple[dict, dict]:
    """The files' marginals, and a random sample of each numeric column."""
    orders = _read(
        raw,
        "olist_orders_dataset.csv",
        {
            "order_status": pa.string(),
            "order_delivered_customer_date": pa.timestamp("s"),
            "order_estimated_delivery_date": pa.timestamp("s"),
        },
    )
    delay = pc.divide(
        pc.cast(
            pc.subtract(
                orders["order_delivered_customer_date"],
                orders["order_estimated_delivery_date"],
            ),
            pa.int64(),
        ),
        86_400.0,
    )
    delay = delay.drop_null().to_numpy()
    customers = _read(
        raw, "olist_customers_dataset.csv", {"customer_unique_id": pa.string()}
    )
    per_person = pc.value_counts(customers["customer_unique_id"]).field("counts")
    payments = _read(
        raw, "olist_order_payments_dataset.csv", {"payment_type": pa.string()}
    )
    samples = {"delay_days": delay}
    for name, column, kind in NUMERIC:
        values = _read(raw, name, {column: kind})[column].to_numpy()
        samples[column] = rng.choice(values, min(SAMPLE, len(values)), replace=False)
    summary = {
        "orders": orders.num_rows,
        "order_status": _shares(orders["order_status"].combine_chunks()),
        "payment_type": _shares(payments["payment_type"].combine_chunks()),
        "review_score_share": _shares(pa.array(samples["review_score"])),
        "repeat_buyer_share": round(
            float(pc.mean(pc.greater(per_person, 1)).as_py()), 4
        ),
        "late_share": round(float((delay > 0).mean()), 4),
        **{column: _quantiles(values) for column, values in samples.items()},
    }
    return summary, {k: v[: min(SAMPLE, len(v))] for k, v in samples.items()}


def summarise(runs: list[dict]) -> dict:
    keys = [k for k in runs[0] if k != "file_mb"]
    return {
        "runs": len(runs),
        **{
            f"median_{k}": round(statistics.median(r[k] for r in runs), 2) for k in keys
        },
        "file_mb": runs[-1]["file_mb"],
        "all": [{k: round(r[k], 2) for k in keys} for r in runs],
    }


def growth(scales: dict) -> dict:
    """Wall time and peak RSS per scale relative to scale 1, and the log-log slope."""
    base = scales.get("1.0")
    if base is None:
        return {}
    out = {}
    for key in ("median_process_wall_s", "median_peak_rss_mb", "median_csv_mb"):
        points = [(float(s), r[key]) for s, r in scales.items()]
        ratios = {s: round(r[key] / base[key], 2) for s, r in scales.items()}
        x = np.log([p[0] for p in points])
        y = np.log([p[1] for p in points])
        slope = float(np.polyfit(x, y, 1)[0]) if len(points) > 1 else math.nan
        out[key] = {"ratio_to_scale_1": ratios, "log_log_slope": round(slope, 3)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs at scale 1")
    parser.add_argument("--runs-large", type=int, default=1, help="runs above 1")
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    args = parser.parse_args()
    results = {
        "data": "synthetic, default seed, generated by this benchmark",
        "command": " ".join(["python", *sys.argv]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": os.getloadavg(),
        },
        "targets": {"scale_1_generation_s": 10, "peak_rss_mb_any_scale": 16384},
        "scales": {},
        "skipped": {},
        "marginals": {},
        "ks_against_scale_1": {},
    }
    rng = np.random.default_rng(0)
    reference, mb_per_scale = None, None
    for scale in sorted(args.scales):
        free_mb = shutil.disk_usage(tempfile.gettempdir()).free / 2**20
        if mb_per_scale and mb_per_scale * scale * 1.1 > free_mb:
            results["skipped"][str(scale)] = (
                f"about {mb_per_scale * scale:.0f} MB of CSV, {free_mb:.0f} MB free"
            )
            continue
        runs = []
        for index in range(args.runs if scale == 1 else args.runs_large):
            with tempfile.TemporaryDirectory() as tmp:
                project = make_project(Path(tmp) / "project")
                runs.append(run_once(scale, project))
                if index == 0:
                    raw = project / "data" / "01_raw"
                    summary, samples = marginals(raw, rng)
        mb_per_scale = runs[-1]["csv_mb"] / scale
        results["scales"][str(scale)] = summarise(runs)
        results["marginals"][str(scale)] = summary
        reference = reference or samples
        results["ks_against_scale_1"][str(scale)] = {
            k: round(float(ks_2samp(reference[k], v).statistic), 4)
            for k, v in samples.items()
        }
        print(scale, json.dumps(results["scales"][str(scale)]), flush=True)
    results["growth"] = growth(results["scales"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
