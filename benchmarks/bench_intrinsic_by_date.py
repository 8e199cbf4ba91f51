"""Intrinsic stability of quantile KMeans at each reference date, for several k.

    .venv/bin/python benchmarks/bench_intrinsic_by_date.py PROJECT [--k 4 5 6]

The diagnosis of docs/synthetic_data.md ("Full scale"). ``PROJECT`` is a project copy
whose ``data/03_primary`` holds the primary tables (``kedro run
--pipelines=data_engineering``). At each reference date of the stability pipeline's
defaults, and at the last purchase: the features as of the date
(``stability.snapshots.features_as_of``), a few of their figures, and for each k the
production specification (``quantile_uniform`` KMeans, 30 restarts, on the modelling
features) refitted with 2 other seeds and on 2 bootstrap resamples of the persons,
ARI against the fit of the date (as ``model_ops.intrinsic_agreement``), with the
cluster shares. Prints one JSON line per date; a few minutes at scale 1.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from common import ROOT
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from olist_segmentation.pipelines.modelling.model_ops import with_seed
from olist_segmentation.pipelines.modelling.segmenter import build_model
from olist_segmentation.pipelines.stability.snapshots import features_as_of

DATES = ("2017-09-01", "2017-10-27", "2017-12-22", "2018-02-16")
MODELLING = yaml.safe_load((ROOT / "conf/base/parameters_modelling.yml").read_text())[
    "modelling"
]


def model(k: int):
    return build_model(
        algorithm="kmeans",
        params={"n_init": 30, "n_clusters": k},
        features=MODELLING["features"],
        log_features=MODELLING["log_features"],
        transform="quantile_uniform",
        seed=MODELLING["seed"],
        fit_sample_size=30_000,
    )


def agreement(frame: pd.DataFrame, k: int) -> dict:
    base = model(k).fit(frame)
    labels = base.predict(frame)
    seeds = [with_seed(model(k), s).fit(frame).predict(frame) for s in (1, 2)]
    rng = np.random.default_rng(0)
    boots = [
        model(k).fit(frame.iloc[rng.integers(0, len(frame), len(frame))]).predict(frame)
        for _ in range(2)
    ]
    return {
        "seed_ari": [round(adjusted_rand_score(labels, x), 3) for x in seeds],
        "bootstrap_ari": [round(adjusted_rand_score(labels, x), 3) for x in boots],
        "shares": np.round(np.sort(np.bincount(labels) / len(labels)), 3).tolist(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--k", type=int, nargs="+", default=[4, 5, 6])
    args = parser.parse_args()
    primary = args.project / "data" / "03_primary"
    orders, items, reviews = (
        pd.read_parquet(primary / f"primary_{name}.parquet")
        for name in ("orders", "order_items", "reviews")
    )
    features = MODELLING["features"]
    with threadpool_limits(limits=1):
        for date in (*DATES, orders["purchase_ts"].max()):
            frame = features_as_of(
                orders, items, reviews, date, FeatureEngineeringParams(bad_review_max=2)
            )
            repeat = frame["frequency"] > 1
            row = {
                "date": str(date),
                "persons": len(frame),
                "late_share_above_0": round(float((frame["late_share"] > 0).mean()), 4),
                "repeat_share": round(float(repeat.mean()), 4),
                "recency_median": float(frame["recency_days"].median()),
                "repeat_recency_percentile": round(
                    float(frame["recency_days"].rank(pct=True)[repeat].median()), 2
                ),
                **{f"k{k}": agreement(frame[features], k) for k in args.k},
            }
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
