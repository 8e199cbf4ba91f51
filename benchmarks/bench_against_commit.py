"""The same pipeline on the same raw data, this checkout against an earlier commit.

    .venv/bin/python benchmarks/bench_against_commit.py --baseline b3471b4 \\
        --pipelines data_engineering --repeats 7

A refactor must not make a pipeline slower: this puts a git worktree of
``--baseline`` beside the checkout (with its own ``.venv`` from its own lock file,
``make install``), generates the synthetic default once with this checkout, copies
the same raw files into a project copy of each version, and runs
``kedro run --pipelines=<pipelines>`` alternately (baseline, current, baseline...),
so that the machine's noise falls on both alike. Per version: the median wall time
of the whole command (start-up included), of the pipeline itself (Kedro's "Pipeline
execution completed successfully in X sec."), CPU time and peak RSS (GNU time), and
the ratios current / baseline. Results go to
``benchmarks/results/against_<baseline>_<pipelines>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import ENV, KEDRO, ROOT, kedro_run, make_project

FINISHED = re.compile(r"successfully in ([0-9.]+) sec")


@contextmanager
def baseline_worktree(commit: str, folder: Path) -> Iterator[Path]:
    """A worktree of ``commit`` with its own virtual environment, removed at the end."""
    try:
        subprocess.run(
            [
                "git",
                "-C",
                str(ROOT),
                "worktree",
                "add",
                "--detach",
                str(folder),
                commit,
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(["make", "install"], cwd=folder, check=True, capture_output=True)
        yield folder
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)],
            check=False,
            capture_output=True,
        )


def project_of(checkout: Path, raw: Path, folder: Path) -> Path:
    """A project copy made by ``checkout``'s own test helper, holding ``raw``."""
    python = checkout / ".venv" / "bin" / "python"
    subprocess.run(
        [
            str(python),
            "-c",
            "import sys; from pathlib import Path; "
            "from tests.conftest import copy_project; copy_project(Path(sys.argv[1]))",
            str(folder),
        ],
        cwd=checkout,
        check=True,
        env=ENV,
    )
    shutil.copytree(raw, folder / "data" / "01_raw", dirs_exist_ok=True)
    return folder


def timed_run(kedro: Path, project: Path, pipelines: str) -> dict[str, float]:
    """One ``kedro run --pipelines=...`` under GNU time."""
    report = project / "time.txt"
    log = project / "run.log"
    with log.open("w") as out:
        subprocess.run(
            [
                "/usr/bin/time",
                "-f",
                "%e %U %S %M",
                "-o",
                str(report),
                str(kedro),
                "run",
                f"--pipelines={pipelines}",
            ],
            cwd=project,
            env={**ENV, "COLUMNS": "200"},
            stdout=out,
            stderr=out,
            check=True,
        )
    wall, user, system, rss_kb = report.read_text().split()
    inner = FINISHED.findall(log.read_text())
    return {
        "wall_s": float(wall),
        "cpu_s": round(float(user) + float(system), 2),
        "pipeline_s": float(inner[-1]),
        "peak_rss_mb": round(int(rss_kb) / 1024),
    }


def summary(runs: list[dict[str, float]]) -> dict[str, float]:
    return {f"median_{key}": statistics.median(r[key] for r in runs) for key in runs[0]}


def comparison(runs: dict[str, list[dict[str, float]]], **about: str) -> dict[str, Any]:
    """``about`` (the command, the data), the runs of each version, their medians and
    the ratios current / baseline."""
    medians = {name: summary(r) for name, r in runs.items()}
    return {
        **about,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "runs": runs,
        "medians": medians,
        "ratio_current_to_baseline": {
            key: round(medians["current"][key] / medians["baseline"][key], 3)
            for key in medians["current"]
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="commit to compare with")
    parser.add_argument("--pipelines", default="data_engineering")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_against_"))
    try:
        with baseline_worktree(args.baseline, work / "baseline") as old:
            generator = make_project(work / "generator")
            kedro_run(generator, "synthetic", "--pipelines=synthetic")
            raw = generator / "data" / "01_raw"
            versions = {
                "baseline": (old / ".venv/bin/kedro", project_of(old, raw, work / "b")),
                "current": (Path(KEDRO), project_of(ROOT, raw, work / "c")),
            }
            runs: dict[str, list] = {name: [] for name in versions}
            for _ in range(args.repeats):
                for name, (kedro, project) in versions.items():
                    runs[name].append(timed_run(kedro, project, args.pipelines))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = comparison(
        runs,
        command=f"python benchmarks/bench_against_commit.py --baseline "
        f"{args.baseline} --pipelines {args.pipelines} --repeats {args.repeats}",
        data="synthetic default (scale 1), the same raw files for both versions",
    )
    name = f"against_{args.baseline}_{args.pipelines.replace(',', '+')}.json"
    out = ROOT / "benchmarks" / "results" / name
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["ratio_current_to_baseline"], indent=2))


if __name__ == "__main__":
    main()
