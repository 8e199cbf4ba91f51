"""The same frozen-against-refit measure from later reference dates (origins).

One reference date gives one curve, and the season it starts in shapes it: on the
real sample the agreement falls below the threshold after 4 weeks from 2017-09-01
(the months before Black Friday) and after 10 to 14 weeks from 2018-01-01. A
contract has to hold whenever the model is retrained, so the period is read from
several origins (:mod:`.recommendation`). From each later origin a clone of the
production model is frozen, its intrinsic stability measured as at T0, and it is
compared with the refits (one, and the bootstrap pairs) of every later step
(:mod:`.fits`, shared with T0's curve) until its median curve and the curve of every
bootstrap pair are settled: each has stayed below the threshold for
``sustain_snapshots`` snapshots, or the data ends (:mod:`.curves`).
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from .nodes import intrinsic_at
from .params import StabilityParams

logger = logging.getLogger(__name__)


def evaluate_origins(
    snapshot_features: dict[str, pd.DataFrame],
    fits: dict[str, dict[str, Any]],
    curves: dict[str, Any],
    plan: dict[str, Any],
    params: StabilityParams,
) -> pd.DataFrame:
    """One row per (later origin, snapshot): ``ari_cohort`` (frozen against one
    refit, over the persons known at the origin), ``ari_boot_<b>`` (the bootstrap
    pairs, each while a curve of the origin needs it), ``ari_median``, ``ari_low``
    and ``ari_high`` (their ``band_quantiles``, while the band is unsettled), and the
    origin's intrinsic stability (``n_persons_origin``, ``seed_ari_median``,
    ``bootstrap_ari_median``, ``unstable``, repeated on each of its rows). T0 itself
    is in ``stability_snapshots``."""
    tables = [
        _from_origin(snapshot_features[origin], fits[origin], curves, origin, params)
        for origin in plan["origins"][1:]
    ]
    if not tables:
        return pd.DataFrame(columns=["origin", "date", "horizon_days", "ari_median"])
    return pd.concat(tables, ignore_index=True)


def _from_origin(
    features0: pd.DataFrame,
    frozen: dict[str, Any],
    curves: dict[str, Any],
    origin: str,
    params: StabilityParams,
) -> pd.DataFrame:
    intrinsic = intrinsic_at(features0, frozen, params)
    about = {
        "origin": pd.Timestamp(origin),
        "n_persons_origin": intrinsic["n_persons"],
        "seed_ari_median": intrinsic["seed_ari_median"],
        "bootstrap_ari_median": intrinsic["bootstrap_ari_median"],
        "unstable": intrinsic["unstable"],
    }
    compared = curves["tables"][origin]
    logger.info(
        "Origin %s: %d persons, intrinsic ARI %.3f (seeds) / %.3f (bootstrap), "
        "%d snapshots until the period settled",
        origin[:10],
        about["n_persons_origin"],
        about["seed_ari_median"],
        about["bootstrap_ari_median"],
        len(compared),
    )
    return compared.assign(**about)[[*about, *compared.columns]]
