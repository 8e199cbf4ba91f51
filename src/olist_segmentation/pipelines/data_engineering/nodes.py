"""Nodes of the data_engineering pipeline: parse -> clean -> rekey -> geolocate -> primary.

The raw tables reach the nodes typed and validated: the catalog runs their pandera
model on load (``contract``, through ``validation.RawTableValidator``). Each node is
a thin, pure function over the helpers of this package (``repairs``, ``clean``,
``rekey``, ``geo``, ``rules``); the primary tables are built by ``primary``'s
functions, which are nodes themselves. The partial data-quality reports are merged
by ``build_data_quality_report``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pandas as pd

from . import clean, geo, primary
from .contract import file_of
from .params import DataEngineeringParams
from .rekey import rekey
from .repairs import read_declared
from .rules import (
    merge_parts,
    merge_reports,
    repair_counts,
    rule_counts,
    table_counts,
)

logger = logging.getLogger(__name__)

CLEANED_TABLES = (
    "customers",
    "orders",
    "order_items",
    "order_payments",
    "order_reviews",
    "products",
    "sellers",
)


def make_parser(
    table: str,
) -> Callable[[pd.DataFrame], tuple[pd.DataFrame, dict[str, Any]]]:
    """A node function reading the validated (typed) raw ``table`` by its contract.

    It returns the declared columns, repaired, and the report entry of the repairs.
    """
    file = file_of(table)

    def parse(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
        typed, repairs = read_declared(raw, table)
        return typed, repair_counts(table, repairs)

    parse.__name__ = parse.__qualname__ = f"parse_{table}"
    parse.__doc__ = f"Read the declared columns of {file}; count the repairs."
    return parse


def clean_tables(
    *,
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    order_payments: pd.DataFrame,
    order_reviews: pd.DataFrame,
    products: pd.DataFrame,
    sellers: pd.DataFrame,
    category_translation: pd.DataFrame,
) -> dict[str, Any]:
    """Check the foreign keys (orphans stop the run), then apply the cleaning rules."""
    typed = {
        "customers": customers,
        "orders": orders,
        "order_items": order_items,
        "order_payments": order_payments,
        "order_reviews": order_reviews,
        "products": products,
        "sellers": sellers,
        "category_translation": category_translation,
    }
    referenced = clean.check_references(typed)
    cleaned = dict(typed)
    counts: dict[str, int] = {}
    for name, (table, rules) in {
        "customers": clean.clean_customers(customers, referenced["orders.customer_id"]),
        "orders": clean.clean_orders(
            orders,
            has_items=referenced["order_items.order_id"],
            has_payment=referenced["order_payments.order_id"],
            has_review=referenced["order_reviews.order_id"],
        ),
        "order_payments": clean.clean_payments(order_payments),
        "order_reviews": clean.clean_reviews(order_reviews),
        "products": clean.clean_products(products, category_translation),
    }.items():
        cleaned[name] = table
        counts.update(rules)
    report = merge_parts(
        *(table_counts(name, len(typed[name]), len(cleaned[name])) for name in typed),
        rule_counts(counts),
    )
    return {**{name: cleaned[name] for name in CLEANED_TABLES}, "report": report}


def rekey_tables(
    *,
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    order_payments: pd.DataFrame,
    order_reviews: pd.DataFrame,
    products: pd.DataFrame,
    sellers: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """Replace the six hex ids by uint32 keys in sorted hex order; keep ``id_map``."""
    keyed, id_map = rekey(
        {
            "customers": customers,
            "orders": orders,
            "order_items": order_items,
            "order_payments": order_payments,
            "order_reviews": order_reviews,
            "products": products,
            "sellers": sellers,
        }
    )
    logger.info(
        "rekeyed %s",
        ", ".join(
            f"{kind}: {count}"
            for kind, count in id_map["id_kind"].value_counts(sort=False).items()
        ),
    )
    return {**keyed, "id_map": id_map}


def locate_zip_prefixes(
    geolocation: pd.DataFrame, params: DataEngineeringParams
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One point per zip prefix inside Brazil's bounding box; counts of what moved."""
    zips, counts = geo.zip_locations(geolocation, params.brazil_bounding_box)
    kept = len(geolocation) - counts["outside_brazil_bounding_box"]
    logger.info(
        "geolocation: %d rows outside Brazil dropped, %d prefixes located, "
        "%d prefixes in several states",
        counts["outside_brazil_bounding_box"],
        len(zips),
        counts["zip_prefix_in_several_states"],
    )
    report = merge_parts(
        table_counts("geolocation", len(geolocation), kept), rule_counts(counts)
    )
    return zips, report


def geolocate_parties(
    customers: pd.DataFrame, sellers: pd.DataFrame, zip_locations: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Coordinates of customers and sellers by zip prefix, else their state's point."""
    states = geo.state_locations(zip_locations)
    located = {}
    counts = {}
    for name, table, prefix, state in (
        ("customer", customers, "customer_zip_code_prefix", "customer_state"),
        ("seller", sellers, "seller_zip_code_prefix", "seller_state"),
    ):
        points = geo.locate(table[prefix], table[state], zip_locations, states)
        located[name] = pd.concat([table, points], axis=1)
        source = points["geo_source"]
        counts[f"{name}_zip_prefix_without_geolocation"] = int((source != "zip").sum())
        counts[f"{name}_without_coordinates"] = int((source == "none").sum())
        logger.info(
            "%ss: %d located by zip prefix, %d by state, %d without coordinates",
            name,
            int((source == "zip").sum()),
            int((source == "state").sum()),
            int((source == "none").sum()),
        )
    return located["customer"], located["seller"], rule_counts(counts)


def build_primary_order_items(
    items: pd.DataFrame,
    products: pd.DataFrame,
    sellers: pd.DataFrame,
    customers: pd.DataFrame,
    orders: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``primary_order_items``, and the same rows in memory for ``build_orders``.

    The primary table is only written here, never read back by this pipeline, so
    that a later engine may read it its own way (Spark, with ``--env spark``).
    """
    table = primary.build_order_items(items, products, sellers, customers, orders)
    return table, table


def build_data_quality_report(
    data_source: dict[str, str],
    clean_report: dict[str, Any],
    geolocation_report: dict[str, Any],
    parties_report: dict[str, Any],
    *repair_reports: dict[str, Any],
) -> dict[str, Any]:
    """Where the data comes from; rows read and kept per Kaggle file, each rule or
    repair with its count and action."""
    if data_source["kind"] == "synthetic":
        logger.warning("raw data is synthetic: %s", data_source["reason"])
    return {
        "data_source": dict(data_source),
        "tables": merge_reports(
            *repair_reports, clean_report, geolocation_report, parties_report
        ),
    }
