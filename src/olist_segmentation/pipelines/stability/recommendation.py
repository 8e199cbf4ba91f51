"""The maintenance contract: re-score often, retrain when agreement falls below the
threshold, with the period's interval and the signals to retrain earlier.

A curve's period is read from the median ARI over the refit and its bootstrap pairs,
not from one refit: it ends at the first horizon from which the median stays below
the threshold for ``sustain_snapshots`` snapshots in a row (one low snapshot is a fit
landing elsewhere; several in a row are the customers changing). Every reference
date (origin, :mod:`.origins`) whose model agrees with its own seed refits gives
one curve (a bootstrap median under the threshold does not leave a date out: its
spread is in the interval; :func:`.nodes.intrinsic_at`):
the contract's period is the median of their periods (the lower one of the middle
two). Its interval is a percentile bootstrap of that statistic: bootstrap pair b is
another sample of the same business followed from every reference date, so the same
rule on pair b's own curves, and the same median over the same reference dates, give
the period that sample would have given; the ``band_quantiles`` of those periods
are the interval.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from .nodes import gate
from .params import StabilityParams
from .periods import headline, interval_weeks, lower_median, origin_periods
from .sample_size import sample_size_note
from .signals import monitoring_signals, triggers
from .snapshots import window_label

logger = logging.getLogger(__name__)


def _schedule(
    period: int,
    censored: bool,
    interval: list[float],
    origins: list[dict[str, Any]],
    p: StabilityParams,
) -> str:
    """The headline's decision with what it was read from."""
    stable = [o for o in origins if not o["unstable"]]
    measured = (
        f"interval {interval[0]:g}-{interval[1]:g} weeks; from "
        + ", ".join(f"{o['t0']}: {o['period_days'] / 7:g}" for o in stable)
        + " weeks"
    )
    if period == 0:
        basis = f"ARI below {p.ari_threshold} already at the first snapshot"
    else:
        basis = (
            f"{period} days, the median over {len(stable)} reference "
            f"date{'s' if len(stable) > 1 else ''}"
        )
    decision = headline(round(period / 7, 1), None, censored, p.step_days)
    return f"{decision} ({basis}; {measured})"


def _by_horizon(later: pd.DataFrame, values: Any) -> dict[str, Any]:
    return {str(int(h)): v for h, v in zip(later["horizon_days"], values, strict=True)}


def _origin(
    t0: str, curve: pd.DataFrame, intrinsic: dict[str, Any], params: StabilityParams
) -> dict[str, Any]:
    period, first_below, replicates = origin_periods(curve, params)
    return {
        "t0": t0,
        "n_persons": int(intrinsic["n_persons"]),
        "seed_ari_median": float(intrinsic["seed_ari_median"]),
        "bootstrap_ari_median": float(intrinsic["bootstrap_ari_median"]),
        "unstable": bool(intrinsic["unstable"]),
        "resample_sensitive": gate(
            intrinsic["seed_ari_median"], intrinsic["bootstrap_ari_median"], params
        )["resample_sensitive"],
        "period_days": period,
        "period_weeks": round(period / 7, 1),
        "replicate_period_days": replicates,
        "interval_weeks": interval_weeks(replicates, params.band_quantiles),
        "first_below_threshold_days": first_below,
    }


def _origins(
    t0: str,
    later: pd.DataFrame,
    intrinsic_stability: dict[str, Any],
    stability_origins: pd.DataFrame,
    params: StabilityParams,
) -> list[dict[str, Any]]:
    """Every reference date with its intrinsic stability, period and interval."""
    found = [_origin(t0, later, intrinsic_stability, params)]
    for origin, curve in stability_origins.groupby("origin", sort=True):
        # every row of an origin repeats its intrinsic stability
        first = curve.iloc[0]
        intrinsic = {
            "n_persons": first["n_persons_origin"],
            "seed_ari_median": first["seed_ari_median"],
            "bootstrap_ari_median": first["bootstrap_ari_median"],
            "unstable": first["unstable"],
        }
        found.append(_origin(str(origin)[:10], curve, intrinsic, params))
    return found


def _caveat(origins: list[dict[str, Any]], params: StabilityParams) -> str | None:
    """The reference dates left out (seeds disagree), and those read although
    another sample of their size would give partly other segments."""

    def dates(found: list[dict[str, Any]]) -> str:
        return ", ".join(
            f"{o['t0']} ({o['n_persons']} persons, {o['seed_ari_median']:.3f} / "
            f"{o['bootstrap_ari_median']:.3f})"
            for o in found
        )

    parts = []
    left_out = [o for o in origins if o["unstable"]]
    if left_out:
        parts.append(
            "Reference dates left out, the model's settings landing in other optima "
            f"when refitted with other seeds (median ARI over seeds below "
            f"{params.intrinsic_ari_threshold}) or resamples of the customers alone "
            "moving the segments further than the drop the period is read at "
            f"(median ARI over bootstrap resamples below {params.ari_threshold}; "
            "seeds / bootstrap resamples): " + dates(left_out)
        )
    sensitive = [o for o in origins if o["resample_sensitive"]]
    if sensitive:
        parts.append(
            "Read although another sample of as many customers would give partly "
            "other segments (median ARI over bootstrap resamples below "
            f"{params.intrinsic_ari_threshold}; the interval carries that spread): "
            + dates(sensitive)
        )
    return ". ".join(parts) or None


def contract_over(
    origins: list[dict[str, Any]], params: StabilityParams
) -> tuple[int, list[float], bool, list[int]] | None:
    """``(period days, interval weeks, censored, period of each bootstrap pair)``
    over the stable origins: the lower median of their periods; for each pair b the
    lower median of their pair-b periods, the pairs' ``band_quantiles`` being the
    interval (a percentile bootstrap of the contract's period)."""
    stable = [o for o in origins if not o["unstable"]]
    if not stable:
        return None
    period = lower_median([o["period_days"] for o in stable])
    replicates = [
        lower_median(list(periods))
        for periods in zip(*(o["replicate_period_days"] for o in stable), strict=True)
    ]
    censored = all(o["first_below_threshold_days"] is None for o in stable)
    return (
        period,
        interval_weeks(replicates, params.band_quantiles),
        censored,
        replicates,
    )


def recommend_maintenance(
    stability_snapshots: pd.DataFrame,
    intrinsic_stability: dict[str, Any],
    stability_origins: pd.DataFrame,
    stability_curves: dict[str, Any],
    params: StabilityParams,
) -> dict[str, Any]:
    """Retraining period and its interval over the reference dates, re-scoring,
    early-retrain signals and the costs (with the fits and predictions the analysis
    made, ``computation``); no period when the model's settings are intrinsically
    unstable at every reference date."""
    p = params
    later = stability_snapshots[stability_snapshots["horizon_days"] > 0].sort_values(
        "horizon_days"
    )
    t0 = str(stability_snapshots["date"].min())[:10]
    origins = _origins(t0, later, intrinsic_stability, stability_origins, p)
    contract = contract_over(origins, p)
    unstable = contract is None
    period, interval, censored, replicate_periods = contract or (
        0,
        [0.0, 0.0],
        False,
        [],
    )
    first_below = origins[0]["first_below_threshold_days"]
    signals = monitoring_signals(later, p, first_below)
    precision = sample_size_note(origins[0]["n_persons"], p.sample_size)
    if unstable:
        caveat = (
            "No retraining period is recommended: at every reference date the "
            "model's settings are unstable against their own seeds or resamples "
            f"({intrinsic_stability['reason']} at T0), so part of any ARI "
            "drop is a refit landing in another optimum or on another sample, not "
            "the customers changing. Choose a specification whose seed refits agree "
            f"at {intrinsic_stability['threshold']} and resamples at "
            f"{p.ari_threshold} first, or gather more customers."
        )
        schedule = caveat
        logger.warning(caveat)
    else:
        schedule = _schedule(period, censored, interval, origins, p)
        caveat = _caveat(origins, p)
        horizon_end = first_below if first_below is not None else period
        early = sorted(
            (s["first_fired_days"], name)
            for name, s in signals.items()
            if s["first_fired_days"] is not None
            and s["first_fired_days"] <= horizon_end
        )
        if early:
            schedule += "; in the history from T0 " + ", ".join(
                f"{name} fired at {days} days" for days, name in early
            )
    # the median and band exist while T0's curves are unsettled (stability/curves.py)
    banded = later.dropna(subset=["ari_median"])
    retrain = later["features_seconds"] + later["refit_seconds"]
    rescore = later["features_seconds"] + later["predict_seconds"]
    recommendation = {
        "t0": t0,
        "step_days": p.step_days,
        "window": window_label(p.window_days),
        "n_snapshots": len(later),
        "ari_threshold": p.ari_threshold,
        "recommended": not unstable,
        "retrain_period_days": None if unstable else period,
        "retrain_period_weeks": None if unstable else round(period / 7, 1),
        "retrain_period_interval_weeks": None if unstable else interval,
        "retrain_period_by_replicate_days": replicate_periods,
        "censored": censored,
        "first_below_threshold_days": first_below,
        "origins": origins,
        "headline": headline(
            None if unstable else round(period / 7, 1),
            None if unstable else interval,
            censored,
            p.step_days,
            None if precision is None else precision["clause"],
        ),
        "sample_size": precision,
        "schedule": schedule,
        "caveat": caveat,
        "ari_by_horizon": _by_horizon(banded, banded["ari_median"].round(4)),
        "ari_band_by_horizon": _by_horizon(
            banded,
            [
                [round(a, 4), round(b, 4)]
                for a, b in zip(banded["ari_low"], banded["ari_high"], strict=True)
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
        "early_retrain_triggers": triggers(p, intrinsic_stability["threshold"]),
        "retrain_cost": {
            "median_seconds": float(retrain.median()),
            "max_seconds": float(retrain.max()),
            "persons_at_last_snapshot": int(later["n_persons"].iloc[-1]),
            "what": "features as of the snapshot plus one fit of a clone of the "
            "production model, measured during this run",
        },
        "intrinsic_stability": intrinsic_stability,
        "computation": dict(stability_curves["work"]),
    }
    logger.info("Maintenance recommendation: %s", schedule)
    return recommendation
