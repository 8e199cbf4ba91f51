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


def late_probability(
    params: SyntheticParams, persona: np.ndarray, purchase: np.ndarray, far: np.ndarray
) -> np.ndarray:
    """Chance that an order arrives late: the real share of its purchase month,
    higher in the far states, times its persona's ``late_factor``."""
    month = purchase.astype(np.int64).astype("datetime64[s]").astype("datetime64[M]")
    known = np.array(list(ref.LATE_SHARE_BY_MONTH), dtype="datetime64[M]")
    at = np.clip(np.searchsorted(known, month), 0, len(known) - 1)
    by_month = np.where(
        known[at] == month,
        np.array(list(ref.LATE_SHARE_BY_MONTH.values()))[at],
        ref.LATE_SHARE_OVERALL,
    )
    region = np.where(far, ref.FAR_LATE_RATIO, 1.0)
    region = region / region.mean() if len(region) else region
    return np.clip(
        by_month * region * params.persona_array("late_factor")[persona], 0, 1
    )


def delivery_times(
    rng: np.random.Generator,
    params: SyntheticParams,
    persona: np.ndarray,
    purchase: np.ndarray,
    place: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Approval, estimated and actual delivery times (epoch seconds).

    ``place`` is each order's buyer-seller distance (km) and whether the buyer lives
    in a far state. The transit time grows with the distance; the delay (delivered −
    estimated) is drawn first, late with :func:`late_probability` (mostly a few days,
    sometimes weeks), early otherwise (per persona); a late order's transit is the
    estimated one plus the delay, so late deliveries are the long ones. The
    estimate is set back from the actual delivery by the delay, so the delay
    distribution is exactly the drawn one (up to rounding the estimate to midnight)."""
    distance, far = place
    n = len(purchase)
    approved = purchase + np.where(
        rng.random(n) < 0.3, rng.uniform(300, 1800, n), rng.exponential(0.6 * DAY, n)
    )
    late = rng.random(n) < late_probability(params, persona, purchase, far)
    # How many days early the estimate would have been without an incident.
    margin = -_early_delay(
        rng,
        params.persona_array("delay_mean")[persona],
        params.persona_array("delay_sd")[persona],
    )
    delay = np.where(
        late,
        np.where(rng.random(n) < 0.85, rng.exponential(3, n), rng.exponential(15, n))
        + 0.5,
        -margin,
    )
    outlier = rng.random(n) < 0.002
    delay = np.where(
        outlier,
        np.where(
            rng.random(n) < 0.5, rng.uniform(-147, -40, n), rng.uniform(30, 188, n)
        ),
        delay,
    )
    # A late order took the estimated transit (usual transit + margin) plus its delay.
    usual = rng.lognormal(np.log(6.5 + 4.5 * distance / 1000), 0.6)
    transit = np.where(delay > 0, usual + np.maximum(margin, 0) + delay, usual)
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
