"""People, their persona and home, and the purchase time of every order
(a step of the node ``generate_orders``)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from . import reference as ref
from .draws import DAY, epoch, hex_ids
from .geography import pick_prefixes
from .params import SyntheticParams

logger = logging.getLogger(__name__)


def _day_weights() -> tuple[np.ndarray, np.ndarray]:
    """Start-of-day epoch seconds and relative order volume of every day."""
    days = pd.date_range("2016-09-01", "2018-10-31", freq="D")
    weight = np.array(ref.WEEKDAY_WEIGHTS)[days.day_of_week]
    month = days.strftime("%Y-%m").to_numpy()
    special = {
        "2016-09": days.day.isin([4, 5, 13, 15]),
        "2016-10": np.where(days.day.isin(range(3, 11)), 1.0, 0.03),
        "2016-12": days.day == 23,
        "2018-08": days.day <= 29,
        "2018-10": days.day <= 17,
    }
    for key, mask in special.items():
        weight = np.where(month == key, weight * np.asarray(mask, dtype=float), weight)
    black_friday = pd.Timestamp("2017-11-24")
    around = (days >= black_friday - pd.Timedelta(days=1)) & (
        days <= black_friday + pd.Timedelta(days=3)
    )
    weight = np.where(around & (days != black_friday), weight * 1.6, weight)
    for key, total in ref.MONTHLY_ORDERS.items():
        in_month = month == key
        if in_month.any() and weight[in_month].sum() > 0:
            weight = np.where(in_month, weight / weight[in_month].sum() * total, weight)
    november = month == "2017-11"
    bf = days == black_friday
    weight = np.where(
        november & ~bf,
        weight / weight[november & ~bf].sum() * (ref.MONTHLY_ORDERS["2017-11"] - 1176),
        np.where(bf, 1176.0, weight),
    )
    return days.as_unit("s").asi8.astype(float), weight


def _purchase_times(
    rng: np.random.Generator, params: SyntheticParams, orders_per_person: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Purchase time of every order sorted by person then time, the person of each
    order and every person's first purchase. A person's first order falls on the
    calendar's volume; a repeat buyer's later ones follow it by ``repeat_gaps``."""
    n_persons, n_orders = len(orders_per_person), int(orders_per_person.sum())
    day_start, day_weight = _day_weights()
    day = rng.choice(len(day_start), n_orders, p=day_weight / day_weight.sum())
    hours = np.array(ref.HOURLY_WEIGHTS, dtype=float)
    hour = rng.choice(24, n_orders, p=hours / hours.sum())
    purchase = day_start[day] + hour * 3600.0 + rng.integers(0, 3600, n_orders)
    person_of_order = np.repeat(np.arange(n_persons), orders_per_person)
    purchase = _repeat_times(
        params.rng(11), params, purchase, person_of_order, (day_start, day_weight)
    )
    order = np.lexsort((purchase, person_of_order))
    purchase = purchase[order]
    person_first = purchase[np.r_[0, np.cumsum(orders_per_person)[:-1]]]
    return purchase, person_of_order, person_first


def _repeat_times(
    rng: np.random.Generator,
    params: SyntheticParams,
    purchase: np.ndarray,
    person: np.ndarray,
    calendar: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """``purchase`` (grouped by person, each drawn from the calendar) with each
    repeat buyer's orders one after the other by ``repeat_gaps`` (the same day with
    ``same_day_share``, else log-normal days) around one of them, drawn at random,
    which keeps its calendar time: the calendar's volume is kept on average. A
    sequence that would end after ``last_delivered_purchase`` (the calendar alone
    fills the weeks after it) ends at its last order's calendar time instead (at
    that date if it is later); a day without orders in the calendar
    (November 2016) moves to the next day with some."""
    day_start, day_weight = calendar
    later = np.r_[False, person[1:] == person[:-1]]
    gaps = params.repeat_gaps
    n = int(later.sum())
    same_day = rng.random(n) < gaps.same_day_share
    gap_days = np.where(
        same_day,
        rng.uniform(0.01, 0.3, n),
        rng.lognormal(np.log(gaps.median_days), gaps.log_sd, n),
    )
    gap = np.zeros(len(purchase))
    gap[later] = gap_days * DAY
    elapsed = pd.Series(gap).groupby(person).cumsum().to_numpy()
    counts = np.bincount(person)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    anchor = starts + (rng.random(len(counts)) * counts).astype(np.int64)
    end = epoch(params.last_delivered_purchase) + DAY - 1.0
    ends = starts + counts - 1
    overrun = purchase[anchor] + elapsed[ends] - elapsed[anchor] > end
    anchor[overrun & (counts > 1)] = ends[overrun & (counts > 1)]
    moved = (purchase[anchor] - elapsed[anchor])[person] + elapsed
    moved -= np.where(counts > 1, np.maximum(moved[ends] - end, 0.0), 0.0)[person]
    open_days = np.flatnonzero(day_weight > 0)
    index = np.clip((moved - day_start[0]) // DAY, 0, None).astype(np.int64)
    shift = open_days[np.searchsorted(open_days, index)] - index
    return np.maximum(moved, day_start[0]) + shift * DAY


def _personas(
    rng: np.random.Generator,
    params: SyntheticParams,
    first_purchase: np.ndarray,
    repeat: np.ndarray,
) -> np.ndarray:
    """Persona code of every person: single-order people by the mix of their first
    purchase date (promotion days favour deal hunters), repeat buyers by theirs."""
    names = list(params.personas)
    after = first_purchase >= epoch(params.persona_shift_date)
    promo = np.zeros(len(first_purchase), dtype=bool)
    for day in params.promo_days:
        start = epoch(day)
        promo |= (first_purchase >= start - DAY) & (first_purchase < start + 3 * DAY)
    persona = np.empty(len(first_purchase), dtype=np.int64)
    affinity = params.persona_array("promo_affinity")
    for is_after in (False, True):
        share = params.persona_array("share_after" if is_after else "share_before")
        for is_promo in (False, True):
            rows = np.flatnonzero(~repeat & (after == is_after) & (promo == is_promo))
            probs = share * (affinity if is_promo else 1.0)
            persona[rows] = rng.choice(len(names), len(rows), p=probs / probs.sum())
    repeat_share = params.persona_array("repeat_share")
    persona[repeat] = rng.choice(
        len(names), int(repeat.sum()), p=repeat_share / repeat_share.sum()
    )
    return persona


def _homes(
    rng: np.random.Generator,
    params: SyntheticParams,
    zips: pd.DataFrame,
    persona: np.ndarray,
) -> np.ndarray:
    """Home prefix of every person; remote personas live in the far states."""
    n_persons = len(persona)
    remote = rng.random(n_persons) < params.persona_array("remote_share")[persona]
    share = np.array([s["customers"] for s in ref.STATES.values()])
    far = np.array([s["far"] for s in ref.STATES.values()])
    remote_weight = np.where(far, share, 0)
    state = np.where(
        remote,
        rng.choice(len(share), n_persons, p=remote_weight / remote_weight.sum()),
        rng.choice(
            len(share), n_persons, p=np.where(far, 0, share) / share[~far].sum()
        ),
    )
    home = pick_prefixes(rng, zips, state)
    orphans = np.flatnonzero(~zips["in_geo"].to_numpy())
    no_geo = rng.choice(
        n_persons, min(n_persons, params.count(280, rng)), replace=False
    )
    home[no_geo] = rng.choice(orphans, len(no_geo))
    return home


def generate_customers(
    zips: pd.DataFrame, params: SyntheticParams
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """People with their persona, home prefix and the purchase time of each order,
    and the persona truth file."""
    rng = params.rng(3)
    n_single = max(1, params.count(ref.SINGLE_ORDER_PERSONS, rng))
    orders_per_person = np.concatenate(
        [np.ones(n_single, dtype=np.int64)]
        + [np.full(params.count(c, rng), k) for k, c in ref.REPEAT_ORDERS.items()]
    )
    orders_per_person = rng.permutation(orders_per_person)
    purchase, person, first_purchase = _purchase_times(rng, params, orders_per_person)
    persona = _personas(rng, params, first_purchase, orders_per_person > 1)
    home = _homes(rng, params, zips, persona)
    persons = pd.DataFrame(
        {
            "customer_unique_id": hex_ids(rng, len(persona)),
            "persona": persona,
            "zip": home,
            "n_orders": orders_per_person,
            "first_purchase": first_purchase,
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": hex_ids(rng, len(purchase)),
            "customer_id": hex_ids(rng, len(purchase)),
            "person": person,
            "purchase": purchase,
        }
    )
    truth = pd.DataFrame(
        {
            "customer_unique_id": persons["customer_unique_id"],
            "persona": np.array(list(params.personas))[persona],
        }
    )
    logger.info(
        "%d persons, %d orders; persona counts %s",
        len(persons),
        len(orders),
        truth["persona"].value_counts().to_dict(),
    )
    return persons, orders, truth
