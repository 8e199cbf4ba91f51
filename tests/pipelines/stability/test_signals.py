"""The early-retrain signals: when each fires, and the joiners' mix against chance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from olist_segmentation.pipelines.stability.params import StabilityParams
from olist_segmentation.pipelines.stability.signals import (
    first_firing,
    mix_shift,
    mix_shift_chance,
    monitoring_signals,
)

#: Five segments in the shares of the real sample's joiners before T0 (about).
MIX = (0.3, 0.3, 0.2, 0.15, 0.05)


def labels(n: int, seed: int, mix=MIX) -> pd.Series:
    rng = np.random.default_rng(seed)
    return pd.Series(rng.choice(len(mix), n, p=mix))


def test_mix_shift_is_the_total_variation_distance():
    a = pd.Series([0, 0, 1, 1])
    assert mix_shift(a, pd.Series([1, 0])) == 0
    assert mix_shift(a, pd.Series([2, 2, 3])) == pytest.approx(1)
    assert mix_shift(a, pd.Series([0, 0, 0, 2])) == pytest.approx(0.5)
    assert np.isnan(mix_shift(a, pd.Series([], dtype=int)))


def test_chance_shrinks_with_the_groups_and_is_reproducible():
    small = mix_shift_chance(labels(80, 0), labels(100, 1), 0.95)
    large = mix_shift_chance(labels(1800, 0), labels(1800, 1), 0.95)
    # groups of the real sample's size differ by chance more than the threshold,
    # groups of the synthetic default's size far less
    threshold = StabilityParams().monitoring.recent_mix_shift
    assert small > 0.12
    assert small > threshold > large
    assert large < 0.05
    assert small == mix_shift_chance(labels(80, 0), labels(100, 1), 0.95)
    assert mix_shift_chance(labels(80, 0), labels(100, 1), 0.5) < small
    assert np.isnan(mix_shift_chance(labels(80, 0), pd.Series([], dtype=int), 0.95))


def test_two_same_mix_groups_pass_chance_at_its_rate():
    # the quantile is what it says: same-mix groups of 80 and 100 pass it about 5 %
    # of the time
    chance = mix_shift_chance(labels(80, 0), labels(100, 1), 0.95)
    shifts = [mix_shift(labels(80, 2 * k), labels(100, 2 * k + 1)) for k in range(400)]
    assert np.mean(np.array(shifts) > chance) == pytest.approx(0.05, abs=0.03)


def later(shift, chance, psi=(0.05, 0.12, 0.3), ari=(0.95, 0.9, 0.88)) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "horizon_days": [14, 28, 42],
            "ari_median": ari,
            "ari_cohort": [0.9, 0.9, 0.9],
            "psi_max": psi,
            "share_shift_max": [0.01, 0.02, 0.03],
            "new_person_share": [0.1, 0.2, 0.3],
            "recent_mix_shift": shift,
            "recent_mix_shift_chance": chance,
        }
    )


def test_a_mix_shift_under_chance_does_not_fire():
    # above the threshold (0.075) from 14 days, above chance only at 42
    fired = first_firing(
        later([0.10, 0.12, 0.20], [0.15, 0.15, 0.15]), "recent_mix_shift", 0.075, 28
    )
    assert fired["first_fired_days"] == 42
    assert fired["warned_before_ari_drop"] is False
    # large groups: chance is low and the threshold decides
    fired = first_firing(
        later([0.05, 0.08, 0.20], [0.03, 0.03, 0.03]), "recent_mix_shift", 0.075, 28
    )
    assert fired["first_fired_days"] == 28
    assert fired["warned_before_ari_drop"] is True


def test_every_signal_with_its_threshold_and_first_firing():
    signals = monitoring_signals(
        later([0.1, 0.1, 0.1], [0.2, 0.2, 0.2]), StabilityParams(), first_below=None
    )
    assert list(signals) == [
        "ari_loss",
        "psi_max",
        "share_shift_max",
        "new_person_share",
        "recent_mix_shift",
    ]
    assert signals["psi_max"]["threshold"] == StabilityParams().monitoring.psi
    assert signals["share_shift_max"]["first_fired_days"] is None
    assert signals["recent_mix_shift"]["first_fired_days"] is None
    assert signals["recent_mix_shift"]["max_observed"] == pytest.approx(0.1)
    # no sustained drop: nothing to warn before
    assert {s["warned_before_ari_drop"] for s in signals.values()} == {None}


def test_the_agreement_lost_warns_a_step_before_the_period_ends():
    # the real sample's curve from T0 (docs/stability.md): ARI 0.857, 0.842, then
    # below 0.8 from 42 days; the warning level is ARI 0.85
    curve = later([0.0] * 3, [0.1] * 3, ari=(0.857, 0.842, 0.738))
    fired = monitoring_signals(curve, StabilityParams(), first_below=42)["ari_loss"]
    assert fired["threshold"] == pytest.approx(0.15)
    assert fired["first_fired_days"] == 28
    assert fired["warned_before_ari_drop"] is True
    assert fired["max_observed"] == pytest.approx(1 - 0.738)


def test_the_single_refit_is_read_where_the_pairs_are_no_longer_followed():
    curve = later([0.0] * 3, [0.1] * 3, ari=(0.9, np.nan, np.nan))
    curve["ari_cohort"] = [0.9, 0.9, 0.7]
    fired = monitoring_signals(curve, StabilityParams(), first_below=None)["ari_loss"]
    assert fired["first_fired_days"] == 42
    assert fired["max_observed"] == pytest.approx(0.3)
