"""How the contract's interval and the agreement of disjoint samples change with size.

    .venv/bin/python benchmarks/bench_sample_size.py [--workdir DIR] [--reuse]
        [--real-draws 0 1 2 3 4] [--synthetic-multiples 1 2 4] [--synthetic-parts 4]

Issue 15: why two disjoint halves of the real sample disagree, and what sample size
makes them agree. One specification for every sample, so that only the sample
varies: the ``segmentation_model`` of ``kedro run --to-outputs=segmentation_model``
on the whole real sample (``../shared/olist_real_sample``). Every sample is a set of
orders with all their rows (the primary tables of ``kedro run
--pipelines=data_engineering``), and the stability pipeline up to
``recommend_maintenance`` runs on it in this process (``SequentialRunner``, an
in-memory catalog, the project's ``parameters_stability.yml`` with
``min_persons_t0`` lowered to 100 so that quarters run):

- real: per draw seed, the orders split at random into 2 disjoint halves (the very
  halves of ``bench_real_sample.py``: same permutation) and into 4 disjoint
  quarters, plus a random 75 %; the whole sample once;
- synthetic: the default (``kedro run --pipelines=synthetic``, scale 1, default
  seed) thinned like the real sample (``bench_synthetic_vs_real.thin``: every
  never-delivered order plus a random set of delivered ones), at ``m`` times the real
  sample's 4,378 delivered orders, ``--synthetic-parts`` disjoint sets of delivered
  orders per multiple (fewer when the data has not enough).

Per run: the persons, seed / bootstrap medians, period, interval and every pair's
period of each reference date; the contract each rule reads from them
(``agreement.py``: the pipeline's, the one before issue 15, the seeds alone). Per size and rule: the
widths, how many reference dates are read, and for every two disjoint samples of
that size whether each one's period lies inside the other's interval. Writes
``benchmarks/results/sample_size.json``; its ``sample_size_parameter`` is what
``stability.sample_size.by_size`` (``parameters_stability.yml``) must hold.
``--reuse`` keeps the runs already made in ``--workdir`` (``sample_size_runs.pkl``).
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from agreement import RULES, by_size, contract, describe, evidence
from bench_synthetic_stability import ORIGIN_KEYS as SUMMARY_KEYS
from bench_synthetic_vs_real import THIN_SEED, read_raw
from common import (
    REAL_SAMPLE,
    ROOT,
    kedro_run,
    make_project,
    project_with,
    real_sample,
    work_folder,
)
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from olist_segmentation.pipelines.stability import create_pipeline
from olist_segmentation.pipelines.stability.params import StabilityParams
from tests.integration.project_data import load_dataset

RESULTS = ROOT / "benchmarks" / "results" / "sample_size.json"
TABLES = ("primary_orders", "primary_order_items", "primary_reviews")
MIN_PERSONS_T0 = 100
ORIGIN_KEYS = (*SUMMARY_KEYS, "replicate_period_days", "first_below_threshold_days")


def parameters() -> tuple[StabilityParams, FeatureEngineeringParams]:
    conf = ROOT / "conf" / "base"
    stability = yaml.safe_load((conf / "parameters_stability.yml").read_text())
    features = yaml.safe_load((conf / "parameters_feature_engineering.yml").read_text())
    return (
        StabilityParams(**stability["stability"] | {"min_persons_t0": MIN_PERSONS_T0}),
        FeatureEngineeringParams(**features["feature_engineering"]),
    )


def primary(project: Path) -> dict[str, pd.DataFrame]:
    return {name: load_dataset(project, name) for name in TABLES}


def order_keys(project: Path, raw_orders: pd.DataFrame) -> np.ndarray:
    """The ``order_key`` of every row of the raw orders file, in its order."""
    ids = load_dataset(project, "id_map")
    ids = ids[ids["id_kind"] == "order_id"].set_index("olist_id")["key"]
    return raw_orders["order_id"].map(ids).to_numpy()


def parts(n: int, seed: int, k: int) -> np.ndarray:
    """Part (0..k-1) of each of ``n`` orders: a random permutation cut in k; for k = 2
    the halves of ``bench_real_sample.split_by_orders``."""
    rank = np.random.default_rng(seed).permutation(n)
    return np.minimum(rank // (n // k), k - 1)


def subset(tables: dict[str, pd.DataFrame], keys: np.ndarray) -> dict:
    keep = set(keys.tolist())
    return {
        name: table[table["order_key"].isin(keep)].reset_index(drop=True)
        for name, table in tables.items()
    }


def stability(tables: dict[str, pd.DataFrame], model: Any) -> dict[str, Any]:
    """The maintenance recommendation of the stability pipeline on ``tables``."""
    params, feature_params = parameters()
    catalog = DataCatalog(
        {
            "primary_orders": MemoryDataset(tables["primary_orders"]),
            "primary_order_items": MemoryDataset(tables["primary_order_items"]),
            "primary_reviews": MemoryDataset(tables["primary_reviews"]),
            "segmentation_model": MemoryDataset(model, copy_mode="assign"),
            "params:stability": MemoryDataset(params),
            "params:feature_engineering": MemoryDataset(feature_params),
        }
    )
    pipeline = create_pipeline().to_nodes("recommend_maintenance")
    SequentialRunner().run(pipeline, catalog)
    return catalog.load("maintenance_recommendation")


def measured(rec: dict[str, Any], tables: dict[str, pd.DataFrame]) -> dict:
    """What a run measured, whatever the rule that reads a contract from it."""
    orders = tables["primary_orders"]
    return {
        "orders": len(orders),
        "delivered_orders": int(orders["is_delivered"].sum()),
        "persons_delivered": int(
            orders.loc[orders["is_delivered"], "person_key"].nunique()
        ),
        "origins": [{k: o[k] for k in ORIGIN_KEYS} for o in rec["origins"]],
    }


def real_samples(project: Path, draws: list[int]) -> list[dict]:
    """Whole, then per draw: halves, quarters (disjoint), a 75 % subsample."""
    raw = read_raw(REAL_SAMPLE / "olist_orders_dataset.csv")
    keys = order_keys(project, raw)
    samples = [{"size": 1.0, "draw": 0, "part": 0, "disjoint": False, "keys": keys}]
    for draw in draws:
        for k, size in ((2, 0.5), (4, 0.25)):
            cut = parts(len(keys), draw, k)
            samples += [
                {
                    "size": size,
                    "draw": draw,
                    "part": j,
                    "disjoint": True,
                    "keys": keys[cut == j],
                }
                for j in range(k)
            ]
        rank = np.random.default_rng(draw).permutation(len(keys))
        kept = keys[rank < round(0.75 * len(keys))]
        samples.append(
            {"size": 0.75, "draw": draw, "part": 0, "disjoint": False, "keys": kept}
        )
    return [s | {"data": "real"} for s in samples]


def synthetic_samples(
    orders: pd.DataFrame, n_delivered: int, multiples: list[float], n_parts: int
) -> list[dict]:
    """Per multiple m: disjoint sets of m * ``n_delivered`` delivered orders, each
    with every never-delivered order (``bench_synthetic_vs_real.thin``)."""
    delivered = orders.loc[orders["is_delivered"], "order_key"].to_numpy()
    never = orders.loc[~orders["is_delivered"], "order_key"].to_numpy()
    rank = np.random.default_rng(THIN_SEED).permutation(len(delivered))
    samples = []
    for m in multiples:
        size = round(m * n_delivered)
        for j in range(min(n_parts, len(delivered) // size)):
            chosen = delivered[rank[j * size : (j + 1) * size]]
            samples.append(
                {
                    "data": "synthetic",
                    "size": m,
                    "draw": 0,
                    "part": j,
                    "disjoint": True,
                    "keys": np.concatenate([chosen, never]),
                }
            )
    return samples


def prepared(work: Path, reuse: bool) -> tuple[Path, Path]:
    """The real project (trained) and the synthetic one (primary tables)."""
    real = project_with(REAL_SAMPLE, work / "real")
    synthetic = make_project(work / "synthetic_full")
    model = real / "data" / "06_models" / "segmentation_model.pkl"
    if not (reuse and model.exists()):
        kedro_run(real, "model", "--to-outputs=segmentation_model")
    if not (reuse and (synthetic / "data" / "03_primary" / "id_map.parquet").exists()):
        kedro_run(synthetic, "synthetic", "--pipelines=synthetic")
        kedro_run(synthetic, "data_engineering", "--pipelines=data_engineering")
    return real, synthetic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="keep the project copies here")
    parser.add_argument("--reuse", action="store_true", help="keep finished runs")
    parser.add_argument("--real-draws", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument(
        "--synthetic-multiples", type=float, nargs="+", default=[1, 2, 4]
    )
    parser.add_argument("--synthetic-parts", type=int, default=4)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    real_sample()
    with work_folder(args.workdir) as work:
        real, synthetic = prepared(work, args.reuse)
        model = load_dataset(real, "segmentation_model")
        real_tables, synthetic_tables = primary(real), primary(synthetic)
        n_delivered = int(real_tables["primary_orders"]["is_delivered"].sum())
        samples = real_samples(real, args.real_draws) + synthetic_samples(
            synthetic_tables["primary_orders"],
            n_delivered,
            args.synthetic_multiples,
            args.synthetic_parts,
        )
        cache = work / "sample_size_runs.pkl"
        done = pickle.loads(cache.read_bytes()) if args.reuse and cache.exists() else {}
        params = parameters()[0]
        runs = []
        for sample in samples:
            keys = sample.pop("keys")
            name = f"{sample['data']}_x{sample['size']:g}_draw{sample['draw']}_part{sample['part']}"
            if name not in done:
                tables = subset(
                    real_tables if sample["data"] == "real" else synthetic_tables, keys
                )
                rec = stability(tables, model)
                done[name] = measured(rec, tables)
                # the pipeline's own contract is the "pipeline" rule's
                assert (
                    contract(done[name], "pipeline", params)["interval_weeks"]
                    == (rec["retrain_period_interval_weeks"])
                ), name
                cache.write_bytes(pickle.dumps(done))
                print(name, rec["headline"], flush=True)
            run = sample | {"name": name} | done[name]
            runs.append(
                run | {"contracts": {r: contract(run, r, params) for r in RULES}}
            )
    runs.sort(key=lambda r: (r["data"], r["size"], r["draw"], r["part"]))
    result = {
        "data": {
            "real": f"{REAL_SAMPLE} (real Olist orders, see its README); size = "
            "share of its orders",
            "synthetic": "kedro run --pipelines=synthetic (scale 1, default seed), "
            f"thinned; size = multiple of the real sample's {n_delivered} delivered "
            "orders",
        },
        "specification": "segmentation_model of the whole real sample's run",
        "command": " ".join(["python", *sys.argv]),
        "min_persons_t0": MIN_PERSONS_T0,
        "rules": {rule: describe(rule, params) for rule in RULES},
        "by_size": {rule: by_size(runs, rule) for rule in RULES},
        "sample_size_parameter": evidence(by_size(runs, "pipeline")),
        "runs": runs,
    }
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    for rule, rows in result["by_size"].items():
        for row in rows:
            print(
                f"{rule:20s} {row['data']:9s} x{row['size']:<5g} persons T0 "
                f"{row['persons_t0_median']:>6} width {row['width_weeks_median']} "
                f"agree {row['agree_both_ways']}/{row['disjoint_pairs']}"
            )


if __name__ == "__main__":
    main()
