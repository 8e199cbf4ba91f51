"""Does the embedded synthetic default behave like the real Olist sample?

    .venv/bin/python benchmarks/bench_synthetic_vs_real.py [--features-only] [--workdir DIR]
        [--scale S]

Issue 8 section 5. The real reference is ``../shared/olist_real_sample`` (6,893 real
orders, 4,378 of them delivered; see its README). The synthetic data is the default
``kedro run --pipelines=synthetic`` (scale 1, default seed), thinned the way that
sample was drawn: a random share of the delivered orders (fixed seed) so that as
many delivered orders remain as the real sample has, plus every never-delivered
order (the real sample holds nearly all of those of the full data), each with all
its rows (its customer, items, payments, reviews); products, sellers, geolocation and
the translation are kept whole.

Both go through the same pipelines in throwaway project copies:

1. ``kedro run --pipelines=data_engineering,feature_engineering``; every column of
   feature_engineering's ``FEATURE_COLUMNS`` in ``customer_features`` is compared
   with a two-sample Kolmogorov-Smirnov test (``scipy.stats.ks_2samp``); target:
   distance <= 0.1 for each;
2. unless ``--features-only``, the default ``kedro run``: the winner's segment count
   (target: within 1), silhouette (within 0.1) and the ARI 6 weeks after the first
   snapshot (``ari_by_horizon["42"]`` of ``maintenance_recommendation``, within 0.15).

Every figure goes to ``benchmarks/results/synthetic_vs_real.json`` (with
``--features-only``: ``synthetic_vs_real_features.json``). ``--scale S`` generates
the synthetic data at scale S instead of 1 (thinned to the same number of delivered
orders: the marginals of a larger generation) and adds ``_scale<S>`` to the name.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from common import (
    REAL_SAMPLE,
    ROOT,
    kedro_run,
    make_project,
    project_with,
    real_sample,
    work_folder,
)
from scipy.stats import ks_2samp

from olist_segmentation.pipelines.feature_engineering.nodes import FEATURE_COLUMNS

RESULTS = ROOT / "benchmarks" / "results"
THIN_SEED = 20181017
TARGETS = {
    "ks_max": 0.1,
    "n_segments_diff_max": 1,
    "silhouette_diff_max": 0.1,
    "ari_42_diff_max": 0.15,
}
# Files of an order (thinned) and files kept whole.
ORDER_FILES = (
    "olist_order_items_dataset.csv",
    "olist_order_payments_dataset.csv",
    "olist_order_reviews_dataset.csv",
)
WHOLE_FILES = (
    "olist_products_dataset.csv",
    "olist_sellers_dataset.csv",
    "olist_geolocation_dataset.csv",
    "product_category_name_translation.csv",
)


def read_raw(path: Path) -> pd.DataFrame:
    """A raw CSV as text, empty fields kept empty (written back as they were)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)


def thin(full_raw: Path, raw: Path, n_delivered: int, seed: int) -> dict:
    """Write to ``raw`` the sample of ``full_raw`` described in the module docstring."""
    orders = read_raw(full_raw / "olist_orders_dataset.csv")
    delivered = np.flatnonzero(orders["order_status"].to_numpy() == "delivered")
    rng = np.random.default_rng(seed)
    picked = rng.choice(delivered, min(n_delivered, len(delivered)), replace=False)
    keep = orders["order_status"].to_numpy() != "delivered"
    keep[picked] = True
    kept = orders[keep]
    kept.to_csv(raw / "olist_orders_dataset.csv", index=False)
    ids = set(kept["order_id"])
    customers = read_raw(full_raw / "olist_customers_dataset.csv")
    customers[customers["customer_id"].isin(set(kept["customer_id"]))].to_csv(
        raw / "olist_customers_dataset.csv", index=False
    )
    for name in ORDER_FILES:
        table = read_raw(full_raw / name)
        table[table["order_id"].isin(ids)].to_csv(raw / name, index=False)
    for name in WHOLE_FILES:
        shutil.copy2(full_raw / name, raw / name)
    return {
        "seed": seed,
        "orders": int(keep.sum()),
        "delivered_orders": len(picked),
        "share_of_delivered_orders": round(len(picked) / len(delivered), 4),
    }


def features(project: Path) -> pd.DataFrame:
    """``customer_features`` of a project copy."""
    return pd.read_parquet(
        project / "data" / "04_feature" / "customer_features.parquet"
    )


def compare_features(real: pd.DataFrame, synthetic: pd.DataFrame) -> dict:
    """KS distance and a few quantiles of both, per feature column."""
    out = {}
    for column in FEATURE_COLUMNS:
        a, b = real[column].dropna(), synthetic[column].dropna()
        quantiles = {
            f"{name}_q{q}": round(float(x.quantile(q / 100)), 3)
            for name, x in (("real", a), ("synthetic", b))
            for q in (10, 50, 90)
        }
        out[column] = {
            "ks": round(float(ks_2samp(a, b).statistic), 4),
            "real_mean": round(float(a.mean()), 3),
            "synthetic_mean": round(float(b.mean()), 3),
            **quantiles,
        }
    return out


def newest(folder: Path, name: str) -> dict:
    """The latest version of a (possibly versioned) JSON output."""
    path = folder / name
    if path.is_dir():
        path = sorted(path.glob(f"*/{name}"))[-1]
    return json.loads(path.read_text())


def segmentation(project: Path) -> dict:
    """Segment count, winner's silhouette, ARI at 6 weeks of the default run."""
    reporting = project / "data" / "08_reporting"
    selection = newest(reporting, "selection_report.json")
    maintenance = newest(reporting, "maintenance_recommendation.json")
    winner = selection["winner"]
    return {
        "n_segments": int(winner["n_clusters"]),
        "silhouette": winner["silhouette"],
        "features": selection.get("features"),
        "ari_42": maintenance["ari_by_horizon"].get("42"),
        "ari_by_horizon": maintenance["ari_by_horizon"],
        "retrain_period_weeks": maintenance.get("retrain_period_weeks"),
        "retrain_period_interval_weeks": maintenance.get(
            "retrain_period_interval_weeks"
        ),
        "origins": [
            {k: o[k] for k in ("t0", "n_persons", "unstable", "period_weeks")}
            for o in maintenance.get("origins", [])
        ],
    }


def verdicts(results: dict) -> dict:
    """Which targets of issue 8 section 5 hold."""
    ks = {k: v["ks"] for k, v in results["features"].items()}
    out = {
        "ks_all_within": max(ks.values()) <= TARGETS["ks_max"],
        "ks_failing": sorted(k for k, v in ks.items() if v > TARGETS["ks_max"]),
    }
    seg = results.get("segmentation")
    if seg:
        real, synthetic = seg["real"], seg["synthetic"]
        out["n_segments_within"] = (
            abs(real["n_segments"] - synthetic["n_segments"])
            <= TARGETS["n_segments_diff_max"]
        )
        out["silhouette_within"] = (
            abs(real["silhouette"] - synthetic["silhouette"])
            <= TARGETS["silhouette_diff_max"]
        )
        if real["ari_42"] is not None and synthetic["ari_42"] is not None:
            out["ari_42_within"] = (
                abs(real["ari_42"] - synthetic["ari_42"]) <= TARGETS["ari_42_diff_max"]
            )
        else:
            out["ari_42_within"] = None
    return out


def prepare(work: Path, scale: float) -> tuple[Path, Path, dict]:
    """The real and the thinned synthetic project copies, with their raw data."""
    real = project_with(REAL_SAMPLE, work / "real")
    full = make_project(work / "synthetic_full")
    timings = {
        "synthetic_generation_s": kedro_run(
            full,
            "synthetic",
            "--pipelines=synthetic",
            f"--params=synthetic.scale={scale}",
        )
    }
    synthetic = make_project(work / "synthetic")
    n_delivered = int(
        (
            read_raw(REAL_SAMPLE / "olist_orders_dataset.csv")["order_status"]
            == "delivered"
        ).sum()
    )
    thinning = thin(
        full / "data" / "01_raw", synthetic / "data" / "01_raw", n_delivered, THIN_SEED
    )
    return real, synthetic, {"thinning": thinning, "timings": timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features-only", action="store_true")
    parser.add_argument("--workdir", type=Path, help="keep the project copies here")
    parser.add_argument("--scale", type=float, default=1.0, help="synthetic scale")
    args = parser.parse_args()
    real_sample()
    with work_folder(args.workdir) as work:
        real, synthetic, results = prepare(work, args.scale)
        for name, project in (("real", real), ("synthetic", synthetic)):
            results["timings"][f"{name}_features_s"] = kedro_run(
                project, "features", "--pipelines=data_engineering,feature_engineering"
            )
        real_f, synth_f = features(real), features(synthetic)
        results["persons"] = {"real": len(real_f), "synthetic": len(synth_f)}
        results["features"] = compare_features(real_f, synth_f)
        if not args.features_only:
            results["segmentation"] = {}
            for name, project in (("real", real), ("synthetic", synthetic)):
                results["timings"][f"{name}_default_run_s"] = kedro_run(
                    project, "default"
                )
                results["segmentation"][name] = segmentation(project)
    results = {
        "data": {
            "real": "../shared/olist_real_sample (real Olist orders, see its README)",
            "synthetic": f"kedro run --pipelines=synthetic (scale {args.scale}, "
            "default seed), thinned as described in this benchmark's docstring",
        },
        "command": " ".join(["python", *sys.argv]),
        "targets": TARGETS,
        **results,
    }
    results["verdicts"] = verdicts(results)
    name = "synthetic_vs_real_features" if args.features_only else "synthetic_vs_real"
    name += "" if args.scale == 1 else f"_scale{args.scale:g}"
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    for column, figures in results["features"].items():
        print(f"{column:28s} KS {figures['ks']:.3f}")
    print(json.dumps(results["verdicts"], indent=1))


if __name__ == "__main__":
    main()
