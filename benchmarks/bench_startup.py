"""Kedro start-up of commands that log nothing to MLflow, whole process.

    .venv/bin/python benchmarks/bench_startup.py --baseline 8b0af30 --repeats 5

On the same raw files (synthetic, ``--scale``), per version:

- ``kedro registry list``: wall and CPU time of the whole process;
- ``kedro run --pipelines=data_engineering``: from the process start to the first
  "Running node" line of its log, and the whole process (wall, CPU);
- ``kedro viz run --no-browser``: from the process start until its REST API answers
  (``/api/main``, polled every 0.1 s); the server's process group is stopped after.

Versions, measured alternately so that the machine's noise falls on all alike: a git
worktree of ``--baseline`` with its own ``.venv`` (as ``bench_against_commit.py`` makes
it), this checkout (``current``, uncommitted changes included), and this checkout with kedro-mlflow's command-line plugin (its
``kedro.project_commands`` entry point, which imports MLflow when Kedro builds its
command line) left out of Kedro's entry-point discovery: what the start-up would be
with a kedro-mlflow whose commands imported MLflow lazily. A measurement only: the
project runs with the plugin as it is installed.

Medians (with the machine's 1-minute load average before each measurement) and the
ratios current / baseline go to ``benchmarks/results/startup.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from bench_against_commit import baseline_worktree, comparison, project_of
from common import ENV, KEDRO, ROOT, kedro_run, make_project

from tests.integration.processes import free_port, stop_group

FIRST_NODE = "Running node"
VIZ_TIMEOUT_S = 300
# The kedro console script, with kedro-mlflow's command-line plugin left out of
# Kedro's entry-point discovery.
WITHOUT_KEDRO_MLFLOW_CLI = """
import sys
import kedro.framework.cli.utils as cli_utils

found = cli_utils._get_entry_points
cli_utils._get_entry_points = lambda name: [
    ep for ep in found(name) if not ep.module.startswith("kedro_mlflow")
]
from kedro.framework.cli import main

sys.argv = ["kedro", *sys.argv[1:]]
main()
"""


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], project: Path) -> dict[str, float | None]:
    """Wall and CPU time of ``command`` in ``project``, and when its first node started."""
    cpu = _children_cpu_s()
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
    return {
        "wall_s": round(time.perf_counter() - start, 2),
        "cpu_s": round(_children_cpu_s() - cpu, 2),
        "first_node_s": first and round(first, 2),
    }


@contextlib.contextmanager
def _group(command: list[str], project: Path) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(
        command,
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        stop_group(process)


def viz_serving_s(kedro: list[str], project: Path) -> float:
    """Seconds from starting ``kedro viz run`` until its REST API answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/main"
    command = [*kedro, "viz", "run", "--no-browser", "--host", "127.0.0.1"]
    start = time.perf_counter()
    with _group([*command, "--port", str(port)], project) as process:
        while time.perf_counter() - start < VIZ_TIMEOUT_S:
            if process.poll() is not None:
                raise SystemExit(f"kedro viz exited with {process.returncode}")
            with contextlib.suppress(urllib.error.URLError, ConnectionError, OSError):
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return round(time.perf_counter() - start, 2)
            time.sleep(0.1)
    raise SystemExit(f"kedro viz did not answer {url} in {VIZ_TIMEOUT_S} s")


def measure(kedro: list[str], project: Path) -> dict[str, float | None]:
    load = os.getloadavg()[0]
    listed = timed([*kedro, "registry", "list"], project)
    run = timed([*kedro, "run", "--pipelines=data_engineering"], project)
    return {
        "load_1min": round(load, 2),
        "registry_list_s": listed["wall_s"],
        "registry_list_cpu_s": listed["cpu_s"],
        "data_engineering_first_node_s": run["first_node_s"],
        "data_engineering_wall_s": run["wall_s"],
        "data_engineering_cpu_s": run["cpu_s"],
        "viz_serving_s": viz_serving_s(kedro, project),
    }


def _head() -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="commit to compare with")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
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
                "current_without_kedro_mlflow_cli": (
                    [sys.executable, "-c", WITHOUT_KEDRO_MLFLOW_CLI],
                    current,
                ),
            }
            runs: dict[str, list] = {name: [] for name in versions}
            for _ in range(args.repeats):
                for name, (kedro, project) in versions.items():
                    runs[name].append(measure(kedro, project))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = comparison(
        runs,
        command=f"python benchmarks/bench_startup.py --baseline {args.baseline} "
        f"--repeats {args.repeats} --scale {args.scale}",
        data=f"synthetic, scale {args.scale}, the same raw files for every version",
        current=f"{_head()} (this checkout, uncommitted changes included)",
    )
    out = ROOT / "benchmarks" / "results" / "startup.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["medians"], indent=2))


if __name__ == "__main__":
    main()
