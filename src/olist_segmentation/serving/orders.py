"""Order histories as a client system holds them, turned into model features by the
pipelines' own code.

A request's orders become the tables the data-engineering pipeline builds from the
raw files (one order per row, its items, payments and reviews, keyed by dense ranks),
then go through ``build_orders`` and ``build_reviews`` (the primary tables of
``data_engineering``) and ``build_customer_features`` (``feature_engineering``): a customer scored here gets
exactly the features ``kedro run`` would compute from the same orders. What a
request cannot carry (geolocation, sellers) stays unknown, as for a customer whose
zip prefix has no geolocation; the model imputes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from olist_segmentation.domain import PAYMENT_TYPES
from olist_segmentation.pipelines.data_engineering.primary import (
    build_orders,
    build_reviews,
)
from olist_segmentation.pipelines.feature_engineering.nodes import (
    build_customer_features,
)
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)

Money = Annotated[float, Field(ge=0, allow_inf_nan=False)]
PaymentType = Literal[PAYMENT_TYPES]
#: Most customers one order-history request may carry.
MAX_CUSTOMERS = 1_000


class Item(BaseModel):
    """One item of an order (``olist_order_items_dataset``)."""

    model_config = ConfigDict(extra="forbid")
    price: Money
    freight_value: Money
    category: str | None = Field(None, description="product category name")


class Payment(BaseModel):
    """One payment of an order (``olist_order_payments_dataset``)."""

    model_config = ConfigDict(extra="forbid")
    payment_type: PaymentType
    installments: int = Field(1, ge=0, le=255)
    value: Money


class Review(BaseModel):
    """One review of an order (``olist_order_reviews_dataset``)."""

    model_config = ConfigDict(extra="forbid")
    score: int = Field(ge=1, le=5)
    timestamp: datetime | None = Field(
        None,
        description="when it was written; default: the delivery, else the purchase",
    )


class Order(BaseModel):
    """One order with what happened to it; timestamps in ISO 8601."""

    model_config = ConfigDict(extra="forbid")
    order_id: str = Field(min_length=1)
    purchase_timestamp: datetime
    delivered_timestamp: datetime | None = Field(
        None, description="delivery to the customer; null while not delivered"
    )
    estimated_delivery_date: datetime
    items: list[Item] = Field(min_length=1)
    payments: list[Payment] = Field(default_factory=list)
    reviews: list[Review] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Order:
        if self.delivered_timestamp and self.delivered_timestamp < (
            self.purchase_timestamp
        ):
            raise ValueError("delivered_timestamp is before purchase_timestamp")
        return self


class CustomerHistory(BaseModel):
    """A customer of the client system and their orders."""

    model_config = ConfigDict(extra="forbid")
    customer_id: str = Field(min_length=1, description="the caller's id, echoed back")
    orders: list[Order] = Field(min_length=1)


def _naive(value: datetime | None) -> pd.Timestamp:
    """UTC-naive, as the raw Olist timestamps are; ``NaT`` for ``None``."""
    if value is None:
        return pd.NaT
    stamp = pd.Timestamp(value)
    return stamp.tz_convert(None) if stamp.tzinfo else stamp


def _tables(customers: list[CustomerHistory]) -> dict[str, pd.DataFrame]:
    orders, items, payments, reviews = [], [], [], []
    for person, customer in enumerate(customers):
        for order in customer.orders:
            key = len(orders)
            delivered = order.delivered_timestamp is not None
            orders.append(
                {
                    "order_key": key,
                    "customer_key": key,
                    "person_key": person,
                    "order_status": "delivered" if delivered else "shipped",
                    "is_delivered": delivered,
                    "order_purchase_timestamp": _naive(order.purchase_timestamp),
                    "order_approved_at": pd.NaT,
                    "order_delivered_carrier_date": pd.NaT,
                    "order_delivered_customer_date": _naive(order.delivered_timestamp),
                    "order_estimated_delivery_date": _naive(
                        order.estimated_delivery_date
                    ),
                }
            )
            items += [
                {"order_key": key, **item.model_dump(), "seller_key": 0}
                for item in order.items
            ]
            payments += [
                {
                    "order_key": key,
                    "payment_type": payment.payment_type,
                    "payment_installments": payment.installments,
                    "payment_value": payment.value,
                }
                for payment in order.payments
            ]
            reviews += [
                {
                    "order_key": key,
                    "review_score": review.score,
                    "review_creation_date": _naive(
                        review.timestamp
                        or order.delivered_timestamp
                        or order.purchase_timestamp
                    ),
                }
                for review in order.reviews
            ]
    return {
        "orders": pd.DataFrame(orders),
        "items": pd.DataFrame(items),
        "payments": pd.DataFrame(
            payments,
            columns=[
                "order_key",
                "payment_type",
                "payment_installments",
                "payment_value",
            ],
        ),
        "reviews": pd.DataFrame(
            reviews, columns=["order_key", "review_score", "review_creation_date"]
        ),
    }


def primary_from_orders(
    customers: list[CustomerHistory],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``primary_orders``, ``primary_order_items`` (``order_key``, ``category``) and
    ``primary_reviews`` of the customers (``person_key`` = position in the request),
    built by the data-engineering pipeline's own code."""
    tables = _tables(customers)
    orders = tables["orders"]
    items = tables["items"].assign(
        category=lambda frame: pd.Categorical(frame["category"].fillna("unknown")),
        distance_km=np.nan,
    )
    people = orders[["customer_key", "person_key"]].assign(
        customer_state=pd.Categorical([None] * len(orders)), lat=np.nan, lng=np.nan
    )
    reviews = tables["reviews"].astype({"review_creation_date": "datetime64[ns]"})
    primary = build_orders(
        orders.drop(columns="person_key"),
        people,
        items,
        tables["payments"].astype({"payment_installments": "int64"}),
        reviews,
    )
    return primary, items[["order_key", "category"]], build_reviews(reviews)


def features_from_orders(
    customers: list[CustomerHistory],
    as_of: pd.Timestamp,
    feature_params: FeatureEngineeringParams,
) -> pd.DataFrame:
    """One feature row per customer (in request order, ``person_key`` = position),
    as of ``as_of``; customers without an order delivered by then get no row."""
    primary, items, reviews = primary_from_orders(customers)
    return build_customer_features(
        primary,
        items,
        reviews,
        as_of,
        bad_review_max=feature_params.bad_review_max,
    )
