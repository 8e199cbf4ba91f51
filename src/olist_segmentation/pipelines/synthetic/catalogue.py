"""Sellers, products and the category translation (node ``generate_catalogue``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import reference as ref
from .draws import STATE_NAMES, hex_ids, text_int
from .geography import pick_prefixes
from .params import SyntheticParams


def _sellers(
    rng: np.random.Generator, params: SyntheticParams, zips: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Sellers (internal and Kaggle file), mostly in SP, and their popularity."""
    n_sellers = max(2, round(3095 * params.scale))
    seller_share = np.array([s["sellers"] for s in ref.STATES.values()])
    seller_state = rng.choice(
        len(STATE_NAMES), n_sellers, p=seller_share / seller_share.sum()
    )
    seller_zip = pick_prefixes(rng, zips, seller_state)
    orphans = np.flatnonzero(~zips["in_geo"].to_numpy())
    no_geo = rng.choice(n_sellers, min(n_sellers, params.count(7, rng)), replace=False)
    seller_zip[no_geo] = rng.choice(orphans, len(no_geo))
    # Zipf-like sales; sellers in SP sell more (real: 60% of sellers, ~70% of items).
    popularity = rng.permutation(1.0 / np.arange(1, n_sellers + 1) ** 0.9) * np.where(
        zips["state"].to_numpy()[seller_zip] == "SP", 1.6, 1.0
    )
    sellers = pd.DataFrame(
        {
            "seller_id": hex_ids(rng, n_sellers),
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
    return sellers, raw_sellers, popularity


def _products(
    rng: np.random.Generator, params: SyntheticParams, seller_popularity: np.ndarray
) -> pd.DataFrame:
    """Products: category, list price, weight and seller (internal table)."""
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
    return pd.DataFrame(
        {
            "product_id": hex_ids(rng, n_products),
            "category": np.where(no_category, None, categories[category]),
            "price": price,
            "weight_g": weight_g,
            "seller": rng.choice(
                len(seller_popularity),
                n_products,
                p=seller_popularity / seller_popularity.sum(),
            ),
            "size_missing": size_missing,
        }
    )


def _raw_products(rng: np.random.Generator, products: pd.DataFrame) -> pd.DataFrame:
    """The products file: descriptive columns empty where the real ones are."""
    n_products = len(products)
    no_category = products["category"].isna().to_numpy()
    size_missing = products["size_missing"].to_numpy()
    return pd.DataFrame(
        {
            "product_id": products["product_id"],
            "product_category_name": products["category"],
            "product_name_lenght": text_int(
                np.clip(rng.normal(48, 10, n_products), 5, 76), no_category
            ),
            "product_description_lenght": text_int(
                np.clip(rng.lognormal(np.log(600), 0.7, n_products), 4, 3992),
                no_category,
            ),
            "product_photos_qty": text_int(
                np.clip(rng.geometric(0.45, n_products), 1, 20), no_category
            ),
            "product_weight_g": text_int(products["weight_g"].to_numpy(), size_missing),
            "product_length_cm": text_int(
                np.clip(rng.lognormal(np.log(25), 0.45, n_products), 7, 105),
                size_missing,
            ),
            "product_height_cm": text_int(
                np.clip(rng.lognormal(np.log(13), 0.7, n_products), 2, 105),
                size_missing,
            ),
            "product_width_cm": text_int(
                np.clip(rng.lognormal(np.log(20), 0.45, n_products), 6, 118),
                size_missing,
            ),
        }
    )


def generate_catalogue(
    zips: pd.DataFrame, params: SyntheticParams
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Sellers and products (internal tables and Kaggle files) and the translation."""
    rng = params.rng(2)
    sellers, raw_sellers, popularity = _sellers(rng, params, zips)
    products = _products(rng, params, popularity)
    raw_products = _raw_products(rng, products)
    translation = pd.DataFrame(
        ref.CATEGORY_TRANSLATION,
        columns=["product_category_name", "product_category_name_english"],
    )
    return sellers, products, raw_sellers, raw_products, translation
