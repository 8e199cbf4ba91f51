"""Customer value on the real Olist sample: the holdout check, and what pymc-marketing costs.

    .venv/bin/python benchmarks/bench_clv.py [--runs 3]
    .venv/bin/python benchmarks/bench_clv.py --synthetic-scale 1 [--runs 3]

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

With ``--synthetic-scale S`` it measures instead what the clv pipeline adds to the
training run on the synthetic default at scale ``S`` (``benchmarks/results/
clv_synthetic.json``): in a project copy (``data/01_raw`` of this project when it
holds synthetic data, else generated), ``kedro run --to-outputs=customer_segments``
once, then, ``--runs`` times in a fresh process, the clv pipeline's nodes on that
run's catalog with Kedro's SequentialRunner: the import of pymc-marketing, the fits,
the predictions, the holdout check and the datasets' I/O (Kedro's start-up, paid
once by the training run anyway, is left out).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from pathlib import Path
from typing import Any

import pandas as pd
from common import (
    ROOT,
    kedro_run,
    make_project,
    project_with,
    real_sample,
    run_python,
    work_folder,
)

from olist_segmentation.pipelines.clv import models
from olist_segmentation.pipelines.clv.holdout import holdout_check
from olist_segmentation.pipelines.clv.nodes import summarise_purchase_history
from olist_segmentation.pipelines.clv.params import HoldoutParams
from olist_segmentation.pipelines.feature_engineering.nodes import resolve_snapshot
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from tests.integration.project_data import load_dataset

RESULTS = ROOT / "benchmarks" / "results" / "clv.json"
SYNTHETIC_RESULTS = ROOT / "benchmarks" / "results" / "clv_synthetic.json"
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


CLV_NODES = """
import json, time
t = time.perf_counter()
from pathlib import Path
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.io import MemoryDataset
from kedro.runner import SequentialRunner
from olist_segmentation.pipelines.clv import create_pipeline
bootstrap_project(Path.cwd())
with KedroSession.create(Path.cwd()) as session:
    context = session.load_context()
    catalog = context.catalog
    params = context.params
    # Kedro 1.7 has validated them into the nodes' pydantic models already.
    for name in ("clv", "feature_engineering"):
        catalog[f"params:{name}"] = MemoryDataset(params[name], copy_mode="assign")
    start = time.perf_counter()
    SequentialRunner().run(create_pipeline(), catalog)
    done = time.perf_counter()
value = catalog.load("customer_value")
print(json.dumps({
    "clv_nodes_s": round(done - start, 2),
    "setup_s": round(start - t, 2),
    "persons": len(value),
    "repeat_buyers": int(catalog.load("purchase_history")["frequency"].gt(0).sum()),
    "spend_model": str(value["spend_model"].iloc[0]),
}))
"""


def synthetic_cost(scale: float, runs: int, scratch: Path) -> dict[str, Any]:
    """Seconds the clv nodes take on a finished segmentation run at ``scale``."""
    raw = ROOT / "data" / "01_raw"
    if scale == 1 and (raw / "synthetic_personas.csv").is_file():
        project = project_with(raw, scratch / "synthetic")
    else:
        project = make_project(scratch / "synthetic")
        kedro_run(
            project,
            "synthetic",
            "--pipelines=synthetic",
            f"--params=synthetic.scale={scale}",
        )
    upstream = kedro_run(project, "upstream", "--to-outputs=customer_segments")
    found = [json.loads(run_python(CLV_NODES, cwd=project)) for _ in range(runs)]
    seconds = [f["clv_nodes_s"] for f in found]
    return {
        "data": f"synthetic default, scale {scale}",
        "scale": scale,
        "runs": runs,
        "upstream_run_s": upstream,
        "clv_nodes_s_median": round(statistics.median(seconds), 2),
        "clv_nodes_s": seconds,
        **{k: found[0][k] for k in ("persons", "repeat_buyers", "spend_model")},
        "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()},
    }


def _python(code: str, *args: str, compiledir: Path) -> str:
    return run_python(code, *args, PYTENSOR_FLAGS=f"compiledir={compiledir}")


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
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--synthetic-scale", type=float, default=None)
    args = parser.parse_args()
    if args.synthetic_scale is not None:
        with work_folder(None) as folder:
            found = synthetic_cost(args.synthetic_scale, args.runs, folder)
        out = args.out or SYNTHETIC_RESULTS
        out.write_text(json.dumps(found, indent=2) + "\n")
        print(json.dumps(found, indent=2))
        return
    raw = real_sample()
    with work_folder(None) as scratch:
        project = project_with(raw, scratch / "project")
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
    (args.out or RESULTS).write_text(json.dumps(result, indent=2) + "\n")
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
