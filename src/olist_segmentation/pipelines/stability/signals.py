"""Early-retrain signals: what tells marketing to retrain before the period ends.

Five signals are read at every snapshot after T0 (:func:`.nodes.evaluate_snapshots`)
and each fires at the first snapshot where it passes its threshold (``monitoring``):
the agreement lost since training (``ari_loss``, 1 - the ARI between the frozen model
and the refits, at a warning level above the one the period ends at), the largest PSI
of a model feature, the largest move of a segment's share under the frozen model, the
share of persons new since T0, and the joiners' mix shift. The drift signals watch the
inputs; ``ari_loss`` watches the segments themselves, with one refit at each check.

The joiners' mix shift compares two small groups, the persons who joined during the
last step and those who joined during the step before T0: a few dozen each on a
sample of a few thousand persons, where two groups drawn from one and the same mix
differ by about 0.1 in total variation by chance alone. So it fires only where it
also passes what chance gives two groups of those sizes
(:func:`mix_shift_chance`, its ``recent_mix_chance_quantile``): on the synthetic
default at scale 1 (about 1,800 joiners a step) chance stays under 0.05 and the
threshold decides; on the real sample (about 80) chance is 0.13-0.16 and decides.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .params import StabilityParams

#: (column of ``stability_snapshots``, its threshold in ``monitoring``)
SIGNALS = (
    ("ari_loss", "ari_loss"),
    ("psi_max", "psi"),
    ("share_shift_max", "share_shift"),
    ("new_person_share", "new_person_share"),
    ("recent_mix_shift", "recent_mix_shift"),
)
#: A signal that must also pass what chance gives: its column of that chance level.
CHANCE = {"recent_mix_shift": "recent_mix_shift_chance"}
_CHANCE_DRAWS = 2000


def mix_shift(recent: pd.Series, baseline: pd.Series) -> float:
    """Total variation distance between the segment mixes of two groups of labels
    (NaN when either is empty)."""
    if recent.empty or baseline.empty:
        return float("nan")
    a = recent.value_counts(normalize=True)
    b = baseline.value_counts(normalize=True)
    return float(0.5 * a.sub(b, fill_value=0.0).abs().sum())


def mix_shift_chance(recent: pd.Series, baseline: pd.Series, quantile: float) -> float:
    """The ``quantile`` of :func:`mix_shift` between two groups of the sizes of
    ``recent`` and ``baseline`` drawn from one mix, their pooled one (a parametric
    bootstrap with a fixed seed; NaN when either group is empty)."""
    if recent.empty or baseline.empty:
        return float("nan")
    pooled = pd.concat([recent, baseline]).value_counts(normalize=True).to_numpy()
    rng = np.random.default_rng(0)
    a = rng.multinomial(len(recent), pooled, _CHANCE_DRAWS) / len(recent)
    b = rng.multinomial(len(baseline), pooled, _CHANCE_DRAWS) / len(baseline)
    return float(np.quantile(0.5 * np.abs(a - b).sum(axis=1), quantile))


def with_ari_loss(later: pd.DataFrame) -> pd.DataFrame:
    """``later`` with ``ari_loss``: 1 - the median ARI of the refit and its pairs,
    or of the single refit where the pairs are no longer followed."""
    return later.assign(ari_loss=1.0 - later["ari_median"].fillna(later["ari_cohort"]))


def first_firing(
    later: pd.DataFrame, column: str, threshold: float, first_below: int | None
) -> dict[str, Any]:
    """When ``column`` first passes ``threshold`` (and its chance level, if it has
    one), and whether that is no later than the ARI's sustained drop."""
    fires = later[column] > threshold
    if column in CHANCE:
        fires &= later[column] > later[CHANCE[column]]
    fired = later.loc[fires, "horizon_days"]
    first = int(fired.iloc[0]) if len(fired) else None
    return {
        "threshold": threshold,
        "first_fired_days": first,
        "max_observed": float(later[column].max()),
        "warned_before_ari_drop": (
            None if first_below is None or first is None else first <= first_below
        ),
    }


def monitoring_signals(
    later: pd.DataFrame, params: StabilityParams, first_below: int | None
) -> dict[str, dict[str, Any]]:
    """Every signal's threshold, first firing and largest value after T0."""
    later = with_ari_loss(later)
    return {
        column: first_firing(
            later, column, getattr(params.monitoring, threshold), first_below
        )
        for column, threshold in SIGNALS
    }


def triggers(params: StabilityParams, intrinsic_threshold: float) -> list[str]:
    """The early-retrain triggers in words."""
    m = params.monitoring
    return [
        "a refit on the day's features agrees with the frozen model below ARI "
        f"{1 - m.ari_loss:g} (the period ends below {params.ari_threshold:g})",
        f"max PSI of any model feature against T0 above {m.psi}",
        f"share of any segment (frozen model) moved by more than "
        f"{m.share_shift:.0%} points since training",
        f"persons new since training above {m.new_person_share:.0%} of the base",
        "the segment mix of the customers who joined in the last "
        f"{params.step_days} days differs from the mix of the joiners just before "
        f"training by more than {m.recent_mix_shift:g} (total variation distance) "
        "and by more than two groups of those sizes differ by chance "
        f"{m.recent_mix_chance_quantile:.0%} of the time",
        "intrinsic instability: a retrain whose seeds disagree (ARI below "
        f"{intrinsic_threshold})",
    ]
