"""Synthetic Olist data in Kaggle's format, with planted customer personas.

Every node draws from its own numpy Generator seeded with ``[seed, stream]``, so the
output is deterministic for a seed and each table can change without shifting the
random draws of the others. Times are handled as float seconds since the epoch
(NaN = missing) and written as text in Kaggle's format at the end.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from olist_segmentation.params import reject_unknown

from . import reference as ref

logger = logging.getLogger(__name__)

DAY = 86_400.0
PAYMENT_TYPES = ("credit_card", "boleto", "voucher", "debit_card")
STATUS_NAMES = tuple(ref.ORDER_STATUS)
STATUS = {name: code for code, name in enumerate(STATUS_NAMES)}
STATE_NAMES = tuple(ref.STATES)
EARTH_RADIUS_KM = 6371.0
# Inside Brazil's bounding box (lat -33.75..5.27, lng -73.99..-34.79), with a margin.
BRAZIL_LAT = (-33.6, 5.1)
BRAZIL_LNG = (-73.8, -34.85)

# Review score pmfs (scores 1..5) of a happy and of a disappointed customer.
SCORES_HAPPY = np.array([0.02, 0.015, 0.08, 0.225, 0.66])
SCORES_UNHAPPY = np.array([0.75, 0.07, 0.07, 0.04, 0.07])


@dataclass(frozen=True)
class Persona:
    """Behaviour of one planted persona (see conf/base/parameters_synthetic.yml)."""

    share_before: float
    share_after: float
    repeat_share: float
    item_price_median: float
    item_price_sigma: float
    extra_items_rate: float
    payment_mix: dict[str, float]
    high_instalment_share: float
    multi_payment_share: float
    delay_mean: float
    delay_sd: float
    late_share: float
    unhappy_share: float
    remote_share: float
    promo_affinity: float


@dataclass(frozen=True)
class SyntheticParams:
    """Typed ``params:synthetic``; unknown or missing keys fail before any node runs."""

    seed: int
    scale: float
    overwrite: bool
    persona_shift_date: str
    last_delivered_purchase: str
    personas: dict[str, Persona]
    promo_days: list[str]

    @classmethod
    def from_dict(cls, raw: dict) -> SyntheticParams:
        """Validate the raw parameter dictionary."""
        reject_unknown(raw, cls, "synthetic")
        personas = {name: Persona(**spec) for name, spec in raw["personas"].items()}
        for name, persona in personas.items():
            if set(persona.payment_mix) != set(PAYMENT_TYPES):
                raise ValueError(
                    f"params:synthetic.personas.{name}.payment_mix: keys must be "
                    f"{list(PAYMENT_TYPES)}"
                )
        params = cls(**{**raw, "personas": personas})
        if params.scale <= 0:
            raise ValueError(f"params:synthetic.scale must be > 0, got {params.scale}")
        for column in ("share_before", "share_after", "repeat_share"):
            if sum(getattr(p, column) for p in personas.values()) <= 0:
                raise ValueError(f"params:synthetic.personas: all {column} are 0")
        return params

    def rng(self, stream: int) -> np.random.Generator:
        """An independent generator for one node."""
        return np.random.default_rng([self.seed, stream])

    def count(self, real: float, rng: np.random.Generator) -> int:
        """``real`` scaled, rounded stochastically so small counts survive on average."""
        value = real * self.scale
        return int(np.floor(value) + (rng.random() < value - np.floor(value)))

    def persona_array(self, attribute: str) -> np.ndarray:
        """One attribute of every persona, in persona-code order."""
        return np.array([getattr(p, attribute) for p in self.personas.values()])


# ----------------------------------------------------------------------------- text


def _strings(array: pa.Array) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(array))


def _take_text(vocabulary, codes: np.ndarray) -> pd.Series:
    """``vocabulary[codes]`` as an Arrow-backed string column (no Python objects)."""
    words = pa.array(np.asarray(vocabulary, dtype=str))
    return _strings(pc.take(words, pa.array(np.asarray(codes, dtype=np.int64))))


def _text_float(values: np.ndarray) -> pd.Series:
    return _strings(pc.cast(pa.array(values), pa.string()))


def _text_int(values: np.ndarray, missing: np.ndarray | None = None) -> pd.Series:
    return _strings(
        pc.cast(pa.array(values.astype(np.int64), mask=missing), pa.string())
    )


def _text_money(values: np.ndarray) -> pd.Series:
    """Two decimals, as in Kaggle's files ("96.80")."""
    cents = np.round(np.asarray(values) * 100).astype(np.int64)
    units = pc.cast(pa.array(cents // 100), pa.string())
    decimals = pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), 2, "0")
    return _strings(pc.binary_join_element_wise(units, decimals, "."))


def _text_time(seconds: np.ndarray, *, date_only: bool = False) -> pd.Series:
    """Kaggle timestamps "2017-10-02 10:56:33"; NaN -> missing."""
    missing = np.isnan(seconds)
    whole = np.nan_to_num(seconds).astype(np.int64)
    if date_only:
        whole -= whole % int(DAY)
    iso = pa.array(whole.astype("datetime64[s]").astype("U19"), mask=missing)
    return _strings(pc.utf8_replace_slice(iso, 10, 11, " "))


def _hex_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct 32-character lowercase hex ids."""
    ids = np.frombuffer(rng.bytes(16 * n).hex().encode("ascii"), dtype="S32")
    while len(np.unique(ids)) < n:
        ids = np.unique(ids)
        extra = np.frombuffer(rng.bytes(16 * (n - len(ids))).hex().encode(), "S32")
        ids = np.concatenate([ids, extra])
    return ids.astype("U32")


def _epoch(day: str) -> float:
    return pd.Timestamp(day).timestamp()


def _choice(rng: np.random.Generator, weights: dict | np.ndarray, n: int):
    if isinstance(weights, dict):
        keys = np.array(list(weights))
        probs = np.array(list(weights.values()), dtype=float)
        return keys[rng.choice(len(keys), size=n, p=probs / probs.sum())]
    return rng.choice(len(weights), size=n, p=weights / weights.sum())


def _categorical_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of a (rows x categories) probability matrix."""
    cumulative = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    draws = rng.random(len(probs))[:, None]
    return np.minimum((draws > cumulative).sum(axis=1), probs.shape[1] - 1)


def haversine_km(lat1, lng1, lat2, lng2) -> np.ndarray:
    """Great-circle distance in km."""
    lat1, lng1, lat2, lng2 = (np.radians(v) for v in (lat1, lng1, lat2, lng2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


# ------------------------------------------------------------------------ geography


def generate_geography(
    raw_params: dict,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Zip prefixes per state (with the ones missing from geolocation) and the
    geolocation table: noisy points per prefix, a few outside Brazil, a few
    prefixes in two states."""
    params = SyntheticParams.from_dict(raw_params)
    rng = params.rng(1)
    n_geo = max(len(STATE_NAMES), round(19015 * params.scale))
    n_orphan = max(2, params.count(160, rng))
    customer_share = np.array([s["customers"] for s in ref.STATES.values()])
    range_size = np.array(
        [sum(hi - lo + 1 for lo, hi in s["cep"]) for s in ref.STATES.values()]
    )
    weight = (
        0.7 * customer_share / customer_share.sum()
        + 0.3 * range_size / range_size.sum()
    )
    per_state = np.maximum(1, np.round(weight / weight.sum() * n_geo)).astype(int)
    orphan_state = rng.choice(len(STATE_NAMES), n_orphan, p=weight / weight.sum())
    frames = []
    for code, (state, spec) in enumerate(ref.STATES.items()):
        numbers = np.concatenate([np.arange(lo, hi + 1) for lo, hi in spec["cep"]])
        n_orph = int((orphan_state == code).sum())
        n_total = min(len(numbers), per_state[code] + n_orph)
        chosen = np.sort(rng.choice(numbers, n_total, replace=False))
        in_geo = np.ones(n_total, dtype=bool)
        in_geo[rng.choice(n_total, min(n_orph, n_total - 1), replace=False)] = False
        cities = spec["cities"]
        city_weight = np.array([c[3] for c in cities], dtype=float)
        city = rng.choice(len(cities), n_total, p=city_weight / city_weight.sum())
        frames.append(
            pd.DataFrame(
                {
                    "prefix": np.char.zfill(chosen.astype(str), 5),
                    "state": state,
                    "city": np.array([c[0] for c in cities])[city],
                    "lat": np.clip(
                        np.array([c[1] for c in cities])[city]
                        + rng.normal(0, 0.12, n_total),
                        *BRAZIL_LAT,
                    ),
                    "lng": np.clip(
                        np.array([c[2] for c in cities])[city]
                        + rng.normal(0, 0.12, n_total),
                        *BRAZIL_LNG,
                    ),
                    "weight": rng.lognormal(0, 0.8, n_total),
                    "in_geo": in_geo,
                }
            )
        )
    zips = pd.concat(frames, ignore_index=True)

    geo = zips[zips["in_geo"]].reset_index(drop=True)
    n_rows = max(len(geo), round(1_000_163 * params.scale))
    popularity = geo["weight"].to_numpy() ** 1.5
    counts = 1 + rng.multinomial(n_rows - len(geo), popularity / popularity.sum())
    row_prefix = np.repeat(np.arange(len(geo)), counts)
    lat = np.clip(
        geo["lat"].to_numpy()[row_prefix] + rng.normal(0, 0.02, n_rows), *BRAZIL_LAT
    )
    lng = np.clip(
        geo["lng"].to_numpy()[row_prefix] + rng.normal(0, 0.02, n_rows), *BRAZIL_LNG
    )
    outside = rng.choice(n_rows, params.count(42, rng), replace=False)
    spot = rng.integers(0, len(ref.OUTSIDE_BRAZIL), len(outside))
    lat[outside] = np.array([p[0] for p in ref.OUTSIDE_BRAZIL])[spot] + rng.normal(
        0, 0.01, len(outside)
    )
    lng[outside] = np.array([p[1] for p in ref.OUTSIDE_BRAZIL])[spot] + rng.normal(
        0, 0.01, len(outside)
    )
    # Text columns of a million rows are built as codes into small vocabularies.
    state = pd.Categorical(geo["state"], categories=STATE_NAMES).codes[row_prefix]
    first_rows = np.concatenate([[0], np.cumsum(counts)[:-1]])
    two_states = rng.choice(
        len(geo), min(len(geo), params.count(8, rng)), replace=False
    )
    sp, mg = STATE_NAMES.index("SP"), STATE_NAMES.index("MG")
    state[first_rows[two_states]] = np.where(
        state[first_rows[two_states]] == sp, mg, sp
    )
    cities, city_code = np.unique(geo["city"].to_numpy(dtype=str), return_inverse=True)
    city = city_code[row_prefix]
    accented = (city == np.searchsorted(cities, "sao paulo")) & (
        rng.random(n_rows) < 0.1
    )
    city[accented] = len(cities)
    geolocation = pd.DataFrame(
        {
            "geolocation_zip_code_prefix": _take_text(geo["prefix"], row_prefix),
            "geolocation_lat": _text_float(lat),
            "geolocation_lng": _text_float(lng),
            "geolocation_city": _take_text(np.append(cities, "são paulo"), city),
            "geolocation_state": _take_text(np.array(STATE_NAMES), state),
        }
    )
    logger.info(
        "geolocation: %d rows over %d prefixes; %d prefixes without geolocation",
        n_rows,
        len(geo),
        int((~zips["in_geo"]).sum()),
    )
    return zips, geolocation


# ------------------------------------------------------------------------ catalogue


def generate_catalogue(
    zips: pd.DataFrame, raw_params: dict
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Sellers and products (internal tables and Kaggle files) and the translation."""
    params = SyntheticParams.from_dict(raw_params)
    rng = params.rng(2)
    n_sellers = max(2, round(3095 * params.scale))
    seller_share = np.array([s["sellers"] for s in ref.STATES.values()])
    seller_state = rng.choice(
        len(STATE_NAMES), n_sellers, p=seller_share / seller_share.sum()
    )
    seller_zip = _pick_prefixes(rng, zips, seller_state)
    orphans = np.flatnonzero(~zips["in_geo"].to_numpy())
    no_geo = rng.choice(n_sellers, min(n_sellers, params.count(7, rng)), replace=False)
    seller_zip[no_geo] = rng.choice(orphans, len(no_geo))
    seller_popularity = rng.permutation(1.0 / np.arange(1, n_sellers + 1) ** 0.9)
    sellers = pd.DataFrame(
        {
            "seller_id": _hex_ids(rng, n_sellers),
            "zip": seller_zip,
            "lat": zips["lat"].to_numpy()[seller_zip],
            "lng": zips["lng"].to_numpy()[seller_zip],
        }
    )
    raw_sellers = pd.DataFrame(
        {
            "seller_id": sellers["seller_id"],
            "seller_zip_code_prefix": zips["prefix"].to_numpy()[seller_zip],
            "seller_city": zips["city"].to_numpy()[seller_zip],
            "seller_state": zips["state"].to_numpy()[seller_zip],
        }
    )

    n_products = max(10, round(32951 * params.scale))
    categories = np.array(list(ref.CATEGORY_PRODUCTS))
    category = rng.choice(
        len(categories),
        n_products,
        p=np.array(list(ref.CATEGORY_PRODUCTS.values()))
        / sum(ref.CATEGORY_PRODUCTS.values()),
    )
    category_offset = rng.normal(0, 0.45, len(categories))
    price = np.clip(
        np.exp(np.log(80) + category_offset[category] + rng.normal(0, 1.0, n_products)),
        0.85,
        6735.0,
    )
    weight_g = np.clip(rng.lognormal(np.log(700), 1.1, n_products), 0, 40425).round()
    no_category = rng.random(n_products) < ref.PRODUCTS_WITHOUT_CATEGORY / 32951
    no_size = rng.choice(
        n_products, params.count(ref.PRODUCTS_WITHOUT_SIZE, rng), replace=False
    )
    size_missing = np.zeros(n_products, dtype=bool)
    size_missing[no_size] = True
    products = pd.DataFrame(
        {
            "product_id": _hex_ids(rng, n_products),
            "category": np.where(no_category, None, categories[category]),
            "price": price,
            "weight_g": weight_g,
            "seller": rng.choice(
                n_sellers, n_products, p=seller_popularity / seller_popularity.sum()
            ),
        }
    )
    raw_products = pd.DataFrame(
        {
            "product_id": products["product_id"],
            "product_category_name": products["category"],
            "product_name_lenght": _text_int(
                np.clip(rng.normal(48, 10, n_products), 5, 76), no_category
            ),
            "product_description_lenght": _text_int(
                np.clip(rng.lognormal(np.log(600), 0.7, n_products), 4, 3992),
                no_category,
            ),
            "product_photos_qty": _text_int(
                np.clip(rng.geometric(0.45, n_products), 1, 20), no_category
            ),
            "product_weight_g": _text_int(weight_g, size_missing),
            "product_length_cm": _text_int(
                np.clip(rng.lognormal(np.log(25), 0.45, n_products), 7, 105),
                size_missing,
            ),
            "product_height_cm": _text_int(
                np.clip(rng.lognormal(np.log(13), 0.7, n_products), 2, 105),
                size_missing,
            ),
            "product_width_cm": _text_int(
                np.clip(rng.lognormal(np.log(20), 0.45, n_products), 6, 118),
                size_missing,
            ),
        }
    )
    translation = pd.DataFrame(
        ref.CATEGORY_TRANSLATION,
        columns=["product_category_name", "product_category_name_english"],
    )
    return sellers, products, raw_sellers, raw_products, translation


def _pick_prefixes(
    rng: np.random.Generator, zips: pd.DataFrame, state: np.ndarray
) -> np.ndarray:
    """A prefix (row of ``zips`` with geolocation) in each given state, by weight."""
    out = np.empty(len(state), dtype=np.int64)
    zip_state = zips["state"].to_numpy()
    usable = zips["in_geo"].to_numpy()
    weight = zips["weight"].to_numpy()
    for code, name in enumerate(STATE_NAMES):
        rows = np.flatnonzero(state == code)
        if len(rows) == 0:
            continue
        candidates = np.flatnonzero((zip_state == name) & usable)
        out[rows] = candidates[
            rng.choice(
                len(candidates),
                len(rows),
                p=weight[candidates] / weight[candidates].sum(),
            )
        ]
    return out


# ------------------------------------------------------------------- people, orders


def _day_weights(params: SyntheticParams) -> tuple[np.ndarray, np.ndarray]:
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


def _draw_times(
    rng: np.random.Generator, day_start: np.ndarray, day_weight: np.ndarray, n: int
) -> np.ndarray:
    day = rng.choice(len(day_start), n, p=day_weight / day_weight.sum())
    hours = np.array(ref.HOURLY_WEIGHTS, dtype=float)
    hour = rng.choice(24, n, p=hours / hours.sum())
    return day_start[day] + hour * 3600.0 + rng.integers(0, 3600, n)


def generate_customers(
    zips: pd.DataFrame, raw_params: dict
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """People with their persona, home prefix and the purchase time of each order.

    The persona of a single-order person depends on the purchase date (mix before
    and after ``persona_shift_date``, deal hunters on promotion days); repeat
    buyers are mostly the loyal persona."""
    params = SyntheticParams.from_dict(raw_params)
    rng = params.rng(3)
    n_single = max(1, params.count(ref.SINGLE_ORDER_PERSONS, rng))
    orders_per_person = np.concatenate(
        [np.ones(n_single, dtype=np.int64)]
        + [np.full(params.count(c, rng), k) for k, c in ref.REPEAT_ORDERS.items()]
    )
    orders_per_person = rng.permutation(orders_per_person)
    n_persons, n_orders = len(orders_per_person), int(orders_per_person.sum())
    day_start, day_weight = _day_weights(params)
    purchase = _draw_times(rng, day_start, day_weight, n_orders)
    person_of_order = np.repeat(np.arange(n_persons), orders_per_person)
    first = pd.Series(purchase).groupby(person_of_order).transform("min").to_numpy()
    order = np.lexsort((purchase, person_of_order))
    purchase, first_purchase = purchase[order], first[order]
    person_first = np.full(n_persons, np.nan)
    person_first[person_of_order] = first_purchase

    names = list(params.personas)
    after = person_first >= _epoch(params.persona_shift_date)
    promo = np.zeros(n_persons, dtype=bool)
    for day in params.promo_days:
        start = _epoch(day)
        promo |= (person_first >= start - DAY) & (person_first < start + 3 * DAY)
    persona = np.empty(n_persons, dtype=np.int64)
    repeat = orders_per_person > 1
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

    remote = rng.random(n_persons) < params.persona_array("remote_share")[persona]
    share = np.array([s["customers"] for s in ref.STATES.values()])
    far = np.array([s["far"] for s in ref.STATES.values()])
    remote_weight = np.where(far, np.sqrt(share), 0)
    state = np.where(
        remote,
        # Remote customers spread over the far states more evenly than population.
        rng.choice(len(share), n_persons, p=remote_weight / remote_weight.sum()),
        rng.choice(
            len(share), n_persons, p=np.where(far, 0, share) / share[~far].sum()
        ),
    )
    home = _pick_prefixes(rng, zips, state)
    orphans = np.flatnonzero(~zips["in_geo"].to_numpy())
    no_geo = rng.choice(
        n_persons, min(n_persons, params.count(280, rng)), replace=False
    )
    home[no_geo] = rng.choice(orphans, len(no_geo))

    persons = pd.DataFrame(
        {
            "customer_unique_id": _hex_ids(rng, n_persons),
            "persona": persona,
            "zip": home,
            "n_orders": orders_per_person,
            "first_purchase": person_first,
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": _hex_ids(rng, n_orders),
            "customer_id": _hex_ids(rng, n_orders),
            "person": np.sort(person_of_order),
            "purchase": purchase,
        }
    )
    truth = pd.DataFrame(
        {
            "customer_unique_id": persons["customer_unique_id"],
            "persona": np.array(names)[persona],
        }
    )
    logger.info(
        "%d persons, %d orders; persona counts %s",
        n_persons,
        n_orders,
        truth["persona"].value_counts().to_dict(),
    )
    return persons, orders, truth


def _early_delay(
    rng: np.random.Generator, mean: np.ndarray, sd: np.ndarray
) -> np.ndarray:
    """Delivered minus estimated days for an order not hit by a late incident:
    1 − Gamma, so it is right-skewed and at most one day late."""
    earliness = 1.0 - mean
    return 1.0 - rng.gamma((earliness / sd) ** 2, sd**2 / earliness)


def _delivery_times(
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


def _assign_status(
    rng: np.random.Generator, params: SyntheticParams, purchase: np.ndarray
) -> np.ndarray:
    weights = np.array(list(ref.ORDER_STATUS.values()), dtype=float)
    status = rng.choice(len(weights), len(purchase), p=weights / weights.sum())
    too_late = purchase >= _epoch(params.last_delivered_purchase) + DAY
    late_status = np.where(
        rng.random(len(purchase)) < 0.8, STATUS["canceled"], STATUS["shipped"]
    )
    return np.where(too_late & (status == STATUS["delivered"]), late_status, status)


def _items_per_order(
    rng: np.random.Generator,
    params: SyntheticParams,
    status: np.ndarray,
    persona: np.ndarray,
) -> np.ndarray:
    """Items per order; no items for unavailable and some canceled or created ones."""
    n = len(status)
    no_items = status == STATUS["unavailable"]
    extra = params.count(775, rng) - int(no_items.sum())
    candidates = np.flatnonzero(
        np.isin(status, [STATUS["canceled"], STATUS["created"]])
    )
    if extra > 0 and len(candidates):
        picked = rng.choice(candidates, min(extra, len(candidates)), replace=False)
        no_items[picked] = True
    sizes = np.array(list(ref.ITEMS_PER_ORDER))[1:]
    weights = np.array(list(ref.ITEMS_PER_ORDER.values()), dtype=float)[1:]
    several = rng.random(n) < params.persona_array("extra_items_rate")[persona]
    multi = sizes[rng.choice(len(sizes), n, p=weights / weights.sum())]
    return np.where(no_items, 0, np.where(several, multi, 1))


def _draw_items(
    rng: np.random.Generator,
    params: SyntheticParams,
    *,
    n_items: np.ndarray,
    persona: np.ndarray,
    catalogue: tuple[pd.DataFrame, pd.DataFrame],
    home: tuple[np.ndarray, np.ndarray],
) -> dict[str, np.ndarray]:
    """Products near each persona's price level, their sellers, price, freight and
    buyer-seller distance, one entry per item."""
    sellers, products = catalogue
    item_order = np.repeat(np.arange(len(n_items)), n_items)
    n_total = len(item_order)
    starts = np.concatenate([[0], np.cumsum(n_items)[:-1]])
    item_seq = np.arange(n_total) - starts[item_order] + 1
    item_persona = persona[item_order]
    target = rng.lognormal(
        np.log(params.persona_array("item_price_median")[item_persona]),
        params.persona_array("item_price_sigma")[item_persona],
    )
    base_price = products["price"].to_numpy()
    by_price = np.argsort(base_price, kind="stable")
    rank = np.searchsorted(base_price[by_price], target) + rng.integers(
        -15, 16, n_total
    )
    product = by_price[np.clip(rank, 0, len(by_price) - 1)]
    same = (item_seq > 1) & (rng.random(n_total) < 0.55)
    product = np.where(same, product[starts[item_order]], product)
    price = np.maximum(
        0.85, np.round(base_price[product] * rng.lognormal(0, 0.04, n_total), 2)
    )
    seller = products["seller"].to_numpy()[product]
    distance = haversine_km(
        home[0][item_order],
        home[1][item_order],
        sellers["lat"].to_numpy()[seller],
        sellers["lng"].to_numpy()[seller],
    )
    weight_kg = products["weight_g"].to_numpy()[product] / 1000
    freight = np.round(
        (10.5 + 0.007 * distance + 2.4 * weight_kg) * rng.lognormal(0, 0.25, n_total), 2
    )
    freight[rng.random(n_total) < 0.0034] = 0.0
    return {
        "order": item_order,
        "seq": item_seq,
        "product": product,
        "seller": seller,
        "price": price,
        "freight": freight,
        "distance": distance,
        "starts": starts,
    }


def _timestamp_flags(
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


def simulate_orders(
    *,
    persons: pd.DataFrame,
    orders: pd.DataFrame,
    zips: pd.DataFrame,
    sellers: pd.DataFrame,
    products: pd.DataFrame,
    raw_params: dict,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Status, items, delivery times of every order (internal) and the items file."""
    params = SyntheticParams.from_dict(raw_params)
    rng = params.rng(4)
    n = len(orders)
    person = orders["person"].to_numpy()
    persona = persons["persona"].to_numpy()[person]
    purchase = orders["purchase"].to_numpy()
    status = _assign_status(rng, params, purchase)
    n_items = _items_per_order(rng, params, status, persona)
    home = persons["zip"].to_numpy()[person]
    lat, lng = zips["lat"].to_numpy()[home], zips["lng"].to_numpy()[home]
    items = _draw_items(
        rng,
        params,
        n_items=n_items,
        persona=persona,
        catalogue=(sellers, products),
        home=(lat, lng),
    )

    with_items = n_items > 0
    distance = haversine_km(lat, lng, -23.55, -46.63)
    if with_items.any():
        distance[with_items] = (
            np.add.reduceat(items["distance"], items["starts"][with_items])
            / n_items[with_items]
        )
    value = np.bincount(
        items["order"], weights=items["price"] + items["freight"], minlength=n
    )
    approved, estimated, delivered = _delivery_times(
        rng, params, persona, purchase, distance
    )
    carrier = approved + np.minimum(
        rng.uniform(0.3, 4, n) * DAY, 0.8 * (delivered - approved)
    )
    has_approved, has_carrier, has_delivered = _timestamp_flags(rng, params, status)
    internal = pd.DataFrame(
        {
            "order_id": orders["order_id"],
            "customer_id": orders["customer_id"],
            "person": person,
            "persona": persona,
            "status": status,
            "purchase": purchase,
            "approved": np.where(has_approved, approved, np.nan),
            "carrier": np.where(has_carrier, carrier, np.nan),
            "delivered": np.where(has_delivered, delivered, np.nan),
            "estimated": estimated,
            "n_items": n_items,
            "value": value,
            "distance": distance,
        }
    )
    limit = np.where(has_approved, approved, purchase) + rng.uniform(3, 8, n) * DAY
    raw_items = pd.DataFrame(
        {
            "order_id": orders["order_id"].to_numpy()[items["order"]],
            "order_item_id": _text_int(items["seq"]),
            "product_id": products["product_id"].to_numpy()[items["product"]],
            "seller_id": sellers["seller_id"].to_numpy()[items["seller"]],
            "shipping_limit_date": _text_time(limit[items["order"]]),
            "price": _text_money(items["price"]),
            "freight_value": _text_money(items["freight"]),
        }
    )
    by_order = np.argsort(raw_items["order_id"].to_numpy(), kind="stable")
    return internal, raw_items.iloc[by_order].reset_index(drop=True)


def format_orders(
    internal: pd.DataFrame, persons: pd.DataFrame, zips: pd.DataFrame, raw_params: dict
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The orders and customers files (one customer_id per order), shuffled."""
    params = SyntheticParams.from_dict(raw_params)
    rng = params.rng(5)
    shuffled = internal.iloc[rng.permutation(len(internal))].reset_index(drop=True)
    raw_orders = pd.DataFrame(
        {
            "order_id": shuffled["order_id"],
            "customer_id": shuffled["customer_id"],
            "order_status": np.array(STATUS_NAMES)[shuffled["status"].to_numpy()],
            "order_purchase_timestamp": _text_time(shuffled["purchase"].to_numpy()),
            "order_approved_at": _text_time(shuffled["approved"].to_numpy()),
            "order_delivered_carrier_date": _text_time(shuffled["carrier"].to_numpy()),
            "order_delivered_customer_date": _text_time(
                shuffled["delivered"].to_numpy()
            ),
            "order_estimated_delivery_date": _text_time(
                shuffled["estimated"].to_numpy()
            ),
        }
    )
    shuffled = internal.iloc[rng.permutation(len(internal))].reset_index(drop=True)
    home = persons["zip"].to_numpy()[shuffled["person"].to_numpy()]
    raw_customers = pd.DataFrame(
        {
            "customer_id": shuffled["customer_id"],
            "customer_unique_id": persons["customer_unique_id"].to_numpy()[
                shuffled["person"].to_numpy()
            ],
            "customer_zip_code_prefix": zips["prefix"].to_numpy()[home],
            "customer_city": zips["city"].to_numpy()[home],
            "customer_state": zips["state"].to_numpy()[home],
        }
    )
    return raw_orders, raw_customers


# ------------------------------------------------------------------------- payments


def generate_payments(internal: pd.DataFrame, raw_params: dict) -> pd.DataFrame:
    """Payment rows: type and instalments by persona, vouchers split in many rows."""
    params = SyntheticParams.from_dict(raw_params)
    rng = params.rng(6)
    n = len(internal)
    persona = internal["persona"].to_numpy()
    price_median = params.persona_array("item_price_median")[persona]
    value = internal["value"].to_numpy()
    value = np.where(
        internal["n_items"].to_numpy() == 0,
        np.round(rng.lognormal(np.log(price_median * 1.2), 0.6), 2),
        value,
    )
    mix = np.array(
        [[p.payment_mix[t] for t in PAYMENT_TYPES] for p in params.personas.values()]
    )
    kind = _categorical_rows(rng, mix[persona])
    multi = rng.random(n) < params.persona_array("multi_payment_share")[persona]
    row_sizes = np.array(list(ref.PAYMENT_ROWS))
    row_weights = np.array(list(ref.PAYMENT_ROWS.values()), dtype=float)
    n_rows = np.where(
        multi,
        row_sizes[rng.choice(len(row_sizes), n, p=row_weights / row_weights.sum())],
        1,
    )
    credit, boleto, voucher = 0, 1, 2
    # Multi-row orders: one card row plus vouchers, vouchers only, or split cards.
    style = rng.random(n)
    first_kind = np.where(
        multi & (kind == voucher) & (style < 0.8),
        credit,
        np.where(multi & (kind == boleto), credit, kind),
    )
    other_kind = np.where(
        multi & (kind == credit) & (style < 0.35),
        credit,
        np.where(multi, voucher, kind),
    )
    row_order = np.repeat(np.arange(n), n_rows)
    starts = np.concatenate([[0], np.cumsum(n_rows)[:-1]])
    seq = np.arange(len(row_order)) - starts[row_order] + 1
    row_kind = np.where(seq == 1, first_kind[row_order], other_kind[row_order])

    cents = np.round(value * 100).astype(np.int64)
    # Vouchers carry most of a split order's value; card rows pay the remainder.
    share = rng.gamma(np.where(row_kind == voucher, 2.0, 0.6), 1.0)
    total_share = np.bincount(row_order, weights=share, minlength=n)
    row_cents = np.floor(share / total_share[row_order] * cents[row_order]).astype(
        np.int64
    )
    remainder = cents - np.bincount(row_order, weights=row_cents, minlength=n).astype(
        np.int64
    )
    row_cents[starts] += remainder
    row_value = row_cents / 100

    high = (
        rng.random(len(row_order))
        < params.persona_array("high_instalment_share")[persona[row_order]]
    )
    low_choice = _choice(rng, ref.INSTALMENTS_LOW, len(row_order))
    high_choice = _choice(rng, ref.INSTALMENTS_HIGH, len(row_order))
    instalments = np.where(
        row_kind == credit, np.where(high, high_choice, low_choice), 1
    )
    card_rows = np.flatnonzero(row_kind == credit)
    instalments[
        rng.choice(card_rows, min(len(card_rows), params.count(2, rng)), replace=False)
    ] = 0
    type_name = np.array(PAYMENT_TYPES, dtype=object)[row_kind]
    voucher_rows = np.flatnonzero((row_kind == voucher) & (n_rows[row_order] > 1))
    row_value[
        rng.choice(
            voucher_rows, min(len(voucher_rows), params.count(6, rng)), replace=False
        )
    ] = 0.0
    single_empty = np.flatnonzero(
        (n_rows[row_order] == 1) & (internal["n_items"].to_numpy()[row_order] == 0)
    )
    undefined = rng.choice(
        single_empty, min(len(single_empty), params.count(3, rng)), replace=False
    )
    type_name[undefined] = "not_defined"
    row_value[undefined] = 0.0
    instalments[undefined] = 1
    gap_orders = rng.choice(
        np.flatnonzero(n_rows > 1),
        min(int((n_rows > 1).sum()), params.count(80, rng)),
        replace=False,
    )
    shifted = np.isin(row_order, gap_orders)
    seq = np.where(shifted, seq + 1, seq)
    keep = ~np.isin(
        row_order, rng.choice(n, min(n, params.count(1, rng)), replace=False)
    )
    payments = pd.DataFrame(
        {
            "order_id": internal["order_id"].to_numpy()[row_order],
            "payment_sequential": _text_int(seq),
            "payment_type": type_name,
            "payment_installments": _text_int(instalments),
            "payment_value": _text_money(row_value),
        }
    )[keep]
    return payments.iloc[rng.permutation(len(payments))].reset_index(drop=True)


# -------------------------------------------------------------------------- reviews


def generate_reviews(internal: pd.DataFrame, raw_params: dict) -> pd.DataFrame:
    """Reviews: score driven by lateness and persona, Portuguese comments."""
    params = SyntheticParams.from_dict(raw_params)
    rng = params.rng(7)
    n = len(internal)
    reviewed = np.ones(n, dtype=bool)
    reviewed[rng.choice(n, min(n, params.count(768, rng)), replace=False)] = False
    copies = np.where(reviewed, 1, 0)
    with_review = np.flatnonzero(reviewed)
    second = rng.choice(
        with_review, min(len(with_review), params.count(547, rng)), replace=False
    )
    copies[second] += 1
    copies[second[: params.count(4, rng)]] += 1
    row = np.repeat(np.arange(n), copies)
    m = len(row)

    status = internal["status"].to_numpy()[row]
    persona = internal["persona"].to_numpy()[row]
    delivered = internal["delivered"].to_numpy()[row]
    estimated = internal["estimated"].to_numpy()[row]
    delay_days = (delivered - estimated) / DAY
    lateness = np.clip((np.nan_to_num(delay_days, nan=-30) + 1) / 10, 0, 1)
    unhappy = rng.random(m) < params.persona_array("unhappy_share")[persona]
    failed = np.isin(status, [STATUS["canceled"], STATUS["unavailable"]])
    pending = np.isnan(delivered) & ~failed
    weight_bad = np.where(
        failed,
        0.85,
        np.where(pending, 0.5, np.maximum(lateness, unhappy.astype(float))),
    )
    probs = (1 - weight_bad)[:, None] * SCORES_HAPPY + weight_bad[
        :, None
    ] * SCORES_UNHAPPY
    score = _categorical_rows(rng, probs) + 1

    base = np.where(np.isnan(delivered), estimated, delivered)
    created = base + rng.integers(0, 3, m) * DAY
    created -= created % DAY
    answered = created + rng.exponential(2.5 * DAY, m) + rng.uniform(0, DAY, m)
    bad = score <= 2
    titles = np.where(
        bad,
        np.array(ref.TITLES_BAD, dtype=object)[rng.integers(0, len(ref.TITLES_BAD), m)],
        np.array(ref.TITLES_GOOD, dtype=object)[
            rng.integers(0, len(ref.TITLES_GOOD), m)
        ],
    )
    title = np.where(rng.random(m) < 0.12, titles, None)
    first = np.where(
        bad,
        np.array(ref.MESSAGES_BAD, dtype=object)[
            rng.integers(0, len(ref.MESSAGES_BAD), m)
        ],
        np.array(ref.MESSAGES_GOOD, dtype=object)[
            rng.integers(0, len(ref.MESSAGES_GOOD), m)
        ],
    )
    second_part = np.array(ref.MESSAGES_BAD + ref.MESSAGES_GOOD, dtype=object)[
        rng.integers(0, len(ref.MESSAGES_BAD) + len(ref.MESSAGES_GOOD), m)
    ]
    two = rng.random(m) < 0.25
    text = (
        pd.Series(first)
        .where(~two, pd.Series(first) + " " + pd.Series(second_part))
        .to_numpy()
    )
    p_message = np.select([score <= 2, score == 3], [0.75, 0.5], 0.3)
    message = np.where(rng.random(m) < p_message, text, None)

    review_id = _hex_ids(rng, m)
    reuse = rng.choice(m, min(m, params.count(814, rng)), replace=False)
    source = rng.choice(m, len(reuse))
    different = (
        internal["order_id"].to_numpy()[row[source]]
        != internal["order_id"].to_numpy()[row[reuse]]
    )
    review_id[reuse[different]] = review_id[source[different]]
    reviews = pd.DataFrame(
        {
            "review_id": review_id,
            "order_id": internal["order_id"].to_numpy()[row],
            "review_score": _text_int(score),
            "review_comment_title": title,
            "review_comment_message": message,
            "review_creation_date": _text_time(created, date_only=True),
            "review_answer_timestamp": _text_time(answered),
        }
    )
    return reviews.iloc[rng.permutation(m)].reset_index(drop=True)
