"""Customer value on the real Olist sample: the holdout check, and what pymc-marketing costs.

    .venv/bin/python benchmarks/bench_clv.py [--runs 3]

Reads ``../shared/olist_real_sample`` (real data; see its README), runs
``kedro run --pipelines=data_engineering`` on it in a throwaway project copy, and
writes ``benchmarks/results/clv.json``:

1. the calibration/holdout check of ``pipelines/clv/holdout.py`` for both purchase
   models (MBG/NBD, BG/NBD) and holdouts of 90, 180 (the default), 270 and 365 days:
   predicted vs actual repeat purchases per calibration frequency, and in total;
2. the customer value as of the default snapshot: the fitted parameters, P(alive) of
   one-time and repeat buyers, expected purchases and spend over 90 days;
3. what the package costs, each in a fresh process, medians of ``--runs``: the
   import of ``pymc_marketing.clv``; the MAP fits of the purchase and spend models
   on the real sample with a fresh pytensor compile cache (as on a new machine or
   CI: pytensor compiles C the first time) and with a warm one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from common import ENV, ROOT, kedro_run, make_project

from olist_segmentation.pipelines.clv import models
from olist_segmentation.pipelines.clv.holdout import holdout_check
from olist_segmentation.pipelines.clv.nodes import summarise_purchase_history
from olist_segmentation.pipelines.clv.params import HoldoutParams
from olist_segmentation.pipelines.feature_engineering.nodes import resolve_snapshot
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from tests.integration.project_data import load_dataset

REAL_SAMPLE = ROOT.parent / "shared" / "olist_real_sample"
RESULTS = ROOT / "benchmarks" / "results" / "clv.json"
HOLDOUT_DAYS = (90, 180, 270, 365)
PURCHASE_MODELS = tuple(models.PURCHASE_MODELS)

IMPORT = (
    "import time; t = time.perf_counter(); "
    "from olist_segmentation.pipelines.clv.models import pymc_clv; pymc_clv(); "
    "print(time.perf_counter() - t)"
)
FIT = """
import json, sys, time
import pandas as pd
from olist_segmentation.pipelines.clv import models
models.pymc_clv()
history = pd.read_parquet(sys.argv[1])
t = time.perf_counter()
models.fit_purchase_model(history, "modified_beta_geo")
purchase = time.perf_counter() - t
t = time.perf_counter()
models.fit_spend_model(history, 10)
print(json.dumps({"purchase": purchase, "spend": time.perf_counter() - t}))
"""


def _python(code: str, *args: str, compiledir: Path) -> str:
    env = {**ENV, "PYTENSOR_FLAGS": f"compiledir={compiledir}"}
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code, *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return done.stdout.strip().splitlines()[-1]


def costs(history_file: Path, runs: int, scratch: Path) -> dict[str, Any]:
    """Median seconds of the import and of the fits, fresh and warm cache."""
    warm = scratch / "warm_cache"
    imports, fresh, warmed = [], [], []
    for run in range(runs):
        imports.append(float(_python(IMPORT, compiledir=warm)))
        fit = _python(FIT, str(history_file), compiledir=scratch / f"fresh_{run}")
        fresh.append(json.loads(fit))
    for _ in range(runs):
        warmed.append(json.loads(_python(FIT, str(history_file), compiledir=warm)))

    def median(found: list[dict[str, float]], key: str) -> float:
        return round(statistics.median(f[key] for f in found), 2)

    return {
        "runs": runs,
        "import_pymc_marketing_clv_s": round(statistics.median(imports), 2),
        "fresh_compile_cache": {
            "purchase_fit_s": median(fresh, "purchase"),
            "spend_fit_s": median(fresh, "spend"),
        },
        "warm_compile_cache": {
            "purchase_fit_s": median(warmed, "purchase"),
            "spend_fit_s": median(warmed, "spend"),
        },
    }


def value_summary(history: pd.DataFrame) -> dict[str, Any]:
    """Parameters and the distribution of the value columns, per purchase model."""
    spend = models.fit_spend_model(history, min_repeat_buyers=10)
    once = history["frequency"] == 0
    found: dict[str, Any] = {"spend_model": models.fitted_parameters(spend)}
    for name in PURCHASE_MODELS:
        purchase = models.fit_purchase_model(history, name)
        value = models.customer_value(purchase, spend, history)
        found[name] = {
            "parameters": models.fitted_parameters(purchase),
            "p_alive_one_time_buyers": value.loc[once, "p_alive"]
            .quantile([0.1, 0.5, 0.9])
            .round(4)
            .tolist(),
            "p_alive_repeat_buyers": value.loc[~once, "p_alive"]
            .quantile([0.1, 0.5, 0.9])
            .round(4)
            .tolist(),
            "expected_purchases_90d_total": round(
                float(value["expected_purchases_90d"].sum()), 2
            ),
            "expected_spend_90d_total": round(
                float(value["expected_spend_90d"].sum()), 1
            ),
        }
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if not REAL_SAMPLE.is_dir():
        raise SystemExit(
            f"{REAL_SAMPLE} is absent: this benchmark reads the real sample"
        )
    with tempfile.TemporaryDirectory(prefix="bench_clv_") as folder:
        scratch = Path(folder)
        project = make_project(scratch / "project")
        for csv in REAL_SAMPLE.glob("*.csv"):
            (project / "data" / "01_raw" / csv.name).write_bytes(csv.read_bytes())
        kedro_run(project, "data_engineering", "--pipelines=data_engineering")
        orders = load_dataset(project, "primary_orders")
        feature_params = FeatureEngineeringParams()
        snapshot = resolve_snapshot(orders, feature_params.snapshot_date)
        history = summarise_purchase_history(orders, feature_params)
        history_file = scratch / "purchase_history.parquet"
        history.to_parquet(history_file)
        checks = [
            holdout_check(orders, snapshot, name, HoldoutParams(days=days))
            for name in PURCHASE_MODELS
            for days in HOLDOUT_DAYS
        ]
        result = {
            "data": "../shared/olist_real_sample (real Olist orders, see its README)",
            "snapshot": str(snapshot),
            "persons": len(history),
            "repeat_buyers": int((history["frequency"] > 0).sum()),
            "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()},
            "holdout_checks": checks,
            "customer_value": value_summary(history),
            "costs": costs(history_file, args.runs, scratch),
        }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for check in checks:
        total = check["total"]
        print(
            f"{check['purchase_model']:8} {check['holdout_days']:3} d: predicted "
            f"{total['predicted']:6.2f} actual {total['actual']:4.0f} "
            f"({total['relative_error']:+.1%})"
        )
    print(json.dumps(result["costs"], indent=2))


if __name__ == "__main__":
    main()
