"""The stability outputs of two runs side by side: same figures, and the work each did.

    .venv/bin/python benchmarks/compare_stability_outputs.py BEFORE AFTER \
        --label real_sample_b4 [--out benchmarks/results/stability_lazy.json]

``BEFORE`` and ``AFTER`` are project folders (or a folder and a version of it: pass
``BEFORE@VERSION``), each holding ``data/08_reporting`` written by ``kedro run
--pipelines=stability`` on the same primary tables and ``segmentation_model``. Writes
(merging into ``--out`` under ``--label``):

- every ARI both runs measured (``stability_snapshots``, ``stability_origins``:
  ``ari_cohort``, ``ari_boot_<b>``, ``ari_median``, ``ari_low``, ``ari_high``), the
  largest absolute difference and how many each run measured;
- the contract of each: period, interval, per-origin periods and pairs' periods;
- the fits and predictions of the frozen-against-refit comparisons: the eager rule
  (every pair at every date; each curve predicting its own refits) counted from the
  run's rows, the lazy one as ``computation`` in ``maintenance_recommendation``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pandas as pd

ARI_COLUMNS = ("ari_cohort", "ari_median", "ari_low", "ari_high")


def version_of(folder: Path, version: str | None) -> Path:
    """The file of ``version`` (default: the newest) in a versioned dataset folder."""
    versions = sorted(p for p in folder.iterdir() if p.is_dir())
    chosen = versions[-1] if version is None else folder / version
    return chosen / folder.name


def outputs(spec: str) -> dict[str, Any]:
    """``stability_snapshots``, ``stability_origins`` and the recommendation."""
    root, _, version = spec.partition("@")
    reporting = Path(root) / "data" / "08_reporting"
    read = {
        name: version_of(reporting / name, version or None)
        for name in (
            "stability_snapshots.csv",
            "stability_origins.csv",
            "maintenance_recommendation.json",
        )
    }
    return {
        "snapshots": pd.read_csv(read["stability_snapshots.csv"], parse_dates=["date"]),
        "origins": pd.read_csv(
            read["stability_origins.csv"], parse_dates=["origin", "date"]
        ),
        "rec": json.loads(read["maintenance_recommendation.json"].read_text()),
    }


def long_aris(run: dict[str, Any]) -> pd.Series:
    """Every ARI of a run, keyed by (curve's reference date, date, column)."""
    t0 = run["snapshots"].assign(origin=pd.Timestamp(run["rec"]["t0"]))
    table = pd.concat([t0, run["origins"]], ignore_index=True)
    columns = [
        c for c in table.columns if c in ARI_COLUMNS or c.startswith("ari_boot_")
    ]
    frame = table.set_index(["origin", "date"])[columns]
    return frame.stack().dropna()


def eager_work(run: dict[str, Any]) -> dict[str, int]:
    """What the eager rule fits and predicts for the curves of ``run``: ``1 +
    bootstraps`` fits per date, and per row of a curve 2 + 2 x bootstraps
    predictions (frozen and refit, single and each pair)."""
    rec, snaps, origins = run["rec"], run["snapshots"], run["origins"]
    pairs = len([c for c in snaps.columns if c.startswith("ari_boot_")])
    dates = set(snaps["date"]) | set(origins.get("date", pd.Series(dtype=object)))
    seeds = len(rec["intrinsic_stability"]["seed_ari"])
    rows = len(snaps) + len(origins)
    return {
        "bootstraps": pairs,
        "dates": len(dates),
        "model_fits": len(dates),
        "pair_fits": pairs * len(dates),
        "seed_fits": seeds * len(rec["origins"]),
        "comparison_rows": rows,
        "predictions": rows * (2 + 2 * pairs),
    }


def contract(rec: dict[str, Any]) -> dict[str, Any]:
    return {
        "retrain_period_weeks": rec["retrain_period_weeks"],
        "retrain_period_interval_weeks": rec["retrain_period_interval_weeks"],
        "retrain_period_by_replicate_days": rec["retrain_period_by_replicate_days"],
        "origins": [
            {
                k: o[k]
                for k in (
                    "t0",
                    "period_days",
                    "replicate_period_days",
                    "interval_weeks",
                    "unstable",
                )
            }
            for o in rec["origins"]
        ],
        "headline": rec["headline"],
    }


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    left, right = long_aris(before), long_aris(after)
    common = left.index.intersection(right.index)
    difference = (left.loc[common] - right.loc[common]).abs()
    return {
        "aris_before": len(left),
        "aris_after": len(right),
        "aris_in_both": len(common),
        "aris_only_before": len(left.index.difference(right.index)),
        "aris_only_after": len(right.index.difference(left.index)),
        "max_abs_difference": float(difference.max()) if len(common) else None,
        "same_contract": contract(before["rec"]) == contract(after["rec"]),
        "contract_before": contract(before["rec"]),
        "contract_after": contract(after["rec"]),
        "work_before_eager": eager_work(before),
        "work_after": after["rec"].get("computation"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--label", required=True)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).parent / "results" / "stability_lazy.json",
    )
    args = parser.parse_args()
    found = compare(outputs(args.before), outputs(args.after))
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results[args.label] = {"before": args.before, "after": args.after} | found
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({k: v for k, v in found.items() if "contract" not in k}, indent=2))


if __name__ == "__main__":
    main()
