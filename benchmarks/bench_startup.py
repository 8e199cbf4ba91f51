"""Kedro start-up, whole process: this checkout against an earlier commit.

    .venv/bin/python benchmarks/bench_startup.py --baseline 7d56009 --repeats 7

Per version (a git worktree of ``--baseline`` with its own ``.venv``, as
``bench_against_commit.py`` makes it, and this checkout), on the same raw files
(synthetic, ``--scale``), alternately so that the machine's noise falls on both:

- ``kedro registry list``: wall time of the whole process;
- ``kedro run --pipelines=data_engineering``: time from the process start to the
  first "Running node" line of its log, and the whole process;
- the same run in this checkout with kedro-mlflow's entry points hidden from Kedro
  (its CLI group and its plugin hook, both of which import MLflow when Kedro loads
  them, before any project setting applies): what the start-up would be with a
  kedro-mlflow that imported MLflow lazily. A measurement only: the project runs
  with the plugin as it is installed.

Medians (with the machine's 1-minute load average before each measurement) and the
ratios current / baseline go to ``benchmarks/results/startup.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_against_commit import baseline_worktree, comparison, project_of
from common import ENV, KEDRO, ROOT, kedro_run, make_project

FIRST_NODE = "Running node"
# The kedro console script, with kedro-mlflow's entry points left out of Kedro's
# entry-point discovery (CLI commands and plugin hooks).
WITHOUT_KEDRO_MLFLOW = """
import sys
import pluggy
import kedro.framework.cli.utils as cli_utils

found = cli_utils._get_entry_points
cli_utils._get_entry_points = lambda name: [
    ep for ep in found(name) if not ep.module.startswith("kedro_mlflow")
]
load = pluggy.PluginManager.load_setuptools_entrypoints

def without_kedro_mlflow(manager, group, name=None):
    manager.set_blocked("mlflow_hook")
    return load(manager, group, name)

pluggy.PluginManager.load_setuptools_entrypoints = without_kedro_mlflow
from kedro.framework.cli import main

sys.argv = ["kedro", *sys.argv[1:]]
main()
"""


def timed(command: list[str], project: Path) -> dict[str, float | None]:
    """Wall time of ``command`` in ``project`` and when its first node started."""
    start = time.perf_counter()
    first = None
    with subprocess.Popen(
        command,
        cwd=project,
        env={**ENV, "COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        for line in process.stdout:
            if first is None and FIRST_NODE in line:
                first = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed in {project}")
    wall = time.perf_counter() - start
    return {"wall_s": round(wall, 2), "first_node_s": first and round(first, 2)}


def measure(kedro: list[str], project: Path) -> dict[str, float | None]:
    load = os.getloadavg()[0]
    listed = timed([*kedro, "registry", "list"], project)
    run = timed([*kedro, "run", "--pipelines=data_engineering"], project)
    return {
        "load_1min": round(load, 2),
        "registry_list_s": listed["wall_s"],
        "data_engineering_first_node_s": run["first_node_s"],
        "data_engineering_wall_s": run["wall_s"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="commit to compare with")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--scale", type=float, default=0.1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_startup_"))
    try:
        with baseline_worktree(args.baseline, work / "baseline") as old:
            generator = make_project(work / "generator")
            kedro_run(
                generator,
                "synthetic",
                "--pipelines=synthetic",
                f"--params=synthetic.scale={args.scale}",
            )
            raw = generator / "data" / "01_raw"
            current = project_of(ROOT, raw, work / "c")
            versions = {
                "baseline": (
                    [str(old / ".venv/bin/kedro")],
                    project_of(old, raw, work / "b"),
                ),
                "current": ([KEDRO], current),
                "current_without_kedro_mlflow_entry_points": (
                    [sys.executable, "-c", WITHOUT_KEDRO_MLFLOW],
                    current,
                ),
            }
            runs: dict[str, list] = {name: [] for name in versions}
            for _ in range(args.repeats):
                for name, (kedro, project) in versions.items():
                    runs[name].append(measure(kedro, project))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    result = comparison(
        runs,
        command=f"python benchmarks/bench_startup.py --baseline {args.baseline} "
        f"--repeats {args.repeats} --scale {args.scale}",
        data=f"synthetic, scale {args.scale}, the same raw files for every version",
        current=f"{head} (this checkout, uncommitted changes included)",
    )
    out = ROOT / "benchmarks" / "results" / "startup.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["medians"], indent=2))


if __name__ == "__main__":
    main()
