"""Declared schemas of the nine raw Olist tables (Kaggle release format).

Each column has a kind that says how its text is parsed:

- ``id``: a 32-character lowercase hex id, kept as text;
- ``zip``: a 5-digit zip code prefix, kept as text (leading zeros matter);
- ``text``: free text, kept as is;
- ``code``: text restricted to ``allowed`` values;
- ``int`` / ``float``: numbers (a nullable ``int`` becomes float64);
- ``timestamp``: ``YYYY-MM-DD HH:MM:SS``, parsed to ``datetime64[ns]``.

``low``/``high`` are inclusive bounds that no correct file can break. Foreign keys
that cannot be explained stop the run; the ones the real data is known to break
(a product category missing from the translation) are cleaned instead (see
``clean.py`` and ``docs/data_engineering.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal["id", "zip", "text", "code", "int", "float", "timestamp"]

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
# Any Olist timestamp outside this window is a corrupted value, not a real date.
TIMESTAMP_LOW = "2000-01-01"
TIMESTAMP_HIGH = "2100-01-01"

ORDER_STATUSES = (
    "approved",
    "canceled",
    "created",
    "delivered",
    "invoiced",
    "processing",
    "shipped",
    "unavailable",
)
# In this order: ties of value between payment types go to the first one.
PAYMENT_TYPES = ("credit_card", "boleto", "voucher", "debit_card", "not_defined")
# The 27 federative units of Brazil.
STATES = (
    "AC",
    "AL",
    "AM",
    "AP",
    "BA",
    "CE",
    "DF",
    "ES",
    "GO",
    "MA",
    "MG",
    "MS",
    "MT",
    "PA",
    "PB",
    "PE",
    "PI",
    "PR",
    "RJ",
    "RN",
    "RO",
    "RR",
    "RS",
    "SC",
    "SE",
    "SP",
    "TO",
)


@dataclass(frozen=True)
class Column:
    """One declared column: how to parse it and what values are possible."""

    name: str
    kind: ColumnKind
    nullable: bool = False
    allowed: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    unique: bool = False


@dataclass(frozen=True)
class ForeignKey:
    """``column`` of this table must appear in ``parent_column`` of ``parent``."""

    column: str
    parent: str
    parent_column: str


@dataclass(frozen=True)
class TableSchema:
    """A raw table: its Kaggle file, its columns, key and foreign keys."""

    name: str
    file: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> tuple[str, ...]:
        """Declared column names, in Kaggle's order."""
        return tuple(column.name for column in self.columns)


def _id(name: str, *, unique: bool = False) -> Column:
    return Column(name, "id", unique=unique)


def _timestamp(name: str, *, nullable: bool = False) -> Column:
    return Column(name, "timestamp", nullable=nullable)


def _size(name: str) -> Column:
    return Column(name, "int", nullable=True, low=0)


SCHEMAS: dict[str, TableSchema] = {
    schema.name: schema
    for schema in (
        TableSchema(
            "customers",
            "olist_customers_dataset.csv",
            (
                _id("customer_id"),
                _id("customer_unique_id"),
                Column("customer_zip_code_prefix", "zip"),
                Column("customer_city", "text"),
                Column("customer_state", "code", allowed=STATES),
            ),
            key=("customer_id",),
        ),
        TableSchema(
            "geolocation",
            "olist_geolocation_dataset.csv",
            (
                Column("geolocation_zip_code_prefix", "zip"),
                Column("geolocation_lat", "float", low=-90, high=90),
                Column("geolocation_lng", "float", low=-180, high=180),
                Column("geolocation_city", "text"),
                Column("geolocation_state", "code", allowed=STATES),
            ),
        ),
        TableSchema(
            "order_items",
            "olist_order_items_dataset.csv",
            (
                _id("order_id"),
                Column("order_item_id", "int", low=1, high=255),
                _id("product_id"),
                _id("seller_id"),
                _timestamp("shipping_limit_date"),
                Column("price", "float", low=0),
                Column("freight_value", "float", low=0),
            ),
            key=("order_id", "order_item_id"),
            foreign_keys=(
                ForeignKey("order_id", "orders", "order_id"),
                ForeignKey("product_id", "products", "product_id"),
                ForeignKey("seller_id", "sellers", "seller_id"),
            ),
        ),
        TableSchema(
            "order_payments",
            "olist_order_payments_dataset.csv",
            (
                _id("order_id"),
                Column("payment_sequential", "int", low=1, high=65535),
                Column("payment_type", "code", allowed=PAYMENT_TYPES),
                Column("payment_installments", "int", low=0, high=255),
                Column("payment_value", "float", low=0),
            ),
            key=("order_id", "payment_sequential"),
            foreign_keys=(ForeignKey("order_id", "orders", "order_id"),),
        ),
        TableSchema(
            "order_reviews",
            "olist_order_reviews_dataset.csv",
            (
                _id("review_id"),
                _id("order_id"),
                Column("review_score", "int", low=1, high=5),
                Column("review_comment_title", "text", nullable=True),
                Column("review_comment_message", "text", nullable=True),
                _timestamp("review_creation_date"),
                _timestamp("review_answer_timestamp"),
            ),
            key=("review_id", "order_id"),
            foreign_keys=(ForeignKey("order_id", "orders", "order_id"),),
        ),
        TableSchema(
            "orders",
            "olist_orders_dataset.csv",
            (
                _id("order_id"),
                _id("customer_id", unique=True),
                Column("order_status", "code", allowed=ORDER_STATUSES),
                _timestamp("order_purchase_timestamp"),
                _timestamp("order_approved_at", nullable=True),
                _timestamp("order_delivered_carrier_date", nullable=True),
                _timestamp("order_delivered_customer_date", nullable=True),
                _timestamp("order_estimated_delivery_date"),
            ),
            key=("order_id",),
            foreign_keys=(ForeignKey("customer_id", "customers", "customer_id"),),
        ),
        TableSchema(
            "products",
            "olist_products_dataset.csv",
            (
                _id("product_id"),
                Column("product_category_name", "text", nullable=True),
                # Misspelled in the Kaggle release; read under their real names.
                _size("product_name_lenght"),
                _size("product_description_lenght"),
                _size("product_photos_qty"),
                _size("product_weight_g"),
                _size("product_length_cm"),
                _size("product_height_cm"),
                _size("product_width_cm"),
            ),
            key=("product_id",),
        ),
        TableSchema(
            "sellers",
            "olist_sellers_dataset.csv",
            (
                _id("seller_id"),
                Column("seller_zip_code_prefix", "zip"),
                Column("seller_city", "text"),
                Column("seller_state", "code", allowed=STATES),
            ),
            key=("seller_id",),
        ),
        TableSchema(
            "category_translation",
            "product_category_name_translation.csv",
            (
                Column("product_category_name", "text"),
                Column("product_category_name_english", "text"),
            ),
            key=("product_category_name",),
        ),
    )
}
