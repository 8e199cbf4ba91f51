"""Order status and the timestamps of an order's life (used by ``simulate_orders``)."""

from __future__ import annotations

import numpy as np

from . import reference as ref
from .draws import DAY, STATUS, epoch
from .params import SyntheticParams


def _early_delay(
    rng: np.random.Generator, mean: np.ndarray, sd: np.ndarray
) -> np.ndarray:
    """Delivered minus estimated days for an order not hit by a late incident:
    1 − Gamma, so it is right-skewed and at most one day late."""
    earliness = 1.0 - mean
    return 1.0 - rng.gamma((earliness / sd) ** 2, sd**2 / earliness)


def delivery_times(
    rng: np.random.Generator,
    params: SyntheticParams,
    persona: np.ndarray,
    purchase: np.ndarray,
    distance: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Approval, estimated and actual delivery times (epoch seconds).

    The transit time grows with the distance; the delay (delivered − estimated) is
    drawn per persona and the estimate set back from the actual delivery by it, so
    the delay distribution is exactly the planted one (up to rounding the estimate
    to midnight)."""
    n = len(purchase)
    approved = purchase + np.where(
        rng.random(n) < 0.3, rng.uniform(300, 1800, n), rng.exponential(0.6 * DAY, n)
    )
    late = rng.random(n) < params.persona_array("late_share")[persona]
    delay = np.where(
        late,
        1 + rng.exponential(6, n),
        _early_delay(
            rng,
            params.persona_array("delay_mean")[persona],
            params.persona_array("delay_sd")[persona],
        ),
    )
    outlier = rng.random(n) < 0.002
    delay = np.where(
        outlier,
        np.where(
            rng.random(n) < 0.5, rng.uniform(-147, -40, n), rng.uniform(30, 188, n)
        ),
        delay,
    )
    transit = rng.lognormal(np.log(6.5 + 4.5 * distance / 1000), 0.5)
    transit = np.maximum(transit, delay + rng.uniform(3, 10, n))
    delivered = approved + transit * DAY
    estimated = delivered - delay * DAY
    estimated -= estimated % DAY
    return approved, estimated, delivered


def assign_status(
    rng: np.random.Generator, params: SyntheticParams, purchase: np.ndarray
) -> np.ndarray:
    """Status codes by the real mix; purchases after the last delivered one are
    canceled or shipped instead of delivered."""
    weights = np.array(list(ref.ORDER_STATUS.values()), dtype=float)
    status = rng.choice(len(weights), len(purchase), p=weights / weights.sum())
    too_late = purchase >= epoch(params.last_delivered_purchase) + DAY
    late_status = np.where(
        rng.random(len(purchase)) < 0.8, STATUS["canceled"], STATUS["shipped"]
    )
    return np.where(too_late & (status == STATUS["delivered"]), late_status, status)


def timestamp_flags(
    rng: np.random.Generator, params: SyntheticParams, status: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which orders have an approval, carrier and customer delivery time, with the
    real data's exceptions (delivered without delivery date, canceled with one)."""
    n = len(status)
    is_ = {name: status == code for name, code in STATUS.items()}
    has_approved = ~is_["created"] & ~(is_["canceled"] & (rng.random(n) < 0.2))
    has_carrier = (
        is_["delivered"] | is_["shipped"] | (is_["canceled"] & (rng.random(n) < 0.12))
    )
    has_delivered = is_["delivered"].copy()
    exceptions = (
        (has_delivered, "canceled", 6, True),
        (has_delivered, "delivered", 8, False),
        (has_approved, "delivered", 14, False),
        (has_carrier, "delivered", 2, False),
    )
    for flag, name, real, value in exceptions:
        rows = np.flatnonzero(is_[name])
        count = min(len(rows), params.count(real, rng))
        flag[rng.choice(rows, count, replace=False)] = value
    has_carrier |= has_delivered & ~is_["delivered"]
    return has_approved, has_carrier, has_delivered
