"""The measuring tools of the stability analysis: snapshot dates, features as of a
snapshot, segment assignment, ARI over the same persons, shares and drift.

Features are recomputed as of every snapshot date with the feature-engineering code,
never taken from the full history.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import adjusted_rand_score

from olist_segmentation.pipelines.feature_engineering.nodes import (
    build_customer_features,
)
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from olist_segmentation.pipelines.modelling.model_ops import with_seed

from .params import StabilityParams

logger = logging.getLogger(__name__)

_EPS = 1e-4


def plan_snapshots(orders: pd.DataFrame, params: StabilityParams) -> dict[str, Any]:
    """Snapshot dates T0 + k·step up to the end of the data (last delivered purchase)."""
    delivered = orders.loc[
        orders["is_delivered"], ["person_key", "purchase_ts", "delivered_customer_ts"]
    ]
    if delivered.empty:
        raise ValueError(
            "primary_orders: column is_delivered: no delivered order at all; "
            "the stability analysis needs delivered orders"
        )
    t0 = pd.Timestamp(params.t0)
    data_end = (
        pd.Timestamp(params.end_date)
        if params.end_date is not None
        else delivered["purchase_ts"].max().normalize() + pd.Timedelta(days=1)
    )
    n_t0 = delivered.loc[
        delivered["delivered_customer_ts"] <= t0, "person_key"
    ].nunique()
    if n_t0 < params.min_persons_t0:
        raise ValueError(
            f"primary_orders: column delivered_customer_ts: only {n_t0} persons have an "
            f"order delivered by stability.t0={t0.date()} (rule: at least "
            f"stability.min_persons_t0={params.min_persons_t0}); choose a later t0"
        )
    step = pd.Timedelta(days=params.step_days)
    dates = list(pd.date_range(t0, data_end, freq=step))
    if len(dates) < 2:
        raise ValueError(
            f"primary_orders: column purchase_ts: data ends {data_end.date()}, leaving no "
            f"snapshot after stability.t0={t0.date()} with step {params.step_days} days"
        )
    logger.info(
        "Stability plan: T0 %s (%d persons), step %d days, %d later snapshots up to "
        "%s, %s",
        t0.date(),
        n_t0,
        params.step_days,
        len(dates) - 1,
        data_end.date(),
        window_label(params.window_days),
    )
    return {
        "t0": t0.isoformat(),
        "step_days": params.step_days,
        "window_days": params.window_days,
        "data_end": data_end.isoformat(),
        "dates": [d.isoformat() for d in dates],
    }


def window_label(window_days: int | None) -> str:
    """How much history the features of a snapshot see, in words."""
    if window_days is None:
        return "cumulative history (every order up to the snapshot)"
    return f"trailing window of {window_days} days"


def features_as_of(  # noqa: PLR0917 (the feature code's own order, plus two)
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    reviews: pd.DataFrame,
    snapshot: str | pd.Timestamp,
    feature_params: dict[str, Any] | FeatureEngineeringParams,
    window_days: int | None = None,
) -> pd.DataFrame:
    """Customer features as of ``snapshot`` through the feature-engineering code.

    The settings of ``feature_engineering`` apply, except its snapshot date. With
    ``window_days`` only the orders purchased in the ``window_days`` before the
    snapshot count (a trailing window); without, the whole history up to it.
    """
    settings = FeatureEngineeringParams.model_validate(feature_params)
    when = pd.Timestamp(snapshot)
    if window_days is not None:
        orders = orders.loc[
            orders["purchase_ts"] > when - pd.Timedelta(days=window_days)
        ]
    return build_customer_features(
        orders, order_items, reviews, when, bad_review_max=settings.bad_review_max
    )


def refit(
    model: BaseEstimator, features: pd.DataFrame, seed: int | None = None
) -> BaseEstimator:
    """A fresh, unfitted copy of ``model`` (optionally with another seed) fitted on
    ``features``: same settings, new data."""
    fresh = clone(model) if seed is None else with_seed(model, seed)
    return fresh.fit(features)


def bootstrap_rows(n_rows: int, *key: int) -> np.ndarray:
    """Positions of a bootstrap resample of ``n_rows`` rows, fixed by ``key``."""
    return np.random.default_rng(list(key)).integers(0, n_rows, n_rows)


def assign(model: Any, features: pd.DataFrame) -> pd.Series:
    """Segment of every person, indexed by ``person_key``."""
    labels = np.asarray(model.predict(features))
    return pd.Series(labels, index=features["person_key"].to_numpy(), name="segment")


def ari(left: pd.Series, right: pd.Series) -> float:
    """ARI over the persons both series hold, aligned by ``person_key``."""
    common = left.index.intersection(right.index)
    if common.size < 2:
        return float("nan")
    return float(adjusted_rand_score(left.loc[common], right.loc[common]))


def shares(labels: pd.Series, segments: list[int], prefix: str) -> dict[str, float]:
    """Share of every segment in ``segments`` (0 when absent), keyed ``prefix<s>``."""
    counts = labels.value_counts(normalize=True)
    return {f"{prefix}{s}": float(counts.get(s, 0.0)) for s in segments}


def psi(reference: pd.Series, current: pd.Series, bins: int) -> float:
    """Population stability index of ``current`` against ``reference``.

    Bin edges are the reference's quantiles (fixed at T0); the outer bins are open,
    so values beyond the T0 range still count. Missing values form their own bin.
    """
    ref = reference.to_numpy(dtype=float)
    cur = current.to_numpy(dtype=float)
    finite = ref[~np.isnan(ref)]
    edges = (
        np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1))[1:-1])
        if finite.size
        else np.array([])
    )

    def binned(values: np.ndarray) -> np.ndarray:
        missing = np.isnan(values)
        counts = np.bincount(
            np.searchsorted(edges, values[~missing], side="right"),
            minlength=edges.size + 1,
        )
        full = np.append(counts, missing.sum()).astype(float)
        return np.clip(full / max(values.size, 1), _EPS, None)

    expected, actual = binned(ref), binned(cur)
    return float(np.sum((actual - expected) * np.log(actual / expected)))
