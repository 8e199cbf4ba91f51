"""Cross-table checks and the cleaning rules of the validated (typed) tables.

Orphan foreign keys cannot be explained by the known dirt of the Olist data, so
they stop the run. Everything else known (see ``rules.RULES``) is cleaned here
and counted; each function returns new frames and a dict of rule counts.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .contract import FOREIGN_KEYS, file_of
from .validation import RawDataError, Violation, examples

logger = logging.getLogger(__name__)

UNKNOWN_CATEGORY = "unknown"


def check_foreign_key(
    child: pd.Series,
    parent: pd.Series,
    *,
    child_file: str,
    parent_file: str,
) -> np.ndarray:
    """Raise when ids of ``child`` are missing from ``parent`` (orphans).

    Returns, for each parent row, whether some child row points to it. The ids
    of both are factorized together, then matched as integer codes: pandas'
    ``isin`` of one Arrow string column against another builds a Python list of
    its values (1.5 s per call at 100k rows).
    """
    codes, _ = pd.factorize(pd.concat([parent, child], ignore_index=True))
    parent_codes, child_codes = codes[: len(parent)], codes[len(parent) :]
    orphan = ~np.isin(child_codes, parent_codes)
    if orphan.any():
        raise RawDataError(
            [
                Violation(
                    child_file,
                    str(child.name),
                    f"foreign key to {parent_file} {parent.name}",
                    int(orphan.sum()),
                    examples(child[orphan]),
                )
            ]
        )
    return np.isin(parent_codes, child_codes)


def check_references(tables: dict[str, pd.DataFrame]) -> dict[str, np.ndarray]:
    """Raise on the first declared foreign key with orphans (names file and column).

    Returns, per foreign key ``"<table>.<column>"``, whether each parent row is
    pointed to by that child column.
    """
    return {
        f"{table}.{column}": check_foreign_key(
            tables[table][column],
            tables[parent][column],
            child_file=file_of(table),
            parent_file=file_of(parent),
        )
        for table, column, parent in FOREIGN_KEYS
    }


def clean_customers(
    customers: pd.DataFrame, has_order: np.ndarray
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Drop customer rows that no order points to (a customer_id is one order)."""
    dropped = int((~has_order).sum())
    if dropped:
        logger.warning("customers: dropping %d customer_id without an order", dropped)
    kept = customers.loc[has_order].reset_index(drop=True)
    return kept, {"customer_without_order": dropped}


def clean_orders(
    orders: pd.DataFrame,
    *,
    has_items: np.ndarray,
    has_payment: np.ndarray,
    has_review: np.ndarray,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Flag the orders really delivered; count the orders missing a part."""
    delivered = (orders["order_status"] == "delivered").to_numpy()
    dated = orders["order_delivered_customer_date"].notna().to_numpy()
    counts = {
        "delivered_without_delivery_date": int((delivered & ~dated).sum()),
        "not_delivered_with_delivery_date": int((~delivered & dated).sum()),
        "order_without_items": int((~has_items).sum()),
        "order_without_payment": int((~has_payment).sum()),
        "order_without_review": int((~has_review).sum()),
    }
    for rule, count in counts.items():
        if count:
            logger.info("orders: %d %s (kept)", count, rule.replace("_", " "))
    return orders.assign(is_delivered=delivered & dated), counts


def clean_payments(payments: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Read 0 instalments as 1; count the payment rows of undefined type."""
    zero = payments["payment_installments"].to_numpy() == 0
    counts = {
        "zero_installments": int(zero.sum()),
        "payment_type_not_defined": int(
            (payments["payment_type"] == "not_defined").sum()
        ),
    }
    installments = np.where(zero, 1, payments["payment_installments"].to_numpy())
    return payments.assign(payment_installments=installments), counts


def clean_reviews(reviews: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Count orders with several reviews and review ids rating several orders."""
    per_order = reviews["order_id"].value_counts()
    per_review = reviews["review_id"].value_counts()
    counts = {
        "order_with_several_reviews": int((per_order > 1).sum()),
        "review_id_on_several_orders": int((per_review > 1).sum()),
    }
    return reviews, counts


def clean_products(
    products: pd.DataFrame, translation: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Give every product a ``category``: English, else Portuguese, else 'unknown'."""
    portuguese = products["product_category_name"]
    english = portuguese.map(
        translation.set_index("product_category_name")["product_category_name_english"]
    )
    untranslated = (portuguese.notna() & english.isna()).to_numpy()
    if untranslated.any():
        logger.warning(
            "products: categories without translation kept in Portuguese: %s",
            ", ".join(sorted(portuguese[untranslated].unique())),
        )
    category = english.fillna(portuguese).fillna(UNKNOWN_CATEGORY).astype("str")
    counts = {
        "product_without_category": int(portuguese.isna().sum()),
        "category_not_translated": int(untranslated.sum()),
        "misspelled_columns_renamed": 2,
    }
    cleaned = products.rename(
        columns={
            "product_name_lenght": "product_name_length",
            "product_description_lenght": "product_description_length",
        }
    ).assign(category=category)
    return cleaned, counts
