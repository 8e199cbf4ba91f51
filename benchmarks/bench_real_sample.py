"""The default pipeline on the real Olist sample, and on two disjoint halves of it.

    .venv/bin/python benchmarks/bench_real_sample.py

Reads ``../shared/olist_real_sample`` (real data; see its README) and writes
``benchmarks/results/real_sample.json``:

1. ``kedro run`` on the whole sample in a throwaway project copy: segments and shares,
   the winner's metrics, the stability curve with its band, the period and its
   interval, intrinsic stability, re-scoring and retraining costs;
2. ``kedro run --pipelines=stability --params stability.window_days=365`` on the same
   copy: the same curve with 12-month trailing windows (the published set-up) instead
   of the cumulative history;
3. for each of ``--draws`` seeds, the sample split into two disjoint halves by
   drawing orders at random (an order with all its rows: customer, items, payments,
   reviews; persons follow their orders, as a real sample is drawn), ``kedro run`` on
   each, and whether each half's period lies inside the other's interval.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from common import REAL_SAMPLE, ROOT, kedro_run, project_with, real_sample, work_folder

from tests.integration.project_data import load_dataset

RESULTS = ROOT / "benchmarks" / "results" / "real_sample.json"
# Files keyed by order (drawn with their orders); the rest are reference tables.
BY_ORDER = {
    "olist_order_items_dataset.csv": "order_id",
    "olist_order_payments_dataset.csv": "order_id",
    "olist_order_reviews_dataset.csv": "order_id",
}


def stability_figures(rec: dict[str, Any]) -> dict[str, Any]:
    """The maintenance contract's figures, curve and band by horizon in days."""
    keys = (
        "window",
        "recommended",
        "retrain_period_weeks",
        "retrain_period_interval_weeks",
        "censored",
        "schedule",
        "caveat",
        "origins",
        "ari_by_horizon",
        "ari_band_by_horizon",
        "ari_single_refit_by_horizon",
        "rescoring",
        "retrain_cost",
    )
    intrinsic = rec["intrinsic_stability"]
    return {key: rec[key] for key in keys} | {
        "intrinsic_stability": {
            k: intrinsic[k]
            for k in (
                "n_persons",
                "seed_ari_median",
                "bootstrap_ari_median",
                "unstable",
            )
        }
    }


def figures(project: Path) -> dict[str, Any]:
    """Segments, winner and stability of the latest run in ``project``."""
    profiles = load_dataset(project, "segment_profiles")
    winner = load_dataset(project, "selection_report")["winner"]
    rec = load_dataset(project, "maintenance_recommendation")
    return {
        "n_persons": profiles["n_persons"],
        "features": profiles.get("modelled_features", profiles.get("features")),
        "segments": [
            {"name": s["name"], "share": round(s["share"], 4)}
            for s in profiles["segments"]
        ],
        "winner": {
            k: winner[k]
            for k in ("algorithm", "n_clusters", "silhouette", "smallest_cluster_share")
            if k in winner
        },
        "stability": stability_figures(rec),
        "published": rec["published"],
    }


def split_by_orders(raw: Path, seed: int) -> tuple[dict, dict]:
    """Two disjoint halves of the sample's files, drawn order by order."""
    read = {
        csv.name: pd.read_csv(csv, dtype=str, keep_default_na=False)
        for csv in raw.glob("*.csv")
    }
    orders = read["olist_orders_dataset.csv"]
    draw = np.random.default_rng(seed).permutation(len(orders)) < len(orders) // 2
    halves = []
    for in_half in (draw, ~draw):
        kept = orders.loc[in_half]
        half = dict(read)
        half["olist_orders_dataset.csv"] = kept
        customers = read["olist_customers_dataset.csv"]
        half["olist_customers_dataset.csv"] = customers[
            customers["customer_id"].isin(kept["customer_id"])
        ]
        for name, key in BY_ORDER.items():
            half[name] = read[name][read[name][key].isin(kept["order_id"])]
        halves.append(half)
    return halves[0], halves[1]


def write_raw(files: dict[str, pd.DataFrame], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in files.items():
        frame.to_csv(folder / name, index=False)
    return folder


def inside(period: float | None, interval: list[float] | None) -> bool | None:
    if period is None or interval is None:
        return None
    return interval[0] <= period <= interval[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--workdir", type=Path, help="keep the project copies here")
    parser.add_argument(
        "--draws",
        type=int,
        nargs="+",
        default=[0, 1, 2, 3, 4],
        help="seeds of the draws of two halves",
    )
    parser.add_argument(
        "--halves-only",
        action="store_true",
        help="only the draws of two halves (not the whole sample nor its window run)",
    )
    args = parser.parse_args()
    real_sample()
    with work_folder(args.workdir) as work:
        result = measure(work, args.draws, whole=not args.halves_only)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps([d["agree"] for d in result["halves"]], indent=2))


def halves_of(work: Path, seed: int) -> dict[str, Any]:
    """``kedro run`` on the two halves of draw ``seed``; their figures, and whether
    each period lies inside the other's interval."""
    found: dict[str, Any] = {"draw_seed": seed}
    halves = split_by_orders(REAL_SAMPLE, seed)
    for label, files in zip(("half_a", "half_b"), halves, strict=True):
        name = f"draw{seed}_{label}"
        project = project_with(write_raw(files, work / f"{name}_raw"), work / name)
        found[label] = {
            "orders": len(files["olist_orders_dataset.csv"]),
            "seconds": kedro_run(project, "default"),
        } | figures(project)
    a, b = (found[h]["stability"] for h in ("half_a", "half_b"))
    found["agree"] = {
        "draw_seed": seed,
        "a_period_in_b_interval": inside(
            a["retrain_period_weeks"], b["retrain_period_interval_weeks"]
        ),
        "b_period_in_a_interval": inside(
            b["retrain_period_weeks"], a["retrain_period_interval_weeks"]
        ),
    }
    return found


def measure(work: Path, draws: list[int], *, whole: bool = True) -> dict[str, Any]:
    """Every run of the benchmark in ``work`` (without the whole sample's unless
    ``whole``); the results."""
    result: dict[str, Any] = {
        "data": f"{REAL_SAMPLE} (real Olist orders, see its README)",
        "command": "python benchmarks/bench_real_sample.py",
    }
    if not whole:
        result["halves"] = [halves_of(work, seed) for seed in draws]
        return result
    whole = project_with(REAL_SAMPLE, work / "whole")
    result["whole"] = {"seconds": kedro_run(whole, "default")} | figures(whole)
    window = kedro_run(
        whole, "window", "--pipelines=stability", "--params=stability.window_days=365"
    )
    result["whole_trailing_12_months"] = {"seconds": window} | stability_figures(
        load_dataset(whole, "maintenance_recommendation")
    )
    result["halves"] = [halves_of(work, seed) for seed in draws]
    return result


if __name__ == "__main__":
    main()
