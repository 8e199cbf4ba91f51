"""The maintenance contract: re-score often, retrain when agreement falls below the
threshold, with the period's interval and the signals to retrain earlier.

The period is read from the median ARI over the bootstrap pairs of every snapshot,
not from one refit: it ends at the first horizon from which the median stays below
the threshold for ``sustain_snapshots`` snapshots in a row (one low snapshot is a fit
landing elsewhere; several in a row are the customers changing). The same rule on
the lower and upper edges of the band gives the interval.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from .params import StabilityParams
from .snapshots import window_label

logger = logging.getLogger(__name__)


def period_days(
    horizons: pd.Series, ari: pd.Series, threshold: float, sustain: int
) -> tuple[int, int | None]:
    """``(period, first horizon of the sustained drop)``.

    The drop is the first run of ``sustain`` snapshots in a row with ARI below
    ``threshold``; the period is the horizon before it (0 when the drop starts at
    the first snapshot; the last horizon, with ``None``, when there is no such run:
    censored)."""
    below = (ari.to_numpy(dtype=float) < threshold).astype(int)
    runs = np.convolve(below, np.ones(sustain, dtype=int), mode="valid")
    starts = np.flatnonzero(runs == sustain)
    if starts.size == 0:
        return int(horizons.iloc[-1]), None
    first = int(starts[0])
    return (int(horizons.iloc[first - 1]) if first else 0), int(horizons.iloc[first])


def _first_firing(snapshots: pd.DataFrame, column: str, threshold: float) -> dict:
    fired = snapshots[snapshots[column] > threshold]
    return {
        "threshold": threshold,
        "first_fired_days": int(fired["horizon_days"].iloc[0]) if len(fired) else None,
        "max_observed": float(snapshots[column].max()),
    }


def _schedule(
    period: int, first_below: int | None, interval: list[float], p: StabilityParams
) -> str:
    span = f"interval {interval[0]:g}-{interval[1]:g} weeks"
    if period == 0:
        return (
            f"ARI is below {p.ari_threshold} already at the first snapshot "
            f"({p.step_days} days, {span}): retrain at every step of {p.step_days} days"
        )
    if first_below is None:
        return (
            f"ARI never fell below {p.ari_threshold} in the {period} days observed "
            f"({span}): retrain at least every {period // 7} weeks, earlier if a "
            "signal fires"
        )
    return (
        f"Retrain every {period / 7:g} weeks ({period} days, {span}): the median ARI "
        f"fell below {p.ari_threshold} from {first_below} days on"
    )


def _by_horizon(later: pd.DataFrame, values: Any) -> dict[str, Any]:
    return {str(int(h)): v for h, v in zip(later["horizon_days"], values, strict=True)}


def recommend_maintenance(
    stability_snapshots: pd.DataFrame,
    intrinsic_stability: dict[str, Any],
    params: StabilityParams,
) -> dict[str, Any]:
    """Retraining period and its interval, re-scoring, early-retrain signals and the
    costs; no period when the model's settings are intrinsically unstable."""
    p = params
    later = stability_snapshots[stability_snapshots["horizon_days"] > 0].sort_values(
        "horizon_days"
    )
    horizons = later["horizon_days"]
    rule = (p.ari_threshold, p.sustain_snapshots)
    period, first_below = period_days(horizons, later["ari_median"], *rule)
    low, _ = period_days(horizons, later["ari_low"], *rule)
    high, _ = period_days(horizons, later["ari_high"], *rule)
    interval = [round(low / 7, 1), round(high / 7, 1)]
    signals = {
        name: _first_firing(later, name, getattr(p.monitoring, threshold))
        for name, threshold in (
            ("psi_max", "psi"),
            ("share_shift_max", "share_shift"),
            ("new_person_share", "new_person_share"),
            ("recent_mix_shift", "recent_mix_shift"),
        )
    }
    for signal in signals.values():
        fired = signal["first_fired_days"]
        signal["warned_before_ari_drop"] = (
            None if first_below is None or fired is None else fired <= first_below
        )
    unstable = bool(intrinsic_stability["unstable"])
    caveat = None
    if unstable:
        caveat = (
            "No retraining period is recommended: the model's settings are unstable "
            f"against their own seeds and bootstrap resamples ({intrinsic_stability['reason']}), "
            "so part of any ARI drop is a refit landing in another optimum, not the "
            "customers changing. Choose a specification whose intrinsic stability "
            f"reaches {intrinsic_stability['threshold']} first."
        )
        schedule = caveat
        logger.warning(caveat)
    else:
        schedule = _schedule(period, first_below, interval, p)
        horizon_end = first_below if first_below is not None else period
        early = sorted(
            (s["first_fired_days"], name)
            for name, s in signals.items()
            if s["first_fired_days"] is not None
            and s["first_fired_days"] <= horizon_end
        )
        if early:
            schedule += "; in this history " + ", ".join(
                f"{name} fired at {days} days" for days, name in early
            )
    retrain = later["features_seconds"] + later["refit_seconds"]
    rescore = later["features_seconds"] + later["predict_seconds"]
    recommendation = {
        "t0": str(stability_snapshots["date"].min())[:10],
        "step_days": p.step_days,
        "window": window_label(p.window_days),
        "n_snapshots": len(later),
        "ari_threshold": p.ari_threshold,
        "recommended": not unstable,
        "retrain_period_days": None if unstable else period,
        "retrain_period_weeks": None if unstable else round(period / 7, 1),
        "retrain_period_interval_weeks": None if unstable else interval,
        "censored": first_below is None,
        "first_below_threshold_days": first_below,
        "schedule": schedule,
        "caveat": caveat,
        "ari_by_horizon": _by_horizon(later, later["ari_median"].round(4)),
        "ari_band_by_horizon": _by_horizon(
            later,
            [
                [round(a, 4), round(b, 4)]
                for a, b in zip(later["ari_low"], later["ari_high"], strict=True)
            ],
        ),
        "ari_single_refit_by_horizon": _by_horizon(later, later["ari_cohort"].round(4)),
        "published": None
        if p.published is None
        else {
            "source": p.published.source,
            "ari_by_horizon": {
                str(h): a for h, a in sorted(p.published.ari_by_horizon.items())
            },
        },
        "rescoring": {
            "cadence_days": p.rescoring_cadence_days,
            "cost_seconds": float(rescore.median()),
            "moved_share_per_step_median": float(later["m0_step_churn"].median()),
            "persons_at_last_snapshot": int(later["n_persons"].iloc[-1]),
            "what": f"every {p.rescoring_cadence_days} days, recompute the features as "
            "of the day and apply the frozen model (no refit): recency grows every "
            "day, so segment membership moves without retraining",
        },
        "monitoring_signals": signals,
        "early_retrain_triggers": [
            f"max PSI of any model feature against T0 above {p.monitoring.psi}",
            f"share of any segment (frozen model) moved by more than "
            f"{p.monitoring.share_shift:.0%} points since training",
            f"persons new since training above {p.monitoring.new_person_share:.0%} "
            "of the base",
            "the segment mix of the customers who joined in the last "
            f"{p.step_days} days differs from the mix of the joiners just before "
            f"training by more than "
            f"{p.monitoring.recent_mix_shift:g} (total variation distance)",
            "intrinsic instability: a retrain whose seeds disagree (ARI below "
            f"{intrinsic_stability['threshold']})",
        ],
        "retrain_cost": {
            "median_seconds": float(retrain.median()),
            "max_seconds": float(retrain.max()),
            "persons_at_last_snapshot": int(later["n_persons"].iloc[-1]),
            "what": "features as of the snapshot plus one fit of a clone of the "
            "production model, measured during this run",
        },
        "intrinsic_stability": intrinsic_stability,
    }
    logger.info("Maintenance recommendation: %s", schedule)
    return recommendation
