"""The same frozen-against-refit measure from later reference dates (origins).

One reference date gives one curve, and the season it starts in shapes it: on the
real sample the agreement falls below the threshold after 4 weeks from 2017-09-01
(the months before Black Friday) and after 10 to 14 weeks from 2018-01-01. A
contract has to hold whenever the model is retrained, so the period is read from
several origins (:mod:`.recommendation`). From each later origin a clone of the
production model is frozen, its intrinsic stability measured as at T0, and it is
compared with refits (one, and the bootstrap pairs) at every step until its period
and the edges of its band are settled: each has stayed below the threshold for
``sustain_snapshots`` snapshots, or the data ends.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .nodes import measure_intrinsic_stability
from .params import StabilityParams
from .snapshots import (
    ari,
    ari_band,
    assign,
    band_of,
    bootstrap_draws,
    features_as_of,
    reference_at,
    refit,
)

logger = logging.getLogger(__name__)


def evaluate_origins(
    *,
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    reviews: pd.DataFrame,
    segmentation_model: BaseEstimator,
    plan: dict[str, Any],
    params: StabilityParams,
    feature_params: dict[str, Any],
) -> pd.DataFrame:
    """One row per (later origin, snapshot): ``ari_cohort`` (frozen against one
    refit, over the persons known at the origin), ``ari_boot_<b>`` (the bootstrap
    pairs), ``ari_median``, ``ari_low`` and ``ari_high`` (their ``band_quantiles``),
    and the origin's intrinsic stability
    (``n_persons_origin``, ``seed_ari_median``, ``bootstrap_ari_median``,
    ``unstable``, repeated on each of its rows). T0 itself is in ``stability_snapshots``."""
    tables = [
        _from_origin(
            orders,
            order_items,
            reviews,
            segmentation_model,
            origin,
            plan,
            params,
            feature_params,
        )
        for origin in plan["origins"][1:]
    ]
    if not tables:
        return pd.DataFrame(columns=["origin", "date", "horizon_days", "ari_median"])
    return pd.concat(tables, ignore_index=True)


def _from_origin(  # noqa: PLR0913, PLR0917 (the tables, the model, the date, settings)
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    reviews: pd.DataFrame,
    segmentation_model: BaseEstimator,
    origin: str,
    plan: dict[str, Any],
    params: StabilityParams,
    feature_params: dict[str, Any],
) -> pd.DataFrame:
    start = time.perf_counter()
    drawn = bootstrap_draws(orders, params.bootstraps)
    model, features0, replicates = reference_at(
        orders,
        order_items,
        reviews,
        segmentation_model,
        origin,
        params,
        feature_params,
        drawn,
    )
    intrinsic = measure_intrinsic_stability(features0, model, replicates, params)
    about = {
        "origin": pd.Timestamp(origin),
        "n_persons_origin": intrinsic["n_persons"],
        "seed_ari_median": intrinsic["seed_ari_median"],
        "bootstrap_ari_median": intrinsic["bootstrap_ari_median"],
        "unstable": intrinsic["unstable"],
    }
    cohort = features0["person_key"]
    step = pd.Timedelta(days=params.step_days)
    dates = pd.date_range(pd.Timestamp(origin) + step, plan["data_end"], freq=step)
    below = np.zeros(3, dtype=int)
    settled = np.zeros(3, dtype=bool)
    rows = []
    for date in dates:
        features = features_as_of(
            orders, order_items, reviews, date, feature_params, params.window_days
        )
        in_cohort = features["person_key"].isin(cohort).to_numpy()
        members = features.loc[in_cohort]
        single = ari(
            assign(model, members),
            assign(refit(segmentation_model, features), members),
        )
        band = ari_band(features, in_cohort, segmentation_model, replicates, drawn)
        curves = band_of([single, *band], params.band_quantiles)
        rows.append(
            about
            | {
                "date": date,
                "horizon_days": int((date - pd.Timestamp(origin)).days),
                "n_cohort": int(in_cohort.sum()),
                "ari_cohort": single,
                **{f"ari_boot_{b}": value for b, value in enumerate(band)},
                **curves,
            }
        )
        low = np.array(list(curves.values())) < params.ari_threshold
        below = np.where(low, below + 1, 0)
        settled |= below >= params.sustain_snapshots
        if settled.all():
            break
    logger.info(
        "Origin %s: %d persons, intrinsic ARI %.3f (seeds) / %.3f (bootstrap), "
        "%d snapshots until the period settled, %.1f s",
        origin[:10],
        about["n_persons_origin"],
        about["seed_ari_median"],
        about["bootstrap_ari_median"],
        len(rows),
        time.perf_counter() - start,
    )
    return pd.DataFrame(rows)
