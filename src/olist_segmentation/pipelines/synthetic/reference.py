"""Reference figures of Brazil and of the Olist catalogue used by the generator.

The tables are data, in ``reference.yml`` beside this module (shipped as package
data): states with their postcode ranges and cities, the monthly volume, the status
mix, the counts of the real files, the categories, the review texts. They are read
once, at import, into the names below.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import yaml


def load_reference() -> dict[str, Any]:
    """The tables of ``reference.yml``, by their key."""
    text = files(__package__).joinpath("reference.yml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


_TABLES = load_reference()
STATES: dict[str, dict[str, Any]] = _TABLES["states"]
OUTSIDE_BRAZIL: list[list[float]] = _TABLES["outside_brazil"]
MONTHLY_ORDERS: dict[str, int] = _TABLES["monthly_orders"]
HOURLY_WEIGHTS: list[int] = _TABLES["hourly_weights"]
WEEKDAY_WEIGHTS: list[float] = _TABLES["weekday_weights"]
ORDER_STATUS: dict[str, int] = _TABLES["order_status"]
REPEAT_ORDERS: dict[int, int] = _TABLES["repeat_orders"]
SINGLE_ORDER_PERSONS: int = _TABLES["single_order_persons"]
ITEMS_PER_ORDER: dict[int, int] = _TABLES["items_per_order"]
PAYMENT_ROWS: dict[int, int] = _TABLES["payment_rows"]
INSTALMENTS_LOW: dict[int, int] = _TABLES["instalments_low"]
INSTALMENTS_HIGH: dict[int, int] = _TABLES["instalments_high"]
LATE_SHARE_BY_MONTH: dict[str, float] = _TABLES["late_share_by_month"]
LATE_SHARE_OVERALL: float = _TABLES["late_share_overall"]
FAR_LATE_RATIO: float = _TABLES["far_late_ratio"]
CATEGORY_PRODUCTS: dict[str, int] = _TABLES["category_products"]
PRODUCTS_WITHOUT_CATEGORY: int = _TABLES["products_without_category"]
PRODUCTS_WITHOUT_SIZE: int = _TABLES["products_without_size"]
CATEGORY_TRANSLATION: list[list[str]] = _TABLES["category_translation"]
TITLES_GOOD: list[str] = _TABLES["titles_good"]
TITLES_BAD: list[str] = _TABLES["titles_bad"]
MESSAGES_GOOD: list[str] = _TABLES["messages_good"]
MESSAGES_BAD: list[str] = _TABLES["messages_bad"]
