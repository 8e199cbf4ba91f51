"""Benchmark of synthetic data generation (the ``synthetic`` pipeline).

    .venv/bin/python benchmarks/bench_synthetic.py --runs 3 --runs-10 1

Each run is a child process in a throwaway copy of the project (conf/base and
pyproject; the package is the installed one), so the real ``data/`` is never touched.
The child opens a ``KedroSession`` and runs ``--pipelines=synthetic`` at the given
scale; it reports the wall clock and CPU time of ``session.run`` (generation, Kaggle
formatting and writing the ten CSVs) and of the whole process (with Kedro start-up).
Peak RSS is the child's ``ru_maxrss``. Medians over runs go to
``benchmarks/results/synthetic.json``, with the sizes of the written files.
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
import tempfile
import time
from pathlib import Path

from common import ROOT, make_project

RESULTS = ROOT / "benchmarks" / "results" / "synthetic.json"
CHILD = """
import json, resource, sys, time
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


def run_once(scale: float) -> dict:
    """One generation at ``scale`` in a fresh project copy, in a child process."""
    env = {
        **os.environ,
        "KEDRO_DISABLE_TELEMETRY": "true",
        "DO_NOT_TRACK": "true",
        "MLFLOW_DISABLE_TELEMETRY": "true",
    }
    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp) / "project")
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(scale)],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise RuntimeError(f"scale {scale} failed:\n{proc.stderr[-3000:]}")
        inner = json.loads(proc.stdout.strip().splitlines()[-1])
        raw = project / "data" / "01_raw"
        sizes = {p.name: p.stat().st_size for p in sorted(raw.glob("*.csv"))}
    return {
        **inner,
        "process_wall_s": wall,
        "process_cpu_s": (after.ru_utime - before.ru_utime)
        + (after.ru_stime - before.ru_stime),
        # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: runs go from
        # small to large scale, so it is this child's peak.
        "peak_rss_mb": after.ru_maxrss / 1024,
        "csv_mb": sum(sizes.values()) / 2**20,
    }


def summarise(runs: list[dict]) -> dict:
    keys = runs[0].keys()
    return {
        "runs": len(runs),
        **{
            f"median_{k}": round(statistics.median(r[k] for r in runs), 2) for k in keys
        },
        "all": [{k: round(v, 2) for k, v in r.items()} for r in runs],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs at scale 1")
    parser.add_argument("--runs-10", type=int, default=1, help="runs at scale 10")
    args = parser.parse_args()
    results = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": os.getloadavg(),
        },
        "targets": {"scale_1_generation_s": 10, "peak_rss_mb": 2048},
        "scales": {},
    }
    for scale, n in ((1.0, args.runs), (10.0, args.runs_10)):
        if n <= 0:
            continue
        runs = [run_once(scale) for _ in range(n)]
        results["scales"][str(scale)] = summarise(runs)
        print(scale, json.dumps(results["scales"][str(scale)], indent=1))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
