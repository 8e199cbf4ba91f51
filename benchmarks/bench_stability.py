"""Benchmark of the stability pipeline and of the whole training run, on synthetic data.

    .venv/bin/python benchmarks/bench_stability.py --scale 1 --stability-runs 3 --full-runs 3

``--workdir DIR`` keeps (or reuses) the project copy; its synthetic data is generated
only when ``DIR/data/01_raw`` holds no CSV.

Steps, in a throwaway copy of the project (conf/base + pyproject; the package is the
installed one), so the real ``data/`` is never touched:

1. ``kedro run --pipelines=synthetic --params synthetic.scale=<scale>`` (timed);
2. the whole ``kedro run --pipelines=training`` (what ``make run`` runs: data
   engineering to report, tracked and registered in MLflow), ``--full-runs`` times;
3. ``kedro run --pipelines=stability`` alone, ``--stability-runs`` times;
4. the check against the planted truth: the synthetic data changes the persona mix of
   new customers on ``synthetic.persona_shift_date`` (a new persona appears); from
   the last run's ``stability_snapshots`` and ``maintenance_recommendation``: the ARI
   (frozen T0 model vs refit) and each monitoring signal before and after that date,
   and when the joiners' mix signal first fired.

Every timing is the wall clock of a child process, with its CPU time (user + system,
all threads: on a machine shared with other work the wall clock grows, the CPU time
much less); peak RSS is that child's ``ru_maxrss``. Results go to ``benchmarks/results/stability.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ENV, ROOT, make_project

RESULTS = ROOT / "benchmarks" / "results" / "stability.json"


def timed(command: list[str], cwd: Path, log: Path) -> dict[str, float]:
    """Run ``command``; its wall time and peak RSS (MB). Fails loudly on error."""
    start = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=cwd, env=ENV, stdout=out, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed (status {status}); see {log}")
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
    }


def summary(runs: list[dict[str, float]]) -> dict[str, object]:
    return {
        "runs": runs,
        "median_seconds": round(statistics.median(r["seconds"] for r in runs), 2),
        "median_cpu_seconds": round(
            statistics.median(r["cpu_seconds"] for r in runs), 2
        ),
        "max_peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
    }


def latest(folder: Path) -> Path:
    """The newest version of a versioned dataset folder."""
    return sorted(p for p in folder.glob("*/*") if p.is_file())[-1]


def planted_truth_check(project: Path) -> dict[str, object]:
    """ARI and the monitoring signals before and after the planted persona shift."""
    import pandas as pd  # noqa: PLC0415
    import yaml  # noqa: PLC0415

    conf = project / "conf" / "base"
    shift = pd.Timestamp(
        yaml.safe_load((conf / "parameters_synthetic.yml").read_text())["synthetic"][
            "persona_shift_date"
        ]
    )
    reporting = project / "data" / "08_reporting"
    snapshots = pd.read_csv(
        latest(reporting / "stability_snapshots.csv"), parse_dates=["date"]
    )
    rec = json.loads(latest(reporting / "maintenance_recommendation.json").read_text())
    later = snapshots[snapshots["horizon_days"] > 0]
    before = later[later["date"] < shift]
    after = later[later["date"] >= shift]
    columns = [
        "ari_cohort",
        "ari_median",
        "ari_low",
        "ari_high",
        "ari_new",
        "recent_mix_shift",
        "psi_max",
        "share_shift_max",
    ]

    def stats(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
        return {
            c: {
                "median": round(float(frame[c].median()), 4),
                "min": round(float(frame[c].min()), 4),
                "max": round(float(frame[c].max()), 4),
            }
            for c in columns
        }

    signal = rec["monitoring_signals"]["recent_mix_shift"]
    fired = signal["first_fired_days"]
    fired_on = (
        None if fired is None else pd.Timestamp(rec["t0"]) + pd.Timedelta(days=fired)
    )
    return {
        "persona_shift_date": str(shift.date()),
        "winner": json.loads(latest(reporting / "selection_report.json").read_text())[
            "winner"
        ],
        "n_snapshots_before": len(before),
        "n_snapshots_after": len(after),
        "before_shift": stats(before),
        "after_shift": stats(after),
        "recent_mix_shift_threshold": signal["threshold"],
        "recent_mix_shift_first_fired": None
        if fired_on is None
        else str(fired_on.date()),
        "days_from_shift_to_signal": None
        if fired_on is None
        else int((fired_on - shift).days),
        "recommended": rec["recommended"],
        "retrain_period_days": rec["retrain_period_days"],
        "retrain_period_weeks": rec["retrain_period_weeks"],
        "retrain_period_interval_weeks": rec["retrain_period_interval_weeks"],
        "censored": rec["censored"],
        "rescoring": rec["rescoring"],
        "retrain_cost": rec["retrain_cost"],
        "intrinsic_stability": rec["intrinsic_stability"],
        "by_snapshot": later[["date", *columns]]
        .assign(date=later["date"].dt.strftime("%Y-%m-%d"))
        .round(4)
        .to_dict(orient="records"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=RESULTS, help="results JSON")
    parser.add_argument("--stability-runs", type=int, default=3)
    parser.add_argument("--full-runs", type=int, default=1)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="project copy to use (kept); default: a temporary folder, removed",
    )
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_stability_"))
    project = make_project(workdir)
    kedro = str(Path(sys.executable).with_name("kedro"))
    logs = project / "logs"
    logs.mkdir(exist_ok=True)
    result: dict[str, object] = {
        "scale": args.scale,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average_at_start": os.getloadavg(),
    }
    if not any((project / "data" / "01_raw").glob("*.csv")):
        result["synthetic"] = timed(
            [
                kedro,
                "run",
                "--pipelines=synthetic",
                "--params",
                f"synthetic.scale={args.scale}",
            ],
            project,
            logs / "synthetic.log",
        )
    full = [
        timed([kedro, "run", "--pipelines=training"], project, logs / f"full_{i}.log")
        for i in range(args.full_runs)
    ]
    if full:
        result["training_run"] = summary(full)
    result["stability_pipeline"] = summary(
        [
            timed(
                [kedro, "run", "--pipelines=stability"], project, logs / f"stab_{i}.log"
            )
            for i in range(args.stability_runs)
        ]
    )
    result["planted_truth"] = planted_truth_check(project)
    result["load_average_at_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if args.workdir is None:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
