"""Every feature table and every fit the stability analysis compares, made once.

The refit at a snapshot date is also the frozen model of the curve that starts at
that date, and the bootstrap replicates of both are fitted on the same persons with
the same seeds. So the features as of each date are computed once
(:func:`compute_snapshot_features`) and each model is fitted once per date
(:func:`fit_snapshot_models`): the clone of the production model on the date's
features, its ``bootstraps`` replicates (seed b + 1 on the persons draw b holds,
:func:`.snapshots.bootstrap_draws`) and, at the reference dates, the refits with
other seeds that measure intrinsic stability. Every curve of :mod:`.nodes` and
:mod:`.origins` then only assigns and compares.

The dates are independent, so they are fitted side by side over ``n_jobs`` joblib
workers, each fit with one thread (:func:`.model_ops.side_by_side`).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pandas as pd
from sklearn.base import BaseEstimator

from olist_segmentation.pipelines.modelling.model_ops import features_of, side_by_side

from .params import StabilityParams
from .snapshots import bootstrap_draws, curve_dates, features_as_of, refit, resample

logger = logging.getLogger(__name__)


def snapshot_dates(plan: dict[str, Any]) -> list[str]:
    """Every date a curve needs: T0's snapshots and each reference date's own."""
    dates = set(plan["dates"])
    for origin in plan["origins"]:
        dates.update(curve_dates(plan, origin))
    return sorted(dates)


def compute_snapshot_features(  # noqa: PLR0913 (the tables, the model, settings)
    *,
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    reviews: pd.DataFrame,
    segmentation_model: BaseEstimator,
    plan: dict[str, Any],
    params: StabilityParams,
    feature_params: dict[str, Any],
) -> tuple[dict[str, pd.DataFrame], dict[str, float]]:
    """``person_key`` and the model's features as of every date of
    :func:`snapshot_dates` (ISO timestamps as keys), and the seconds each took."""
    columns = ["person_key", *features_of(segmentation_model)]
    features, seconds = {}, {}
    for date in snapshot_dates(plan):
        tick = time.perf_counter()
        frame = features_as_of(
            orders, order_items, reviews, date, feature_params, params.window_days
        )
        seconds[date] = time.perf_counter() - tick
        features[date] = frame[columns]
    return features, seconds


def _fit_date(
    model: BaseEstimator,
    features: pd.DataFrame,
    drawn: list[pd.Series],
    seeds: range,
) -> dict[str, Any]:
    tick = time.perf_counter()
    fitted = refit(model, features)
    seconds = time.perf_counter() - tick
    return {
        "model": fitted,
        "refit_seconds": seconds,
        "replicates": [
            refit(model, resample(features, persons), seed=b + 1)
            for b, persons in enumerate(drawn)
        ],
        "seed_models": [refit(model, features, seed) for seed in seeds],
    }


def fit_snapshot_models(
    snapshot_features: dict[str, pd.DataFrame],
    segmentation_model: BaseEstimator,
    orders: pd.DataFrame,
    plan: dict[str, Any],
    params: StabilityParams,
) -> tuple[dict[str, dict[str, Any]], BaseEstimator]:
    """Per date: ``model`` (a clone of the production model fitted on the date's
    features), ``refit_seconds`` (what that fit took), ``replicates`` (one per
    bootstrap draw) and ``seed_models`` (refits with seeds 1 ..
    ``intrinsic_seeds`` - 1, at reference dates only); and the model frozen at T0."""
    start = time.perf_counter()
    drawn = bootstrap_draws(orders, params.bootstraps)
    origins = set(plan["origins"])
    dates = list(snapshot_features)
    fitted = side_by_side(
        _fit_date,
        (
            (
                segmentation_model,
                snapshot_features[date],
                drawn,
                range(1, params.intrinsic_seeds) if date in origins else range(0),
            )
            for date in dates
        ),
        params.n_jobs,
    )
    fits = dict(zip(dates, fitted, strict=True))
    logger.info(
        "Stability fits: %d dates x (1 + %d bootstrap replicates), %d seed refits at "
        "%d reference dates, %d workers, %.1f s",
        len(dates),
        params.bootstraps,
        (params.intrinsic_seeds - 1) * len(origins),
        len(origins),
        params.n_jobs,
        time.perf_counter() - start,
    )
    return fits, fits[plan["t0"]]["model"]
