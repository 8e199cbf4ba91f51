"""How a curve's period, its interval and the contract's sentence are read.

A curve's period ends at the first horizon from which its ARI stays below the
threshold for ``sustain_snapshots`` snapshots in a row (:func:`period_days`); each
bootstrap pair's own curve gives that pair's period (:func:`origin_periods`), and the
quantiles of such periods are an interval (:func:`interval_weeks`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .params import StabilityParams


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


def replicate_columns(curve: pd.DataFrame) -> list[str]:
    """The bootstrap pairs' own curves of a snapshot table, in replicate order."""
    pairs = [c for c in curve.columns if c.startswith("ari_boot_")]
    return sorted(pairs, key=lambda c: int(c.removeprefix("ari_boot_")))


def origin_periods(
    curve: pd.DataFrame, params: StabilityParams
) -> tuple[int, int | None, list[int]]:
    """``(period, first horizon below, [period of each bootstrap pair])`` of one
    origin, in days: the rule on the median curve, and on each pair's own curve."""
    curve = curve[curve["horizon_days"] > 0].sort_values("horizon_days")
    rule = (params.ari_threshold, params.sustain_snapshots)
    horizons = curve["horizon_days"]
    period, first_below = period_days(horizons, curve["ari_median"], *rule)
    replicates = [
        period_days(horizons, curve[column], *rule)[0]
        for column in replicate_columns(curve)
    ]
    return period, first_below, replicates


def lower_median(values: list[int]) -> int:
    return int(np.quantile(values, 0.5, method="lower"))


def interval_weeks(periods: list[int], quantiles: tuple[float, float]) -> list[float]:
    """``[low, high]`` weeks: the ``quantiles`` of bootstrap periods (days), each
    edge one of the periods (the lower one below the low quantile, the higher one
    above the high quantile)."""
    low, high = quantiles
    return [
        round(float(np.quantile(periods, low, method="lower")) / 7, 1),
        round(float(np.quantile(periods, high, method="higher")) / 7, 1),
    ]


def headline(
    period_weeks: float | None,
    interval: list[float] | None,
    censored: bool,
    step_days: int,
    note: str | None = None,
) -> str:
    """The contract in one sentence, as the report, the API and the app say it
    (``period_weeks`` ``None``: no period is recommended), with ``note`` (what
    another sample of as many customers gave: :mod:`.sample_size`) in its
    parentheses."""
    if period_weeks is None:
        return "No retraining period is recommended"
    details = []
    if period_weeks == 0:
        text = f"Retrain at every step of {step_days} days"
    elif censored:
        text = (
            f"Retrain every {period_weeks:g} weeks, or less often: the agreement never "
            f"fell below the threshold in the {period_weeks:g} weeks observed"
        )
    else:
        text = f"Retrain every {period_weeks:g} weeks"
        if interval and interval[0] != interval[1]:
            details.append(f"likely between {interval[0]:g} and {interval[1]:g} weeks")
    if note:
        details.append(note)
    return text + (f" ({'; '.join(details)})" if details else "")
