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
    """Snapshot dates T0 + k·step up to the end of the data (last delivered purchase),
    and the reference dates (origins) the period is measured from: T0, then every
    ``origin_step_days`` while ``min_horizon_days`` of history remain after them."""
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
    origins = [
        t0 + j * pd.Timedelta(days=params.origin_step_days)
        for j in range(params.origins)
    ]
    last_origin = data_end - pd.Timedelta(days=params.min_horizon_days)
    origins = [t0] + [o for o in origins[1:] if o <= last_origin]
    logger.info(
        "Stability plan: T0 %s (%d persons), step %d days, %d later snapshots up to "
        "%s, %s; reference dates %s",
        t0.date(),
        n_t0,
        params.step_days,
        len(dates) - 1,
        data_end.date(),
        window_label(params.window_days),
        ", ".join(str(o.date()) for o in origins),
    )
    return {
        "t0": t0.isoformat(),
        "step_days": params.step_days,
        "window_days": params.window_days,
        "data_end": data_end.isoformat(),
        "dates": [d.isoformat() for d in dates],
        "origins": [o.isoformat() for o in origins],
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
    feature_params: FeatureEngineeringParams,
    window_days: int | None = None,
) -> pd.DataFrame:
    """Customer features as of ``snapshot`` through the feature-engineering code.

    The settings of ``feature_engineering`` apply, except its snapshot date. With
    ``window_days`` only the orders purchased in the ``window_days`` before the
    snapshot count (a trailing window); without, the whole history up to it.
    """
    when = pd.Timestamp(snapshot)
    if window_days is not None:
        orders = orders.loc[
            orders["purchase_ts"] > when - pd.Timedelta(days=window_days)
        ]
    return build_customer_features(
        orders, order_items, reviews, when, bad_review_max=feature_params.bad_review_max
    )


def curve_dates(plan: dict[str, Any], origin: str) -> list[str]:
    """The snapshot dates of the curve from ``origin`` (ISO timestamps): the origin
    itself, then one every ``step_days`` up to the end of the data."""
    step = pd.Timedelta(days=plan["step_days"])
    return [
        d.isoformat()
        for d in pd.date_range(pd.Timestamp(origin), plan["data_end"], freq=step)
    ]


def refit(
    model: BaseEstimator, features: pd.DataFrame, seed: int | None = None
) -> BaseEstimator:
    """A fresh, unfitted copy of ``model`` (optionally with another seed) fitted on
    ``features``: same settings, new data."""
    fresh = clone(model) if seed is None else with_seed(model, seed)
    return fresh.fit(features)


def bootstrap_draws(orders: pd.DataFrame, replicates: int) -> list[pd.Series]:
    """For each bootstrap replicate b < ``replicates``, how many times each person of
    the whole history is drawn (persons drawn with replacement, as many as there are;
    fixed by b), indexed by ``person_key``; persons never drawn are absent.

    One draw serves every snapshot: a replicate is another sample of the same
    business, the same persons followed through time, so that the refits it compares
    differ by what the persons did between the snapshots, not by who was drawn."""
    persons = np.sort(orders["person_key"].unique())
    draws = []
    for b in range(replicates):
        drawn = np.random.default_rng([1, b]).integers(0, persons.size, persons.size)
        counts = np.bincount(drawn, minlength=persons.size)
        draws.append(pd.Series(counts, index=persons).loc[lambda c: c > 0])
    return draws


def resample(features: pd.DataFrame, drawn: pd.Series) -> pd.DataFrame:
    """The rows of ``features`` repeated as often as their person was drawn."""
    repeats = features["person_key"].map(drawn).fillna(0).astype(int).to_numpy()
    return features.iloc[np.repeat(np.arange(len(features)), repeats)]


def band_of(values: list[float], quantiles: tuple[float, float]) -> dict[str, float]:
    """``ari_median``, ``ari_low`` and ``ari_high`` of one snapshot's pairs: their
    median and ``quantiles`` (missing values ignored)."""
    low, high = quantiles
    return {
        "ari_median": float(np.nanmedian(values)),
        "ari_low": float(np.nanquantile(values, low)),
        "ari_high": float(np.nanquantile(values, high)),
    }


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
