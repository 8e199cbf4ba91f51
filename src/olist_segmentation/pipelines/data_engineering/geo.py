"""Geolocation: one robust point per zip prefix, coordinates for parties, distances.

Geolocation rows outside Brazil's bounding box are dropped, the point of a prefix
is the median latitude and longitude of its remaining rows (robust to the noisy
points), and a prefix found in several states goes to the state holding most of
its rows. A customer or seller whose prefix has no point gets the median point
of the prefixes of its own state; without that either, no coordinates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .params import BoundingBox

EARTH_RADIUS_KM = 6371.0088
GEO_SOURCES = pd.CategoricalDtype(["zip", "state", "none"])


def zip_locations(
    geolocation: pd.DataFrame, box: BoundingBox
) -> tuple[pd.DataFrame, dict[str, int]]:
    """One point per zip prefix: median lat/lng inside the box, majority state."""
    lat = geolocation["geolocation_lat"].to_numpy()
    lng = geolocation["geolocation_lng"].to_numpy()
    inside = (
        (lat >= box.lat_min)
        & (lat <= box.lat_max)
        & (lng >= box.lng_min)
        & (lng <= box.lng_max)
    )
    prefixes = geolocation["geolocation_zip_code_prefix"]
    codes, uniques = pd.factorize(prefixes, sort=True)
    points = pd.DataFrame(
        {
            "code": codes[inside],
            "lat": lat[inside],
            "lng": lng[inside],
            "state": geolocation["geolocation_state"].to_numpy()[inside],
        }
    )
    medians = points.groupby("code", sort=True)[["lat", "lng"]].median()
    per_state = (
        points.groupby(["code", "state"], sort=False)
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["code", "n", "state"], ascending=[True, False, True])
    )
    majority = per_state.drop_duplicates("code").set_index("code")
    n_states = per_state.groupby("code").size()
    n_points = np.bincount(points["code"].to_numpy(), minlength=len(uniques))
    located = medians.index.to_numpy()
    table = pd.DataFrame(
        {
            "zip_prefix": pd.Series(np.asarray(uniques)[located], dtype="str"),
            "lat": medians["lat"].to_numpy(),
            "lng": medians["lng"].to_numpy(),
            "state": majority.loc[located, "state"].astype("str").to_numpy(),
            "n_points": n_points[located].astype(np.uint32),
        }
    )
    counts = {
        "outside_brazil_bounding_box": int((~inside).sum()),
        "zip_prefix_in_several_states": int((n_states > 1).sum()),
        "zip_prefix_only_outside_brazil": int(len(uniques) - len(located)),
    }
    return table, counts


def state_locations(zips: pd.DataFrame) -> pd.DataFrame:
    """Median point of each state's prefix points (the fallback of a prefix)."""
    return zips.groupby("state", sort=True)[["lat", "lng"]].median()


def locate(
    prefix: pd.Series, state: pd.Series, zips: pd.DataFrame, states: pd.DataFrame
) -> pd.DataFrame:
    """lat, lng and geo_source ('zip', 'state' or 'none') for each prefix/state."""
    at_zip = pd.Index(zips["zip_prefix"]).get_indexer(prefix)
    at_state = pd.Index(states.index).get_indexer(state)
    by_zip = at_zip >= 0
    by_state = ~by_zip & (at_state >= 0)
    lat = np.full(len(prefix), np.nan)
    lng = np.full(len(prefix), np.nan)
    lat[by_zip] = zips["lat"].to_numpy()[at_zip[by_zip]]
    lng[by_zip] = zips["lng"].to_numpy()[at_zip[by_zip]]
    lat[by_state] = states["lat"].to_numpy()[at_state[by_state]]
    lng[by_state] = states["lng"].to_numpy()[at_state[by_state]]
    source = np.where(by_zip, "zip", np.where(by_state, "state", "none"))
    return pd.DataFrame(
        {
            "lat": lat,
            "lng": lng,
            "geo_source": pd.Categorical(source, dtype=GEO_SOURCES),
        },
        index=prefix.index,
    )


def haversine_km(
    lat1: np.ndarray, lng1: np.ndarray, lat2: np.ndarray, lng2: np.ndarray
) -> np.ndarray:
    """Great-circle distance in km, element-wise; NaN where a point is missing."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlmb = np.radians(lng2) - np.radians(lng1)
    h = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
