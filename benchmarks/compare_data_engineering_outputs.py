"""The outputs of two data_engineering runs on the same raw files: identical or not.

    .venv/bin/python benchmarks/compare_data_engineering_outputs.py BEFORE AFTER

``BEFORE`` and ``AFTER`` are project folders after ``kedro run
--pipelines=data_engineering`` (``data/02_intermediate``, ``data/03_primary``, the
newest version of ``data/08_reporting/data_quality_report.json``), or flat folders
holding copies of those files. Every Parquet table must be equal, dtypes and values
exactly (``pandas.testing.assert_frame_equal``, ``check_exact=True``), and the
data-quality reports equal as JSON. Prints one line per output; exits non-zero when
one differs, so that an engine or contract change is shown behaviour-preserving.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd
from common import ROOT  # noqa: F401 (puts the project root on sys.path)

from tests.pipelines.data_engineering.conftest import PERSISTED as TABLES

REPORT = "data_quality_report.json"


def files(folder: Path) -> dict[str, Path]:
    """The outputs in ``folder``: a project after a run, or a flat copy."""
    if not (folder / "data").is_dir():
        return {
            name: folder / name for name in (*(f"{t}.parquet" for t in TABLES), REPORT)
        }
    data = folder / "data"
    found = {f"{t}.parquet": data / "03_primary" / f"{t}.parquet" for t in TABLES}
    found["zip_locations.parquet"] = data / "02_intermediate" / "zip_locations.parquet"
    versions = sorted((data / "08_reporting" / REPORT).iterdir())
    found[REPORT] = versions[-1] / REPORT
    return found


def compare(before: Path, after: Path) -> list[str]:
    """One line per output; those that differ start with 'DIFFERS'."""
    old, new = files(before), files(after)
    lines = []
    for name in old:
        try:
            if name == REPORT:
                a, b = (json.loads(p.read_text()) for p in (old[name], new[name]))
                if a != b:
                    raise AssertionError(f"reports differ:\n{a}\n{b}")
                shape = f"{len(a['tables'])} files"
            else:
                a, b = pd.read_parquet(old[name]), pd.read_parquet(new[name])
                pd.testing.assert_frame_equal(a, b, check_exact=True)
                shape = f"{a.shape[0]} rows x {a.shape[1]} columns"
            lines.append(f"identical {name} ({shape})")
        except AssertionError as exc:
            lines.append(f"DIFFERS   {name}: {str(exc)[:2000]}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args()
    lines = compare(args.before, args.after)
    print("\n".join(lines))
    sys.exit(any(line.startswith("DIFFERS") for line in lines))


if __name__ == "__main__":
    main()
