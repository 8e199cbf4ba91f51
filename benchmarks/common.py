"""What the benchmarks share: the project root, a quiet environment, project copies.

Run the benchmarks from the project root (``python benchmarks/bench_<name>.py``): each
works in throwaway copies of the project (configuration only, data generated there),
never in the real ``data/`` folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
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


__all__ = ["ENV", "KEDRO", "ROOT", "kedro_run", "make_project"]
