"""Zip prefixes per state and the geolocation table (node ``generate_geography``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np
import pandas as pd

from . import reference as ref
from .chunks import Chunk, released_once_saved
from .draws import STATE_NAMES, take_text, text_float
from .params import SyntheticParams

logger = logging.getLogger(__name__)

# Inside Brazil's bounding box (lat -33.75..5.27, lng -73.99..-34.79), with a margin.
BRAZIL_LAT = (-33.6, 5.1)
BRAZIL_LNG = (-73.8, -34.85)


def _state_prefixes(
    rng: np.random.Generator, state: str, n_total: int, n_orphan: int
) -> pd.DataFrame:
    """``n_total`` prefixes of one state around its cities, ``n_orphan`` of them
    without geolocation."""
    spec = ref.STATES[state]
    numbers = np.concatenate([np.arange(lo, hi + 1) for lo, hi in spec["cep"]])
    n_total = min(len(numbers), n_total)
    chosen = np.sort(rng.choice(numbers, n_total, replace=False))
    in_geo = np.ones(n_total, dtype=bool)
    in_geo[rng.choice(n_total, min(n_orphan, n_total - 1), replace=False)] = False
    cities = spec["cities"]
    city_weight = np.array([c[3] for c in cities], dtype=float)
    city = rng.choice(len(cities), n_total, p=city_weight / city_weight.sum())
    return pd.DataFrame(
        {
            "prefix": np.char.zfill(chosen.astype(str), 5),
            "state": state,
            "city": np.array([c[0] for c in cities])[city],
            "lat": np.clip(
                np.array([c[1] for c in cities])[city] + rng.normal(0, 0.12, n_total),
                *BRAZIL_LAT,
            ),
            "lng": np.clip(
                np.array([c[2] for c in cities])[city] + rng.normal(0, 0.12, n_total),
                *BRAZIL_LNG,
            ),
            "weight": rng.lognormal(0, 0.8, n_total),
            "in_geo": in_geo,
        }
    )


def _zip_prefixes(rng: np.random.Generator, params: SyntheticParams) -> pd.DataFrame:
    """Prefixes of every state, by customer share and postcode range size."""
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
    for code, state in enumerate(STATE_NAMES):
        n_orph = int((orphan_state == code).sum())
        frames.append(_state_prefixes(rng, state, per_state[code] + n_orph, n_orph))
    return pd.concat(frames, ignore_index=True)


def _geolocation_rows(
    rng: np.random.Generator,
    params: SyntheticParams,
    geo: pd.DataFrame,
    *,
    first: bool,
) -> pd.DataFrame:
    """Noisy points per prefix (popular prefixes get more; the ``first`` block has
    every prefix at least once), a few outside Brazil, a few prefixes in two
    states, an accented city spelling."""
    popularity = geo["weight"].to_numpy() ** 1.5
    popularity = popularity / popularity.sum()
    n_rows = round(1_000_163 * params.scale)
    if first:
        n_rows = max(len(geo), n_rows)
        counts = 1 + rng.multinomial(n_rows - len(geo), popularity)
    else:
        counts = rng.multinomial(n_rows, popularity)
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
    present = np.flatnonzero(counts)
    two_states = rng.choice(
        present, min(len(present), params.count(8, rng)), replace=False
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
    return pd.DataFrame(
        {
            "geolocation_zip_code_prefix": take_text(geo["prefix"], row_prefix),
            "geolocation_lat": text_float(lat),
            "geolocation_lng": text_float(lng),
            "geolocation_city": take_text(np.append(cities, "são paulo"), city),
            "geolocation_state": take_text(np.array(STATE_NAMES), state),
        }
    )


def generate_geography(params: SyntheticParams) -> Iterator[Chunk]:
    """Zip prefixes per state (with the ones missing from geolocation), and the
    geolocation table in Kaggle's format block by block (with the prefixes again:
    a generator node yields all its outputs each time)."""
    yield from released_once_saved(_geography_blocks(params))


def _geography_blocks(
    params: SyntheticParams,
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    rng = params.rng(1)
    zips = _zip_prefixes(rng, params)
    geo = zips[zips["in_geo"]].reset_index(drop=True)
    logger.info(
        "%d prefixes with geolocation, %d without",
        len(geo),
        int((~zips["in_geo"]).sum()),
    )
    for index, block in enumerate(params.blocks()):
        # Block 0 goes on with the prefixes' stream, as the whole data set did.
        block_rng = rng if index == 0 else block.rng(1)
        yield zips, _geolocation_rows(block_rng, block, geo, first=index == 0)


def pick_prefixes(
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
