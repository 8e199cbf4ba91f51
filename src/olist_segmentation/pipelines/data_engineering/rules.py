"""The cleaning rules applied to known dirt of the Olist data, and their report.

Every rule has an id (the key in the data-quality report), the table it belongs
to and the action taken. ``docs/data_engineering.md`` explains each of them; the
report repeats the action next to the count so that it reads on its own.
"""

from __future__ import annotations

from typing import Any

from .contract import file_of

# rule id -> (table, action)
RULES: dict[str, tuple[str, str]] = {
    "customer_without_order": (
        "customers",
        "dropped: a customer_id is one order, none points to this one",
    ),
    "customer_zip_prefix_without_geolocation": (
        "customers",
        "coordinates = median point of the customer's state (geo_source 'state'), "
        "none if the state has no point either",
    ),
    "customer_without_coordinates": (
        "customers",
        "no prefix and no state point: lat/lng NaN (geo_source 'none')",
    ),
    "outside_brazil_bounding_box": (
        "geolocation",
        "row dropped before the per-prefix median",
    ),
    "zip_prefix_in_several_states": (
        "geolocation",
        "prefix kept once, in the state holding most of its rows (ties: first state "
        "in alphabetical order)",
    ),
    "zip_prefix_only_outside_brazil": (
        "geolocation",
        "prefix has no point left after clipping: treated as missing",
    ),
    "delivered_without_delivery_date": (
        "orders",
        "kept with status delivered; is_delivered false, delivery delay and duration "
        "NaN",
    ),
    "not_delivered_with_delivery_date": (
        "orders",
        "kept with its status and date; is_delivered false, delivery delay and "
        "duration NaN",
    ),
    "order_without_items": (
        "orders",
        "kept: n_items 0, items_price 0, main_category and distance NaN",
    ),
    "order_without_payment": (
        "orders",
        "kept: payment_value, installments, payment_type and shares NaN",
    ),
    "order_without_review": ("orders", "kept: review_score NaN, review_ts NaT"),
    "order_with_several_reviews": (
        "order_reviews",
        "primary_orders: review_score = mean of the order's reviews, review_ts = "
        "the first one; primary_reviews keeps each review with its own date (the "
        "features count a review only from that date)",
    ),
    "review_id_on_several_orders": (
        "order_reviews",
        "kept: one review_key shared by the orders it rates",
    ),
    "payment_type_not_defined": (
        "order_payments",
        "kept: counts in payment_value and n_payments, in no share_* column",
    ),
    "zero_installments": ("order_payments", "read as 1 instalment (paid at once)"),
    "product_without_category": ("products", "category 'unknown'"),
    "category_not_translated": (
        "products",
        "category = the Portuguese name (no English translation)",
    ),
    "misspelled_columns_renamed": (
        "products",
        "product_name_lenght, product_description_lenght read under their real names "
        "and renamed *_length",
    ),
    "seller_zip_prefix_without_geolocation": (
        "sellers",
        "coordinates = median point of the seller's state, none if the state has "
        "no point either",
    ),
    "seller_without_coordinates": (
        "sellers",
        "no prefix and no state point: lat/lng NaN, distance NaN",
    ),
}


# Repairs of what re-saving a file changes without losing information; they
# apply to any raw file. rule id -> action
REPAIRS: dict[str, str] = {
    "zip_prefix_left_padded": "prefix of 1 to 4 digits left-padded with zeros to 5 "
    "(pandas, spreadsheets and database exports read prefixes as numbers)",
    "columns_in_another_order": "columns read by name (count: columns not at "
    "Kaggle's position)",
    "undeclared_columns_ignored": "columns the contract does not declare are not "
    "read (count: columns; their names are in the log)",
}


def repair_counts(table: str, counts: dict[str, int]) -> dict[str, Any]:
    """The report entry of the repairs made while reading one raw table."""
    return {table: {"rules": {rule: int(count) for rule, count in counts.items()}}}


def table_counts(table: str, rows_read: int, rows_kept: int) -> dict[str, Any]:
    """The report entry of one table before its rules are added."""
    return {table: {"rows_read": int(rows_read), "rows_kept": int(rows_kept)}}


def rule_counts(counts: dict[str, int]) -> dict[str, Any]:
    """Counts of rules, grouped by the table each rule belongs to."""
    report: dict[str, Any] = {}
    for rule, count in counts.items():
        table = RULES[rule][0]
        report.setdefault(table, {}).setdefault("rules", {})[rule] = int(count)
    return report


def merge_parts(*parts: dict[str, Any]) -> dict[str, Any]:
    """Merge partial reports keyed by table name (their rules dicts are united)."""
    merged: dict[str, Any] = {}
    for part in parts:
        for table, entry in part.items():
            target = merged.setdefault(table, {})
            for name, value in entry.items():
                if name == "rules":
                    target.setdefault("rules", {}).update(value)
                else:
                    target[name] = value
    return merged


def merge_reports(*parts: dict[str, Any]) -> dict[str, Any]:
    """The report per Kaggle file: rows read and kept, each rule with its action."""
    merged = merge_parts(*parts)
    report = {
        file_of(table): {
            "rows_read": entry.get("rows_read"),
            "rows_kept": entry.get("rows_kept"),
            "rules": {
                rule: {
                    "count": count,
                    "action": RULES[rule][1] if rule in RULES else REPAIRS[rule],
                }
                for rule, count in sorted(entry.get("rules", {}).items())
            },
        }
        for table, entry in merged.items()
    }
    return dict(sorted(report.items()))
