"""Reference date by reference date: real sample vs synthetic full vs synthetic thinned.

    .venv/bin/python benchmarks/bench_synthetic_stability.py [--workdir DIR] [--reuse]

Issue 15 item 2. Three project copies go through ``kedro run --pipelines=training``
(what ``make run`` runs after the data): the real sample (``../shared/olist_real_sample``),
the synthetic default at scale 1 (``kedro run --pipelines=synthetic``, default seed,
every order) and that default thinned like the real sample (``thin`` of
``bench_synthetic_vs_real.py``: as many delivered orders as the real sample, plus every
never-delivered order). From each ``maintenance_recommendation.json``: the winner, the
retraining period and its interval, and per reference date (``origins``) the persons,
the seed and bootstrap ARI medians of the intrinsic stability, the period and interval.
The features of the thinned copy are compared with the real sample's (KS, as
``bench_synthetic_vs_real.py``).

Targets (issue 15): the synthetic full run stable at every reference date (seed and
bootstrap medians >= 0.9), its period inside the real sample's interval and the real
period inside its interval, every feature's KS <= 0.1 on the thinned copy.
``--reuse`` keeps a copy's outputs when its run already wrote them (``--workdir``).
Writes ``benchmarks/results/synthetic_stability.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench_synthetic_vs_real import (
    RESULTS,
    THIN_SEED,
    compare_features,
    features,
    newest,
    read_raw,
    thin,
)
from common import (
    REAL_SAMPLE,
    kedro_run,
    make_project,
    project_with,
    real_sample,
    work_folder,
)

MIN_ARI = 0.9
KS_MAX = 0.1
ORIGIN_KEYS = (
    "t0",
    "n_persons",
    "seed_ari_median",
    "bootstrap_ari_median",
    "unstable",
    "period_weeks",
    "interval_weeks",
)


def reporting(project: Path) -> Path:
    return project / "data" / "08_reporting"


def has_run(project: Path) -> bool:
    return (reporting(project) / "maintenance_recommendation.json").exists()


def prepare(work: Path, reuse: bool) -> dict[str, Path]:
    """The three project copies with their raw data (generated or copied once)."""
    real = project_with(REAL_SAMPLE, work / "real")
    full = make_project(work / "synthetic_full")
    if not (reuse and (full / "data" / "01_raw" / "olist_orders_dataset.csv").exists()):
        kedro_run(full, "synthetic", "--pipelines=synthetic")
    thinned = make_project(work / "synthetic_thinned")
    n_delivered = int(
        (
            read_raw(REAL_SAMPLE / "olist_orders_dataset.csv")["order_status"]
            == "delivered"
        ).sum()
    )
    thin(full / "data" / "01_raw", thinned / "data" / "01_raw", n_delivered, THIN_SEED)
    return {"real": real, "synthetic_full": full, "synthetic_thinned": thinned}


def summary(project: Path) -> dict:
    """Winner, contract and every reference date of a finished run."""
    selection = newest(reporting(project), "selection_report.json")
    maintenance = newest(reporting(project), "maintenance_recommendation.json")
    winner = selection["winner"]
    return {
        "winner": {
            k: winner.get(k)
            for k in (
                "candidate_id",
                "n_clusters",
                "silhouette",
                "smallest_cluster_share",
            )
        },
        "recommended": maintenance.get("recommended"),
        "retrain_period_weeks": maintenance.get("retrain_period_weeks"),
        "retrain_period_interval_weeks": maintenance.get(
            "retrain_period_interval_weeks"
        ),
        "origins": [
            {k: origin.get(k) for k in ORIGIN_KEYS}
            for origin in maintenance.get("origins", [])
        ],
    }


def inside(value: float | None, interval: list[float] | None) -> bool:
    return value is not None and bool(interval) and interval[0] <= value <= interval[1]


def verdicts(runs: dict[str, dict], ks: dict[str, float]) -> dict:
    """The targets of issue 15 item 2."""
    real, full = runs["real"], runs["synthetic_full"]
    stable = [
        o["seed_ari_median"] >= MIN_ARI and o["bootstrap_ari_median"] >= MIN_ARI
        for o in full["origins"]
    ]
    return {
        "full_stable_every_date": bool(stable) and all(stable),
        "full_period_in_real_interval": inside(
            full["retrain_period_weeks"], real["retrain_period_interval_weeks"]
        ),
        "real_period_in_full_interval": inside(
            real["retrain_period_weeks"], full["retrain_period_interval_weeks"]
        ),
        "thinned_ks_all_within": max(ks.values()) <= KS_MAX,
        "thinned_ks_max": max(ks.items(), key=lambda item: item[1]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="keep the project copies here")
    parser.add_argument("--reuse", action="store_true", help="keep finished runs")
    args = parser.parse_args()
    real_sample()
    with work_folder(args.workdir) as work:
        projects = prepare(work, args.reuse)
        seconds, reused = {}, []
        for name, project in projects.items():
            if args.reuse and has_run(project):
                reused.append(name)
            else:
                seconds[name] = kedro_run(project, "training", "--pipelines=training")
        runs = {name: summary(project) for name, project in projects.items()}
        compared = compare_features(
            features(projects["real"]), features(projects["synthetic_thinned"])
        )
    ks = {column: figures["ks"] for column, figures in compared.items()}
    results = {
        "data": {
            "real": "../shared/olist_real_sample (real Olist orders, see its README)",
            "synthetic_full": "kedro run --pipelines=synthetic (scale 1, default seed)",
            "synthetic_thinned": "synthetic_full thinned like the real sample "
            f"(bench_synthetic_vs_real.thin, seed {THIN_SEED})",
        },
        "command": " ".join(["python", *sys.argv]),
        "training_run_seconds": seconds,
        "reused_runs": reused,
        "runs": runs,
        "thinned_ks": ks,
        "verdicts": verdicts(runs, ks),
    }
    (RESULTS / "synthetic_stability.json").write_text(
        json.dumps(results, indent=2) + "\n"
    )
    for name, run in runs.items():
        print(
            f"{name:18s} {run['winner']['candidate_id']} period "
            f"{run['retrain_period_weeks']} {run['retrain_period_interval_weeks']}"
        )
        for o in run["origins"]:
            print(
                f"  {o['t0']} n={o['n_persons']} seed {o['seed_ari_median']:.3f} "
                f"boot {o['bootstrap_ari_median']:.3f} period {o['period_weeks']} "
                f"{o['interval_weeks']}"
            )
    print(json.dumps(results["verdicts"], indent=1))


if __name__ == "__main__":
    main()
