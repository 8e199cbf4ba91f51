"""Tiny primary tables to the contract of docs/architecture.md, for tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

SNAPSHOT = pd.Timestamp("2018-01-01")


def make_order(order_key: int, person_key: int, purchase: str, **overrides) -> dict:
    purchase_ts = pd.Timestamp(purchase)
    row = {
        "order_key": order_key,
        "person_key": person_key,
        "customer_key": order_key,
        "order_status": "delivered",
        "purchase_ts": purchase_ts,
        "approved_ts": purchase_ts,
        "delivered_carrier_ts": purchase_ts + pd.Timedelta(days=2),
        "delivered_customer_ts": purchase_ts + pd.Timedelta(days=10),
        "estimated_delivery_ts": purchase_ts + pd.Timedelta(days=20),
        "is_delivered": True,
        "n_items": 1,
        "n_sellers": 1,
        "n_categories": 1,
        "items_price": 100.0,
        "freight_value": 20.0,
        "payment_value": 120.0,
        "n_payments": 1,
        "installments": 1.0,
        "payment_type": "credit_card",
        "share_credit_card": 1.0,
        "share_boleto": 0.0,
        "share_voucher": 0.0,
        "share_debit_card": 0.0,
        "n_reviews": 1,
        "review_score": 5.0,
        "review_ts": purchase_ts + pd.Timedelta(days=11),
        "delivery_delay_days": -10.0,
        "delivery_days": 10.0,
        "customer_state": "SP",
        "customer_lat": -23.5,
        "customer_lng": -46.6,
        "distance_km": 300.0,
        "main_category": "toys",
    }
    row.update(overrides)
    return row


def make_frames(
    rows: list[dict],
    items: list[tuple[int, str]],
    later_reviews: tuple[tuple[int, float, str], ...] = (),
):
    """``primary_orders``, ``primary_order_items`` and ``primary_reviews``.

    Each order with a ``review_ts`` has one review (its score, its date);
    ``later_reviews`` adds further ``(order_key, score, date)`` reviews.
    """
    orders = pd.DataFrame(rows)
    for column in ("order_key", "person_key", "customer_key"):
        orders[column] = orders[column].astype("uint32")
    for column in ("order_status", "payment_type", "customer_state", "main_category"):
        orders[column] = orders[column].astype("category")
    order_items = pd.DataFrame(items, columns=["order_key", "category"])
    order_items["order_key"] = order_items["order_key"].astype("uint32")
    order_items["category"] = order_items["category"].astype("category")
    reviewed = orders[orders["review_ts"].notna()]
    reviews = pd.concat(
        [
            reviewed[["order_key", "review_score", "review_ts"]],
            pd.DataFrame(
                later_reviews, columns=["order_key", "review_score", "review_ts"]
            ),
        ],
        ignore_index=True,
    ).astype(
        {"order_key": "uint32", "review_score": "uint8", "review_ts": "datetime64[ns]"}
    )
    return orders, order_items, reviews


def history_rows():
    """Three persons before the snapshot; person 3 never has a delivered order."""
    rows = [
        make_order(1, 1, "2017-06-01"),
        make_order(
            2,
            1,
            "2017-10-01",
            items_price=300.0,
            freight_value=30.0,
            payment_value=330.0,
            installments=5.0,
            share_credit_card=0.5,
            share_voucher=0.5,
            review_score=1.0,
            delivery_delay_days=4.0,
            delivery_days=30.0,
            distance_km=1000.0,
        ),
        make_order(
            3,
            2,
            "2017-12-01",
            payment_type="boleto",
            share_credit_card=0.0,
            share_boleto=1.0,
            review_score=np.nan,
            review_ts=pd.NaT,
            n_reviews=0,
        ),
        make_order(
            4,
            3,
            "2017-12-20",
            order_status="canceled",
            is_delivered=False,
            delivered_customer_ts=pd.NaT,
            delivery_delay_days=np.nan,
            delivery_days=np.nan,
        ),
    ]
    items = [(1, "toys"), (2, "toys"), (2, "garden"), (3, "bed_bath"), (4, "toys")]
    return rows, items
