"""The primary tables of the data contract, built with array lookups and bincounts.

Keys are ranks (0..n-1) of the sorted ids, so a key indexes a NumPy array
directly: per-order aggregates are ``np.bincount`` over ``order_key`` and a
lookup of a parent's attribute is ``array[key]``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from olist_segmentation.domain import ORDER_STATUSES, PAYMENT_TYPES, STATES

from .geo import haversine_km

STATUS_DTYPE = pd.CategoricalDtype(list(ORDER_STATUSES))
PAYMENT_DTYPE = pd.CategoricalDtype(list(PAYMENT_TYPES))
STATE_DTYPE = pd.CategoricalDtype(list(STATES))
SHARED_TYPES = ("credit_card", "boleto", "voucher", "debit_card")
SECONDS_PER_DAY = 86_400.0


def lookup(keys: pd.Series, values: pd.Series, query: pd.Series) -> np.ndarray:
    """``values`` of the rows whose key is each of ``query`` (keys are dense ranks)."""
    size = int(max(keys.max(), query.max())) + 1 if len(keys) and len(query) else 0
    source = values.to_numpy()
    table = np.empty(size, dtype=source.dtype)
    if source.dtype.kind in "fM":
        table[:] = np.nan if source.dtype.kind == "f" else np.datetime64("NaT")
    table[keys.to_numpy()] = source
    return table[query.to_numpy()]


def _days(later: pd.Series, earlier: pd.Series, where: np.ndarray) -> np.ndarray:
    days = (later - earlier).dt.total_seconds().to_numpy(dtype="float64")
    return np.where(where, days / SECONDS_PER_DAY, np.nan)


def build_order_items(
    items: pd.DataFrame,
    products: pd.DataFrame,
    sellers: pd.DataFrame,
    customers: pd.DataFrame,
    orders: pd.DataFrame,
) -> pd.DataFrame:
    """One row per item, with its category, seller point and buyer–seller distance."""
    categories = pd.CategoricalDtype(sorted(products["category"].unique()))
    category = pd.Categorical(
        lookup(
            products["product_key"],
            products["category"].astype(object),
            items["product_key"],
        ),
        dtype=categories,
    )
    seller_at = pd.Index(sellers["seller_key"]).get_indexer(items["seller_key"])
    seller_lat = sellers["lat"].to_numpy()[seller_at]
    seller_lng = sellers["lng"].to_numpy()[seller_at]
    customer_key = lookup(
        orders["order_key"], orders["customer_key"], items["order_key"]
    )
    customer_at = pd.Index(customers["customer_key"]).get_indexer(customer_key)
    customer_lat = customers["lat"].to_numpy()[customer_at]
    customer_lng = customers["lng"].to_numpy()[customer_at]
    table = pd.DataFrame(
        {
            "order_key": items["order_key"].to_numpy(dtype=np.uint32),
            "item_seq": items["order_item_id"].to_numpy().astype(np.uint8),
            "product_key": items["product_key"].to_numpy(dtype=np.uint32),
            "seller_key": items["seller_key"].to_numpy(dtype=np.uint32),
            "price": items["price"].to_numpy(dtype="float64"),
            "freight_value": items["freight_value"].to_numpy(dtype="float64"),
            "category": category,
            "seller_state": pd.Categorical(
                sellers["seller_state"].to_numpy(dtype=object)[seller_at],
                dtype=STATE_DTYPE,
            ),
            "seller_lat": seller_lat,
            "seller_lng": seller_lng,
            "distance_km": haversine_km(
                customer_lat, customer_lng, seller_lat, seller_lng
            ),
        }
    )
    return table.sort_values(["order_key", "item_seq"], ignore_index=True)


def _main_category(items: pd.DataFrame, n_orders: int) -> pd.Categorical:
    """Category carrying most item value per order (ties: first category name)."""
    value = (
        items.groupby(["order_key", "category"], observed=True, sort=True)["price"]
        .sum()
        .reset_index()
        .sort_values(["order_key", "price"], ascending=[True, False], kind="stable")
        .drop_duplicates("order_key")
    )
    codes = np.full(n_orders, -1, dtype=np.int64)
    codes[value["order_key"].to_numpy()] = value["category"].cat.codes.to_numpy()
    return pd.Categorical.from_codes(codes, dtype=items["category"].dtype)


def _distinct_per_order(order_key: np.ndarray, other: np.ndarray, n: int) -> np.ndarray:
    pairs = np.unique(order_key.astype(np.uint64) << np.uint64(32) | other)
    return np.bincount((pairs >> np.uint64(32)).astype(np.int64), minlength=n)


def _payment_columns(payments: pd.DataFrame, n_orders: int) -> dict[str, object]:
    key = payments["order_key"].to_numpy()
    value = payments["payment_value"].to_numpy(dtype="float64")
    n_payments = np.bincount(key, minlength=n_orders)
    paid = n_payments > 0
    total = np.where(paid, np.bincount(key, weights=value, minlength=n_orders), np.nan)
    installments = np.full(n_orders, -np.inf)
    np.maximum.at(installments, key, payments["payment_installments"].to_numpy())
    type_code = payments["payment_type"].map(PAYMENT_TYPES.index).to_numpy()
    by_type = np.stack(
        [
            np.bincount(key, weights=value * (type_code == code), minlength=n_orders)
            for code in range(len(PAYMENT_TYPES))
        ],
        axis=1,
    )
    present = np.stack(
        [
            np.bincount(key, weights=type_code == code, minlength=n_orders) > 0
            for code in range(len(PAYMENT_TYPES))
        ],
        axis=1,
    )
    main_type = np.where(present, by_type, -1.0).argmax(axis=1)
    columns: dict[str, object] = {
        "payment_value": total,
        "n_payments": n_payments.astype(np.uint16),
        "installments": np.where(paid, installments, np.nan),
        "payment_type": pd.Categorical.from_codes(
            np.where(paid, main_type, -1), dtype=PAYMENT_DTYPE
        ),
    }
    with np.errstate(invalid="ignore", divide="ignore"):
        for name in SHARED_TYPES:
            share = by_type[:, PAYMENT_TYPES.index(name)] / total
            columns[f"share_{name}"] = np.where(total > 0, share, np.nan)
    return columns


def _review_columns(reviews: pd.DataFrame, n_orders: int) -> dict[str, object]:
    key = reviews["order_key"].to_numpy()
    n_reviews = np.bincount(key, minlength=n_orders)
    score = np.bincount(key, weights=reviews["review_score"], minlength=n_orders)
    first = np.full(n_orders, np.iinfo(np.int64).max)
    created = reviews["review_creation_date"].to_numpy("datetime64[ns]").view("i8")
    np.minimum.at(first, key, created)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_score = np.where(n_reviews > 0, score / n_reviews, np.nan)
    review_ts = np.where(n_reviews > 0, first, np.iinfo(np.int64).min)
    return {
        "n_reviews": np.minimum(n_reviews, 255).astype(np.uint8),
        "review_score": mean_score,
        "review_ts": review_ts.view("datetime64[ns]"),
    }


def build_orders(
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    items: pd.DataFrame,
    payments: pd.DataFrame,
    reviews: pd.DataFrame,
) -> pd.DataFrame:
    """One row per order (every status) with its items, payments, review, delivery."""
    orders = orders.sort_values("order_key", ignore_index=True)
    n = len(orders)
    if not np.array_equal(orders["order_key"].to_numpy(), np.arange(n)):
        raise ValueError("order keys must be the dense ranks 0..n-1 of the orders")
    item_key = items["order_key"].to_numpy().astype(np.int64)
    n_items = np.bincount(item_key, minlength=n)
    distance = items["distance_km"].to_numpy()
    known = ~np.isnan(distance)
    distance_sum = np.bincount(item_key[known], weights=distance[known], minlength=n)
    distance_n = np.bincount(item_key[known], minlength=n)
    customer_at = pd.Index(customers["customer_key"]).get_indexer(
        orders["customer_key"]
    )
    delivered = orders["is_delivered"].to_numpy(dtype=bool)
    delivered_ts = orders["order_delivered_customer_date"]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_distance = np.where(distance_n > 0, distance_sum / distance_n, np.nan)
    table = pd.DataFrame(
        {
            "order_key": orders["order_key"].to_numpy(dtype=np.uint32),
            "person_key": customers["person_key"].to_numpy()[customer_at],
            "customer_key": orders["customer_key"].to_numpy(dtype=np.uint32),
            "order_status": pd.Categorical(
                orders["order_status"].to_numpy(dtype=object), dtype=STATUS_DTYPE
            ),
            "purchase_ts": orders["order_purchase_timestamp"],
            "approved_ts": orders["order_approved_at"],
            "delivered_carrier_ts": orders["order_delivered_carrier_date"],
            "delivered_customer_ts": delivered_ts,
            "estimated_delivery_ts": orders["order_estimated_delivery_date"],
            "is_delivered": delivered,
            "n_items": n_items.astype(np.uint16),
            "n_sellers": _distinct_per_order(
                item_key, items["seller_key"].to_numpy().astype(np.uint64), n
            ).astype(np.uint16),
            "n_categories": _distinct_per_order(
                item_key,
                items["category"].cat.codes.to_numpy().astype(np.uint64),
                n,
            ).astype(np.uint16),
            "items_price": np.bincount(item_key, weights=items["price"], minlength=n),
            "freight_value": np.bincount(
                item_key, weights=items["freight_value"], minlength=n
            ),
            **_payment_columns(payments, n),
            **_review_columns(reviews, n),
            "delivery_delay_days": _days(
                delivered_ts, orders["order_estimated_delivery_date"], delivered
            ),
            "delivery_days": _days(
                delivered_ts, orders["order_purchase_timestamp"], delivered
            ),
            "customer_state": pd.Categorical(
                customers["customer_state"].to_numpy(dtype=object)[customer_at],
                dtype=STATE_DTYPE,
            ),
            "customer_lat": customers["lat"].to_numpy()[customer_at],
            "customer_lng": customers["lng"].to_numpy()[customer_at],
            "distance_km": mean_distance,
            "main_category": _main_category(items, n),
        }
    )
    return table


def build_reviews(reviews: pd.DataFrame) -> pd.DataFrame:
    """One row per review: the order it rates, its score and when it was written."""
    table = pd.DataFrame(
        {
            "order_key": reviews["order_key"].to_numpy(dtype=np.uint32),
            "review_score": reviews["review_score"].to_numpy().astype(np.uint8),
            "review_ts": reviews["review_creation_date"].astype("datetime64[ns]"),
        }
    )
    return table.sort_values(["order_key", "review_ts"], ignore_index=True)


def build_persons(customers: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """One row per person: place of the latest order, first purchase, order count."""
    purchase = lookup(
        orders["customer_key"],
        orders["order_purchase_timestamp"],
        customers["customer_key"],
    )
    rows = customers.assign(purchase_ts=purchase).sort_values(
        ["person_key", "purchase_ts", "customer_key"], kind="stable"
    )
    latest = rows.drop_duplicates("person_key", keep="last").reset_index(drop=True)
    first = rows.drop_duplicates("person_key", keep="first").reset_index(drop=True)
    n_orders = rows.groupby("person_key", sort=True).size()
    return pd.DataFrame(
        {
            "person_key": latest["person_key"].astype(np.uint32),
            "zip_prefix": latest["customer_zip_code_prefix"].astype("str"),
            "city": latest["customer_city"].astype("str"),
            "state": latest["customer_state"].astype(STATE_DTYPE),
            "lat": latest["lat"].astype("float64"),
            "lng": latest["lng"].astype("float64"),
            "geo_source": latest["geo_source"],
            "first_purchase_ts": first["purchase_ts"].astype("datetime64[ns]"),
            "n_orders": n_orders.to_numpy().astype(np.uint16),
        }
    )
