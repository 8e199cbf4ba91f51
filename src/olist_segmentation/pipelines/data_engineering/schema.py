"""The raw-data contract of the nine Olist tables, as pandera schemas.

The raw datasets read every column as text; each table's ``pandera``
``DataFrameSchema`` (``TableSchema.contract``) says what a correct text file
holds, and the catalog runs it on load (``validator:`` in
``conf/base/catalog_raw.yml``, through ``validation.RawTableValidator``). Each
column has a kind, kept in the column's pandera ``metadata``, that says how the
``parse_<table>`` node then types it:

- ``id``: a 32-character lowercase hex id, kept as text;
- ``zip``: a zip code prefix, kept as text of 5 digits (a prefix of 1 to 4 digits,
  as re-saved files have them, passes and is left-padded by the node);
- ``text``: free text; ``code``: text restricted to ``allowed`` values;
- ``int`` / ``float``: numbers (a nullable ``int`` becomes float64);
- ``timestamp``: ``YYYY-MM-DD HH:MM:SS``, parsed to ``datetime64[ns]``.

Each check is named after its rule, which the error repeats. Bounds are
inclusive and no correct file can break them. Foreign keys (checks across
tables) are declared here and checked by the ``clean_tables`` node.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

from olist_segmentation.domain import ORDER_STATUSES, PAYMENT_TYPES, STATES

ColumnKind = Literal["id", "zip", "text", "code", "int", "float", "timestamp"]

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
# Any Olist timestamp outside this window is a corrupted value, not a real date.
WINDOW = (pd.Timestamp("2000-01-01"), pd.Timestamp("2100-01-01"))
TIMESTAMP_WINDOW = f"between {WINDOW[0].date()} and {WINDOW[1].date()}"
ID_PATTERN = r"[0-9a-f]{32}"
ZIP_PATTERN = r"[0-9]{1,5}"

# Parsed values of the text columns being validated, by (column array, kind):
# the checks of a column and its parse node read the text once.
_PARSED: dict[tuple[int, str], tuple[weakref.ref, pd.Series]] = {}


def _parse(text: pd.Series, kind: str) -> pd.Series:
    if kind == "timestamp":
        return pd.to_datetime(text, format=TIMESTAMP_FORMAT, errors="coerce")
    try:
        values = text.astype("float64[pyarrow]")
    except (ValueError, TypeError, ArithmeticError):
        values = pd.to_numeric(text, errors="coerce")
    return pd.Series(
        values.to_numpy(dtype="float64", na_value=np.nan), index=text.index
    )


def parsed(text: pd.Series, kind: str) -> pd.Series:
    """Numbers (``kind`` "number", float64) or timestamps ("timestamp") of a text
    column, NaN/NaT where missing or unparseable; parsed once while the column
    lives (Arrow casts, one ``to_datetime`` with the fixed format)."""
    array = text.array
    key = (id(array), kind)
    hit = _PARSED.get(key)
    if hit is not None and hit[0]() is array and hit[1].index.equals(text.index):
        return hit[1]
    values = _parse(text, kind)
    _PARSED[key] = (
        weakref.ref(array, lambda _, key=key: _PARSED.pop(key, None)),
        values,
    )
    return values


def _check(rule: str, valid: Callable[[pd.Series], pd.Series]) -> pa.Check:
    """A check of one rule; missing values pass it (nullability is its own rule),
    and pandera hands it the whole column, as parsed once by ``parsed``."""

    def check(text: pd.Series) -> pd.Series:
        passed = valid(text).fillna(False).astype(bool)
        return passed | text.isna() if text.hasnans else passed

    return pa.Check(check, name=rule, ignore_na=False)


def _number(kind: str) -> pa.Check:
    def valid(text: pd.Series) -> pd.Series:
        values = parsed(text, "number")
        ok = np.isfinite(values)
        return ok & (values == np.floor(values)) if kind == "int" else ok

    return _check("integer" if kind == "int" else "number", valid)


def _bound(name: str, low: float | None, high: float | None) -> list[pa.Check]:
    checks = []
    if low is not None:
        checks.append(
            _check(f"{name} >= {low:g}", lambda text: ~(parsed(text, "number") < low))
        )
    if high is not None:
        checks.append(
            _check(f"{name} <= {high:g}", lambda text: ~(parsed(text, "number") > high))
        )
    return checks


def _timestamp_checks() -> list[pa.Check]:
    def in_window(text: pd.Series) -> pd.Series:
        stamps = parsed(text, "timestamp")
        return stamps.isna() | ((stamps >= WINDOW[0]) & (stamps < WINDOW[1]))

    return [
        _check(
            "timestamp YYYY-MM-DD HH:MM:SS",
            lambda text: parsed(text, "timestamp").notna(),
        ),
        _check(TIMESTAMP_WINDOW, in_window),
    ]


def column(  # noqa: PLR0913
    name: str,
    kind: ColumnKind,
    *,
    nullable: bool = False,
    allowed: tuple[str, ...] = (),
    low: float | None = None,
    high: float | None = None,
    unique: bool = False,
) -> pa.Column:
    """One declared column of raw text: its rules as pandera checks, its kind."""
    checks: list[pa.Check] = []
    if kind == "id":
        checks.append(
            _check("32-hex lowercase id", lambda text: text.str.fullmatch(ID_PATTERN))
        )
    elif kind == "zip":
        checks.append(
            _check("5-digit zip prefix", lambda text: text.str.fullmatch(ZIP_PATTERN))
        )
    elif kind in ("int", "float"):
        checks += [_number(kind), *_bound(name, low, high)]
    elif kind == "timestamp":
        checks += _timestamp_checks()
    if allowed:
        checks.append(
            _check(f"one of {list(allowed)}", lambda text: text.isin(allowed))
        )
    return pa.Column(
        None,
        checks,
        nullable=nullable,
        unique=unique,
        name=name,
        metadata={"kind": kind},
    )


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
    columns: tuple[pa.Column, ...]
    key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> tuple[str, ...]:
        """Declared column names, in Kaggle's order."""
        return tuple(col.name for col in self.columns)

    @property
    def kinds(self) -> dict[str, ColumnKind]:
        """The kind of every declared column."""
        return {col.name: col.metadata["kind"] for col in self.columns}

    @property
    def contract(self) -> pa.DataFrameSchema:
        """The pandera schema: declared columns in any order, others ignored."""
        return pa.DataFrameSchema(
            {col.name: col for col in self.columns},
            unique=list(self.key) or None,
            name=self.file,
        )


def _id(name: str, *, unique: bool = False) -> pa.Column:
    return column(name, "id", unique=unique)


def _timestamp(name: str, *, nullable: bool = False) -> pa.Column:
    return column(name, "timestamp", nullable=nullable)


def _size(name: str) -> pa.Column:
    return column(name, "int", nullable=True, low=0)


SCHEMAS: dict[str, TableSchema] = {
    schema.name: schema
    for schema in (
        TableSchema(
            "customers",
            "olist_customers_dataset.csv",
            (
                _id("customer_id"),
                _id("customer_unique_id"),
                column("customer_zip_code_prefix", "zip"),
                column("customer_city", "text"),
                column("customer_state", "code", allowed=STATES),
            ),
            key=("customer_id",),
        ),
        TableSchema(
            "geolocation",
            "olist_geolocation_dataset.csv",
            (
                column("geolocation_zip_code_prefix", "zip"),
                column("geolocation_lat", "float", low=-90, high=90),
                column("geolocation_lng", "float", low=-180, high=180),
                column("geolocation_city", "text"),
                column("geolocation_state", "code", allowed=STATES),
            ),
        ),
        TableSchema(
            "order_items",
            "olist_order_items_dataset.csv",
            (
                _id("order_id"),
                column("order_item_id", "int", low=1, high=255),
                _id("product_id"),
                _id("seller_id"),
                _timestamp("shipping_limit_date"),
                column("price", "float", low=0),
                column("freight_value", "float", low=0),
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
                column("payment_sequential", "int", low=1, high=65535),
                column("payment_type", "code", allowed=PAYMENT_TYPES),
                column("payment_installments", "int", low=0, high=255),
                column("payment_value", "float", low=0),
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
                column("review_score", "int", low=1, high=5),
                column("review_comment_title", "text", nullable=True),
                column("review_comment_message", "text", nullable=True),
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
                column("order_status", "code", allowed=ORDER_STATUSES),
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
                column("product_category_name", "text", nullable=True),
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
                column("seller_zip_code_prefix", "zip"),
                column("seller_city", "text"),
                column("seller_state", "code", allowed=STATES),
            ),
            key=("seller_id",),
        ),
        TableSchema(
            "category_translation",
            "product_category_name_translation.csv",
            (
                column("product_category_name", "text"),
                column("product_category_name_english", "text"),
            ),
            key=("product_category_name",),
        ),
    )
}
