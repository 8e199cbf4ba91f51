"""Orders with their items and timestamps, and the orders and customers files
(steps ``simulate_orders`` and ``format_orders`` of the node ``generate_orders``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from olist_segmentation.pipelines.data_engineering.geo import haversine_km

from . import reference as ref
from .delivery import assign_status, delivery_times, timestamp_flags
from .draws import DAY, STATUS_NAMES, text_int, text_money, text_time
from .items import draw_items, items_per_order
from .params import SyntheticParams

FAR_STATES = [name for name, spec in ref.STATES.items() if spec["far"]]
# Where an order without items is shipped from: Sao Paulo, the seller hub.
HUB = (-23.55, -46.63)


def _order_distance(
    items: dict[str, np.ndarray], n_items: np.ndarray, home: tuple[np.ndarray, ...]
) -> np.ndarray:
    """Mean buyer-seller distance of each order's items (from the hub without)."""
    distance = haversine_km(*home, *HUB)
    with_items = n_items > 0
    if with_items.any():
        distance[with_items] = (
            np.add.reduceat(items["distance"], items["starts"][with_items])
            / n_items[with_items]
        )
    return distance


def _raw_items(
    rng: np.random.Generator,
    items: dict[str, np.ndarray],
    orders: pd.DataFrame,
    catalogue: tuple[pd.DataFrame, pd.DataFrame],
    ready: np.ndarray,
) -> pd.DataFrame:
    """The items file, sorted by order id; shipping limit a few days after ``ready``."""
    sellers, products = catalogue
    limit = ready + rng.uniform(3, 8, len(orders)) * DAY
    raw_items = pd.DataFrame(
        {
            "order_id": orders["order_id"].to_numpy()[items["order"]],
            "order_item_id": text_int(items["seq"]),
            "product_id": products["product_id"].to_numpy()[items["product"]],
            "seller_id": sellers["seller_id"].to_numpy()[items["seller"]],
            "shipping_limit_date": text_time(limit[items["order"]]),
            "price": text_money(items["price"]),
            "freight_value": text_money(items["freight"]),
        }
    )
    by_order = np.argsort(raw_items["order_id"].to_numpy(), kind="stable")
    return raw_items.iloc[by_order].reset_index(drop=True)


def simulate_orders(
    *,
    persons: pd.DataFrame,
    orders: pd.DataFrame,
    zips: pd.DataFrame,
    sellers: pd.DataFrame,
    products: pd.DataFrame,
    params: SyntheticParams,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Status, items, delivery times of every order (internal) and the items file."""
    rng = params.rng(4)
    person = orders["person"].to_numpy()
    persona = persons["persona"].to_numpy()[person]
    purchase = orders["purchase"].to_numpy()
    status = assign_status(rng, params, purchase)
    n_items = items_per_order(rng, params, status, persona)
    home = persons["zip"].to_numpy()[person]
    lat, lng = zips["lat"].to_numpy()[home], zips["lng"].to_numpy()[home]
    items = draw_items(
        rng,
        params,
        n_items=n_items,
        persona=persona,
        catalogue=(sellers, products),
        home=(lat, lng),
    )
    distance = _order_distance(items, n_items, (lat, lng))
    far = np.isin(zips["state"].to_numpy()[home], FAR_STATES)
    approved, estimated, delivered = delivery_times(
        rng, params, persona, purchase, (distance, far)
    )
    carrier = approved + np.minimum(
        rng.uniform(0.3, 4, len(orders)) * DAY, 0.8 * (delivered - approved)
    )
    has_approved, has_carrier, has_delivered = timestamp_flags(rng, params, status)
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
            "value": np.bincount(
                items["order"],
                weights=items["price"] + items["freight"],
                minlength=len(orders),
            ),
            "distance": distance,
        }
    )
    ready = np.where(has_approved, approved, purchase)
    return internal, _raw_items(rng, items, orders, (sellers, products), ready)


def format_orders(
    internal: pd.DataFrame,
    persons: pd.DataFrame,
    zips: pd.DataFrame,
    params: SyntheticParams,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The orders and customers files (one customer_id per order), shuffled."""
    rng = params.rng(5)
    shuffled = internal.iloc[rng.permutation(len(internal))].reset_index(drop=True)
    raw_orders = pd.DataFrame(
        {
            "order_id": shuffled["order_id"],
            "customer_id": shuffled["customer_id"],
            "order_status": np.array(STATUS_NAMES)[shuffled["status"].to_numpy()],
            "order_purchase_timestamp": text_time(shuffled["purchase"].to_numpy()),
            "order_approved_at": text_time(shuffled["approved"].to_numpy()),
            "order_delivered_carrier_date": text_time(shuffled["carrier"].to_numpy()),
            "order_delivered_customer_date": text_time(
                shuffled["delivered"].to_numpy()
            ),
            "order_estimated_delivery_date": text_time(
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
