"""Every feature table and every fit the stability analysis compares, made once,
and only while a curve needs it.

The refit at a snapshot date is also the frozen model of the curve that starts at
that date, and the bootstrap replicates of both are fitted on the same persons with
the same seeds. So the features as of each date are computed once
(:func:`compute_snapshot_features`) and each model is fitted at most once per date
(:func:`fit_snapshot_models`): the clone of the production model on the date's
features, its bootstrap replicates (seed b + 1 on the persons draw b holds,
:func:`.snapshots.bootstrap_draws`) while some curve that uses them is unsettled
(:class:`.curves.Curve`) and, at the reference dates, the refits with other seeds
that measure intrinsic stability. :mod:`.nodes` and :mod:`.origins` then lay the
curves out beside the drift and the intrinsic stability.

The fits of one batch (the clones of every date and the seed refits, then the pairs
of one date) are independent, so they are fitted side by side over ``n_jobs``
joblib workers, each fit with one thread (:func:`.model_ops.side_by_side`).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pandas as pd
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator

from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from olist_segmentation.pipelines.modelling.model_ops import (
    features_of,
    side_by_side,
    with_restarts,
)

from .curves import Curve, SharedLabels
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
    feature_params: FeatureEngineeringParams,
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


def _fit(
    model: BaseEstimator,
    features: pd.DataFrame,
    drawn: pd.Series | None,
    seed: int | None,
) -> tuple[BaseEstimator, float]:
    """``model`` refitted on ``features`` (resampled as ``drawn`` when given, with
    ``seed`` when given), and the seconds the fit took."""
    tick = time.perf_counter()
    rows = features if drawn is None else resample(features, drawn)
    fitted = refit(model, rows, seed)
    return fitted, time.perf_counter() - tick


def _fit_all(
    tasks: list[tuple[str, str, int | None]],
    model: BaseEstimator,
    features: dict[str, pd.DataFrame],
    drawn: list[pd.Series],
    n_jobs: int,
) -> list[tuple[BaseEstimator, float]]:
    """Fit every ``(date, kind, index)`` of ``tasks`` side by side: ``"model"`` the
    clone on the date's features, ``"pair"`` replicate ``index`` (seed index + 1 on
    the persons its draw holds), ``"seed"`` the clone with seed ``index``.

    The fits go to the workers in one batch per worker (fit ``k`` to batch ``k``
    modulo the workers): a fit on a few thousand rows takes tens of milliseconds,
    about what sending it to a worker and its model back costs on a busy machine."""
    calls = [
        (
            model,
            features[date],
            drawn[index] if kind == "pair" else None,
            {"model": None, "pair": (index or 0) + 1, "seed": index}[kind],
        )
        for date, kind, index in tasks
    ]
    batches = min(effective_n_jobs(n_jobs), len(calls))
    fitted = side_by_side(
        _fit_batch, ((calls[k::batches],) for k in range(batches)), n_jobs
    )
    return [fitted[k % batches][k // batches] for k in range(len(calls))]


def _fit_batch(
    calls: list[tuple[Any, ...]],
) -> list[tuple[BaseEstimator, float]]:
    return [_fit(*call) for call in calls]


def fit_snapshot_models(
    snapshot_features: dict[str, pd.DataFrame],
    segmentation_model: BaseEstimator,
    orders: pd.DataFrame,
    plan: dict[str, Any],
    params: StabilityParams,
) -> tuple[dict[str, dict[str, Any]], BaseEstimator, dict[str, Any]]:
    """Every fit the curves need, each once, and every curve's comparisons.

    First, side by side, the clone of the production model on every date's features
    (``model``, ``refit_seconds``) and, at reference dates, the refits with seeds 1
    .. ``intrinsic_seeds`` - 1 (``seed_models``). Then date by date, in order: the
    bootstrap replicates (``replicates``, pair -> fit) some curve still needs there
    (every pair at a reference date, where a curve starts and its intrinsic
    stability is measured), and every curve that follows the date compares its
    frozen fits with them (:class:`.curves.Curve`), each (date, model) predicted
    once (:class:`.curves.SharedLabels`).

    Returns the fits per date, the model frozen at T0 and ``curves``: ``tables``
    (reference date -> its rows), ``labels`` (T0's dates -> M0's and the refit's
    segment of every person, and the seconds M0's took: re-scoring) and ``work``
    (the fits and predictions made, and the pair fits left out)."""
    start = time.perf_counter()
    segmentation_model = with_restarts(segmentation_model, params.refit_n_init)
    drawn = bootstrap_draws(orders, params.bootstraps)
    origins = plan["origins"]
    dates = sorted(snapshot_features)
    seeds = range(1, params.intrinsic_seeds)
    tasks = [(d, "model", None) for d in dates] + [
        (o, "seed", s) for o in origins for s in seeds
    ]
    first = _fit_all(tasks, segmentation_model, snapshot_features, drawn, params.n_jobs)
    fits = {d: {"replicates": {}, "seed_models": []} for d in dates}
    for (date, kind, _), (fitted, seconds) in zip(tasks, first, strict=True):
        if kind == "model":
            fits[date] |= {"model": fitted, "refit_seconds": seconds}
        else:
            fits[date]["seed_models"].append(fitted)
    followed: dict[str, Curve] = {}
    labels: dict[str, dict[str, Any]] = {}
    work = {"dates": len(dates), "pair_fits": 0, "predictions": 0, "rows": 0}
    t0_dates = set(plan["dates"])
    for date in dates:
        features = snapshot_features[date]
        following = [c for c in followed.values() if c.follows(date)]
        pairs = (
            range(params.bootstraps)
            if date in origins
            else sorted({b for c in following for b in c.pairs_needed()})
        )
        pair_tasks = [(date, "pair", b) for b in pairs]
        fitted = _fit_all(
            pair_tasks, segmentation_model, snapshot_features, drawn, params.n_jobs
        )
        fits[date]["replicates"] = {
            b: model for (_, _, b), (model, _) in zip(pair_tasks, fitted, strict=True)
        }
        work["pair_fits"] += len(pair_tasks)
        shared = SharedLabels(features)
        if date in t0_dates:
            tick = time.perf_counter()
            m0 = shared.of(fits[plan["t0"]]["model"])
            labels[date] = {
                "m0": m0,
                "m0_seconds": time.perf_counter() - tick,
                "refit": shared.of(fits[date]["model"]),
            }
        for curve in following:
            curve.compare(date, fits[date], shared)
        if date in origins:
            followed[date] = Curve(
                date,
                fits[date],
                features,
                params,
                dates=set(curve_dates(plan, date)),
                full_history=date == plan["t0"],
            )
        work["predictions"] += shared.predictions
        work["rows"] += shared.rows
    work |= {
        "model_fits": len(dates),
        "seed_fits": len(seeds) * len(origins),
        "pair_fits_left_out": params.bootstraps * len(dates) - work["pair_fits"],
        "workers": effective_n_jobs(params.n_jobs),
        "seconds": round(time.perf_counter() - start, 2),
    }
    logger.info(
        "Stability fits: %d dates x 1 refit, %d of %d bootstrap pair refits (%d left "
        "out: their curves had settled), %d seed refits at %d reference dates; %d "
        "predictions over %d rows; %d workers, %.1f s",
        len(dates),
        work["pair_fits"],
        params.bootstraps * len(dates),
        work["pair_fits_left_out"],
        work["seed_fits"],
        len(origins),
        work["predictions"],
        work["rows"],
        work["workers"],
        work["seconds"],
    )
    curves = {
        "tables": {o: c.table() for o, c in followed.items()},
        "labels": labels,
        "work": work,
    }
    return fits, fits[plan["t0"]]["model"], curves
