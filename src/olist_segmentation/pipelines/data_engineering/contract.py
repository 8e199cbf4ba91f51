"""The raw-data contract: one typed pandera model per Kaggle file of the Olist data.

Each model types its table from the CSV's text (``coerce=True``) and checks it with
pandera's built-in checks; ``Config.name`` is the Kaggle file, ``Config.unique`` the
key. The catalog runs it on load (``validator:`` in ``conf/base/catalog_raw.yml``,
through ``validation.RawTableValidator``). A zip prefix of 1 to 4 digits passes: the
``parse_<table>`` node pads it (``repairs``).
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
from pandera.engines import pandas_engine

from olist_segmentation.domain import ORDER_STATUSES, PAYMENT_TYPES, STATES

ID_PATTERN = "[0-9a-f]{32}$"
ZIP_PATTERN = "[0-9]{1,5}$"
PATTERN_RULES = {ID_PATTERN: "32-hex lowercase id", ZIP_PATTERN: "5-digit zip prefix"}
# Any Olist timestamp outside [2000, 2100) is a corrupted value, not a real date.
WINDOW = (pd.Timestamp("2000-01-01"), pd.Timestamp("2100-01-01"), True, False)


class Number(pandas_engine.FLOAT64):
    """A finite float64 from text ("99.9", "1e3"), cast by Arrow (pandas' own parse
    of text is ten times slower); ``whole``: a whole number ("2" or "2.0")."""

    rule, whole = "number", False

    def coerce(self, data: pd.Series) -> pd.Series:
        try:
            values = data.astype("float64[pyarrow]").astype("float64")
        except (pa_arrow.ArrowInvalid, TypeError):
            values = super().coerce(data)
        valid = np.isfinite(values) & (not self.whole or values == np.floor(values))
        if not (valid | data.isna()).all():
            raise ValueError(f"some values break rule '{self.rule}'")
        return values

    def coerce_value(self, value: Any) -> np.float64:
        number = np.float64(value)
        if not np.isfinite(number) or (self.whole and not number.is_integer()):
            raise ValueError(f"{value!r} breaks rule '{self.rule}'")
        return number


class OptionalCount(Number):
    """A whole number or missing, as float64 (NaN)."""

    rule, whole = "integer", True


class Count(pandas_engine.INT64):
    """A whole number, as int64."""

    rule = "integer"

    def coerce(self, data: pd.Series) -> pd.Series:
        return OptionalCount().coerce(data).astype("int64")

    def coerce_value(self, value: Any) -> np.int64:
        return np.int64(OptionalCount().coerce_value(value))


@dataclasses.dataclass(frozen=True)
class Timestamp(pandas_engine.DateTime):
    """datetime64[ns] from text written ``YYYY-MM-DD HH:MM:SS`` only."""

    rule = "timestamp YYYY-MM-DD HH:MM:SS"
    to_datetime_kwargs: dict[str, Any] = dataclasses.field(
        default_factory=lambda: {"format": "%Y-%m-%d %H:%M:%S"}, compare=False
    )


HexId = Annotated[str, pa.Field(str_matches=ID_PATTERN)]
ZipPrefix = Annotated[str, pa.Field(str_matches=ZIP_PATTERN)]
State = Annotated[str, pa.Field(isin=STATES)]
OptionalText = Annotated[str, pa.Field(nullable=True)]
Stamp = Annotated[Timestamp, pa.Field(in_range=WINDOW)]
OptionalStamp = Annotated[Timestamp, pa.Field(in_range=WINDOW, nullable=True)]
Size = Annotated[OptionalCount, pa.Field(ge=0, nullable=True)]


def kaggle(file: str, *key: str) -> type:
    """The ``Config`` of a raw table: its Kaggle file and its key, if any."""
    return type("Config", (), {"name": file, "unique": list(key) or None})


class RawTable(pa.DataFrameModel):
    """Declared columns in any order, undeclared ones ignored; every column typed."""

    class Config:
        coerce = True


class Customers(RawTable):
    customer_id: HexId
    customer_unique_id: HexId
    customer_zip_code_prefix: ZipPrefix
    customer_city: str
    customer_state: State
    Config = kaggle("olist_customers_dataset.csv", "customer_id")


class Geolocation(RawTable):
    geolocation_zip_code_prefix: ZipPrefix
    geolocation_lat: Number = pa.Field(ge=-90, le=90)
    geolocation_lng: Number = pa.Field(ge=-180, le=180)
    geolocation_city: str
    geolocation_state: State
    Config = kaggle("olist_geolocation_dataset.csv")


class OrderItems(RawTable):
    order_id: HexId
    order_item_id: Count = pa.Field(ge=1, le=255)
    product_id: HexId
    seller_id: HexId
    shipping_limit_date: Stamp
    price: Number = pa.Field(ge=0)
    freight_value: Number = pa.Field(ge=0)
    Config = kaggle("olist_order_items_dataset.csv", "order_id", "order_item_id")


class OrderPayments(RawTable):
    order_id: HexId
    payment_sequential: Count = pa.Field(ge=1, le=65535)
    payment_type: str = pa.Field(isin=PAYMENT_TYPES)
    payment_installments: Count = pa.Field(ge=0, le=255)
    payment_value: Number = pa.Field(ge=0)
    Config = kaggle(
        "olist_order_payments_dataset.csv", "order_id", "payment_sequential"
    )


class OrderReviews(RawTable):
    review_id: HexId
    order_id: HexId
    review_score: Count = pa.Field(ge=1, le=5)
    review_comment_title: OptionalText
    review_comment_message: OptionalText
    review_creation_date: Stamp
    review_answer_timestamp: Stamp
    Config = kaggle("olist_order_reviews_dataset.csv", "review_id", "order_id")


class Orders(RawTable):
    order_id: HexId
    customer_id: str = pa.Field(str_matches=ID_PATTERN, unique=True)
    order_status: str = pa.Field(isin=ORDER_STATUSES)
    order_purchase_timestamp: Stamp
    order_approved_at: OptionalStamp
    order_delivered_carrier_date: OptionalStamp
    order_delivered_customer_date: OptionalStamp
    order_estimated_delivery_date: Stamp
    Config = kaggle("olist_orders_dataset.csv", "order_id")


class Products(RawTable):
    product_id: HexId
    product_category_name: OptionalText
    # Misspelled in the Kaggle release; read under their real names.
    product_name_lenght: Size
    product_description_lenght: Size
    product_photos_qty: Size
    product_weight_g: Size
    product_length_cm: Size
    product_height_cm: Size
    product_width_cm: Size
    Config = kaggle("olist_products_dataset.csv", "product_id")


class Sellers(RawTable):
    seller_id: HexId
    seller_zip_code_prefix: ZipPrefix
    seller_city: str
    seller_state: State
    Config = kaggle("olist_sellers_dataset.csv", "seller_id")


class CategoryTranslation(RawTable):
    product_category_name: str
    product_category_name_english: str
    Config = kaggle("product_category_name_translation.csv", "product_category_name")


# table (the catalog's ``raw_<table>``) -> its model
TABLES: dict[str, type[RawTable]] = {
    "customers": Customers,
    "geolocation": Geolocation,
    "order_items": OrderItems,
    "order_payments": OrderPayments,
    "order_reviews": OrderReviews,
    "orders": Orders,
    "products": Products,
    "sellers": Sellers,
    "category_translation": CategoryTranslation,
}
# (table, column, parent table): each id of the column is one of the parent's
# column of the same name; checked in this order by the ``clean_tables`` node.
FOREIGN_KEYS = (
    ("order_items", "order_id", "orders"),
    ("order_items", "product_id", "products"),
    ("order_items", "seller_id", "sellers"),
    ("order_payments", "order_id", "orders"),
    ("order_reviews", "order_id", "orders"),
    ("orders", "customer_id", "customers"),
)


def file_of(table: str) -> str:
    """The Kaggle file of ``table``."""
    return TABLES[table].to_schema().name
