"""What the benchmarks share: the project root, a quiet environment, project copies.

Run the benchmarks from the project root (``python benchmarks/bench_<name>.py``): each
works in throwaway copies of the project (configuration only, data generated there),
never in the real ``data/`` folder.
"""

from __future__ import annotations

import os
import sys
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

__all__ = ["ENV", "ROOT", "make_project"]
