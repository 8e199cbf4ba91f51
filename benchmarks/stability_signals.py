"""The monitoring signals date by date beside the ARI, from one stability run.

    .venv/bin/python benchmarks/stability_signals.py PROJECT[@VERSION] --label real_sample

``PROJECT`` holds ``data/08_reporting`` written by ``kedro run`` (``VERSION``, or the
newest version, is read). The signals are read from the run's snapshot table under
today's ``conf/base`` thresholds (``stability.signals.monitoring_signals``), so that
older runs are read by today's rules. For every snapshot after T0: the median ARI
(frozen T0 model against the refits; the single refit where the median is no longer
measured), each signal's value, whether it fired there, and whether the ARI is below
``ari_threshold``; then, per signal, the first date it fired against the first date
of the sustained drop. Writes ``benchmarks/results/stability_signals.json`` (merged
under ``--label``) and prints the table as Markdown (docs/stability.md).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from compare_stability_outputs import version_of

from olist_segmentation.pipelines.stability.params import StabilityParams
from olist_segmentation.pipelines.stability.signals import (
    CHANCE,
    SIGNALS,
    monitoring_signals,
    with_ari_loss,
)

PARAMETERS = Path(__file__).parents[1] / "conf" / "base" / "parameters_stability.yml"


def read_run(spec: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The snapshots after T0 (with ``ari_loss``) and the recommendation of the run
    ``PROJECT[@VERSION]``, with its signals read under today's thresholds."""
    project, _, version = spec.partition("@")
    reporting = Path(project) / "data" / "08_reporting"
    snaps = pd.read_csv(
        version_of(reporting / "stability_snapshots.csv", version or None),
        parse_dates=["date"],
    )
    rec = json.loads(
        version_of(
            reporting / "maintenance_recommendation.json", version or None
        ).read_text()
    )
    later = with_ari_loss(snaps[snaps["horizon_days"] > 0].reset_index(drop=True))
    params = StabilityParams(**yaml.safe_load(PARAMETERS.read_text())["stability"])
    signals = monitoring_signals(later, params, rec["first_below_threshold_days"])
    return later, {**rec, "monitoring_signals": signals}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", help="PROJECT or PROJECT@VERSION")
    parser.add_argument("--label", required=True)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).parent / "results" / "stability_signals.json",
    )
    args = parser.parse_args()
    later, rec = read_run(args.project)
    ari = 1.0 - later["ari_loss"]
    rows = []
    for k, row in later.iterrows():
        entry = {
            "date": row["date"].strftime("%Y-%m-%d"),
            "weeks": int(row["horizon_days"]) // 7,
            "ari": round(float(ari[k]), 3),
            "ari_is": "median" if pd.notna(row["ari_median"]) else "single refit",
            "ari_below": bool(ari[k] < rec["ari_threshold"]),
        }
        for column, _ in SIGNALS:
            threshold = rec["monitoring_signals"][column]["threshold"]
            entry[column] = round(float(row[column]), 3)
            fired = row[column] > threshold
            if column in CHANCE:
                entry[CHANCE[column]] = round(float(row[CHANCE[column]]), 3)
                fired &= row[column] > row[CHANCE[column]]
            entry[f"{column}_fired"] = bool(fired)
        rows.append(entry)
    first_below = rec["first_below_threshold_days"]
    result = {
        "project": args.project,
        "t0": rec["t0"],
        "ari_threshold": rec["ari_threshold"],
        "first_below_threshold_days": first_below,
        "signals": rec["monitoring_signals"],
        "by_date": rows,
    }
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results[args.label] = result
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    columns = [column for column, _ in SIGNALS]
    header = ["date", "weeks", "ARI", *columns, "chance of the mix"]
    print("| " + " | ".join(header) + " |")
    print("| " + " | ".join(["---"] * len(header)) + " |")
    for r in rows:
        cells = [
            r["date"],
            str(r["weeks"]),
            f"{r['ari']:.3f}" + (" **<**" if r["ari_below"] else ""),
        ]
        cells += [
            f"{r[c]:.3f}" + (" **fired**" if r[f"{c}_fired"] else "") for c in columns
        ]
        cells.append(f"{r[CHANCE['recent_mix_shift']]:.3f}")
        print("| " + " | ".join(cells) + " |")
    for column, signal in rec["monitoring_signals"].items():
        print(column, signal)


if __name__ == "__main__":
    main()
