"""What the benchmarks share: the project root, a quiet environment, project copies.

Run the benchmarks from the project root (``python benchmarks/bench_<name>.py``): each
works in throwaway copies of the project (configuration only, data generated there),
never in the real ``data/`` folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.conftest import copy_project as make_project  # noqa: E402

ENV = {
    **os.environ,
    "KEDRO_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "true",
    "MLFLOW_DISABLE_TELEMETRY": "true",
}

KEDRO = str(Path(sys.executable).with_name("kedro"))
# Real data (see its README); the benchmarks that read it stop when it is absent.
REAL_SAMPLE = ROOT.parent / "shared" / "olist_real_sample"


def real_sample() -> Path:
    """``REAL_SAMPLE``, or stop the benchmark saying it is absent."""
    if not REAL_SAMPLE.is_dir():
        raise SystemExit(f"{REAL_SAMPLE} is absent: this benchmark needs real data")
    return REAL_SAMPLE


def project_with(raw: Path, folder: Path) -> Path:
    """A project copy in ``folder`` whose ``data/01_raw`` holds the CSV files of
    ``raw``."""
    project = make_project(folder)
    for csv in raw.glob("*.csv"):
        shutil.copy2(csv, project / "data" / "01_raw" / csv.name)
    return project


@contextlib.contextmanager
def work_folder(keep: Path | None) -> Iterator[Path]:
    """``keep`` when given (the project copies stay there), else a temporary folder
    removed afterwards."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="bench_") as tmp:
        yield Path(tmp)


def kedro_run(project: Path, log_name: str, *args: str) -> float:
    """``kedro run *args`` in ``project``, logged to ``<project>/<log_name>.log``;
    its wall time in seconds. Stops the benchmark with the log's end on failure."""
    start = time.perf_counter()
    log = project / f"{log_name}.log"
    with log.open("w") as out:
        done = subprocess.run(
            [KEDRO, "run", *args],
            check=False,
            cwd=project,
            env=ENV,
            stdout=out,
            stderr=out,
        )
    if done.returncode != 0:
        raise SystemExit(
            f"kedro run {' '.join(args)} failed in {project}:\n{log.read_text()[-4000:]}"
        )
    return round(time.perf_counter() - start, 1)


def run_python(code: str, *args: str, cwd: Path | None = None, **env: str) -> str:
    """The last line ``python -c code *args`` prints (in ``cwd``, with ``env`` added
    to the quiet environment). Stops the benchmark with its stderr's end on
    failure."""
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code, *args],
        check=False,
        capture_output=True,
        text=True,
        env=ENV | env,
        cwd=cwd,
    )
    if done.returncode != 0:
        raise SystemExit(
            f"python -c ... failed in {cwd or Path.cwd()}:\n{done.stderr[-4000:]}"
        )
    return done.stdout.strip().splitlines()[-1]


__all__ = [
    "ENV",
    "KEDRO",
    "REAL_SAMPLE",
    "ROOT",
    "kedro_run",
    "make_project",
    "project_with",
    "real_sample",
    "run_python",
    "work_folder",
]
