"""Tiny primary tables with a planted behaviour shift, for the stability tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from olist_segmentation.domain import MODELLED_PAYMENT_TYPES
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from olist_segmentation.pipelines.modelling.segmenter import build_model
from olist_segmentation.pipelines.stability import fits
from olist_segmentation.pipelines.stability.params import StabilityParams
from tests.conftest import PROJECT_ROOT

SHIFT = pd.Timestamp("2017-11-01")
START = pd.Timestamp("2017-01-01")
END = pd.Timestamp("2018-06-30")


def make_primary_tables(
    n_persons: int = 600, seed: int = 7
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``primary_orders`` and ``primary_order_items`` (contract columns and dtypes).

    Before ``SHIFT`` persons are small (about 40) or big (about 400) spenders; persons
    whose first order falls after it are huge spenders (about 4,000), a persona that
    did not exist at T0, so a refit after the shift splits the base differently.
    """
    rng = np.random.default_rng(seed)
    days = (END - START).days
    first = START + pd.to_timedelta(rng.integers(0, days, n_persons), unit="D")
    persona = np.where(first >= SHIFT, 2, rng.integers(0, 2, n_persons))
    level = np.array([40.0, 400.0, 4000.0])[persona]
    n_orders = rng.integers(1, 3, n_persons)
    person = np.repeat(np.arange(n_persons), n_orders)
    purchase = np.repeat(first, n_orders) + pd.to_timedelta(
        np.concatenate([np.arange(k) * 30 for k in n_orders]), unit="D"
    )
    n = len(person)
    price = np.repeat(level, n_orders) * rng.lognormal(0, 0.15, n)
    delivered = purchase + pd.to_timedelta(rng.integers(3, 15, n), unit="D")
    estimated = purchase + pd.to_timedelta(20, unit="D")
    is_delivered = rng.random(n) > 0.03
    orders = pd.DataFrame(
        {
            "order_key": np.arange(n, dtype="uint32"),
            "person_key": person.astype("uint32"),
            "customer_key": np.arange(n, dtype="uint32"),
            "order_status": pd.Categorical(
                np.where(is_delivered, "delivered", "canceled")
            ),
            "purchase_ts": pd.DatetimeIndex(purchase).astype("datetime64[ns]"),
            "is_delivered": is_delivered,
            "delivered_customer_ts": pd.DatetimeIndex(delivered)
            .astype("datetime64[ns]")
            .where(is_delivered),
            "estimated_delivery_ts": pd.DatetimeIndex(estimated).astype(
                "datetime64[ns]"
            ),
            "items_price": price,
            "freight_value": price * 0.1,
            "n_items": np.ones(n, dtype="uint16"),
            "payment_value": price * 1.1,
            "installments": rng.integers(1, 5, n).astype(float),
            "review_score": rng.integers(1, 6, n).astype(float),
            "review_ts": pd.DatetimeIndex(delivered + pd.Timedelta(days=2)).astype(
                "datetime64[ns]"
            ),
            "delivery_delay_days": ((delivered - estimated) / pd.Timedelta(days=1))
            .to_numpy()
            .astype(float),
            "delivery_days": ((delivered - purchase) / pd.Timedelta(days=1))
            .to_numpy()
            .astype(float),
            "distance_km": rng.uniform(10, 2000, n),
        }
    )
    for kind in MODELLED_PAYMENT_TYPES:
        orders[f"share_{kind}"] = 1.0 if kind == "credit_card" else 0.0
    items = pd.DataFrame(
        {
            "order_key": orders["order_key"],
            "item_seq": np.ones(n, dtype="uint8"),
            "category": pd.Categorical(rng.choice(["toys", "bed_bath", "sports"], n)),
            "price": price,
        }
    )
    return orders, items


@pytest.fixture(autouse=True, scope="session")
def one_thread_per_fit():
    """The tests run hundreds of fits on a few hundred rows: OpenMP threads only add
    contention there (a 600-row KMeans fit takes 0.7 s instead of 0.04 s on a busy
    2-core machine)."""
    with threadpool_limits(limits=1):
        yield


def reviews_of(orders: pd.DataFrame) -> pd.DataFrame:
    """``primary_reviews``: the one review of each reviewed order."""
    return orders.loc[
        orders["review_ts"].notna(), ["order_key", "review_score", "review_ts"]
    ]


@pytest.fixture(scope="module")
def primary_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(primary_orders, primary_order_items, primary_reviews)`` with a shift planted
    at ``SHIFT``."""
    orders, items = make_primary_tables()
    return orders, items, reviews_of(orders)


def make_model(
    features: tuple[str, ...] = ("monetary", "frequency", "recency_days"),
    log_features: tuple[str, ...] = ("monetary",),
    **kmeans_params,
) -> Pipeline:
    """An unfitted KMeans segmentation model, as the modelling pipeline builds it
    (two clusters unless ``kmeans_params`` say otherwise)."""
    return build_model(
        algorithm="kmeans",
        params={"n_clusters": 2, **kmeans_params},
        features=features,
        log_features=log_features,
        transform="log_standard",
        seed=42,
        fit_sample_size=None,
    )


@pytest.fixture
def kmeans_model() -> Pipeline:
    """An unfitted two-cluster KMeans model on spending, frequency and recency."""
    return make_model()


@pytest.fixture
def stability_params() -> StabilityParams:
    """Monthly snapshots from 2017-09-01 to the end of the fixture data."""
    return StabilityParams(
        t0="2017-09-01", step_days=28, min_persons_t0=50, bootstraps=2
    )


#: ``params:feature_engineering`` as production sends it: the whole
#: ``feature_engineering`` key of ``conf/base/parameters_feature_engineering.yml``.
PRODUCTION_FEATURE_PARAMS = FeatureEngineeringParams.model_validate(
    yaml.safe_load(
        (PROJECT_ROOT / "conf/base/parameters_feature_engineering.yml").read_text()
    )["feature_engineering"]
)


@pytest.fixture
def feature_params() -> FeatureEngineeringParams:
    """``params:feature_engineering`` as production sends it, typed as Kedro hands
    it to the node (its snapshot date is not used here)."""
    return PRODUCTION_FEATURE_PARAMS


def snapshot_fits(tables, production, plan, params, feature_params):
    """``(features, seconds, fits, m0, curves)``: the two stability nodes that
    compute every snapshot's features, fits and curves, as the pipeline runs them."""
    orders, items, reviews = tables
    features, seconds = fits.compute_snapshot_features(
        orders=orders,
        order_items=items,
        reviews=reviews,
        segmentation_model=production,
        plan=plan,
        params=params,
        feature_params=feature_params,
    )
    fitted, m0, curves = fits.fit_snapshot_models(
        features, production, orders, plan, params
    )
    return features, seconds, fitted, m0, curves
