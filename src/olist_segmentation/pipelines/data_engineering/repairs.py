"""What re-saving a raw file changes without losing information, repaired and counted.

A file opened and saved again by pandas, a spreadsheet or a database export may
hold zip prefixes of 1 to 4 digits (their leading zeros lost: left-padded to 5),
columns in another order (read by name) or undeclared columns (not read). The
``parse_<table>`` nodes apply ``read_declared`` to the typed table the catalog's
validator returns; ``rules.REPAIRS`` holds the action of each repair.
"""

from __future__ import annotations

import logging

import pandas as pd

from .contract import TABLES, ZIP_PATTERN

logger = logging.getLogger(__name__)


def pad_zip_prefixes(text: pd.Series) -> tuple[pd.Series, int]:
    """Left-pad prefixes of 1 to 4 digits with zeros to 5 (lost leading zeros).

    The contract let through prefixes of 1 to 5 digits only.
    """
    short = (text.str.len() < 5).fillna(False).to_numpy(dtype=bool)
    count = int(short.sum())
    if not count:
        return text, 0
    return text.mask(short, text.str.zfill(5)), count


def read_declared(
    typed: pd.DataFrame, table: str
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The declared columns of a validated raw table, in Kaggle's order, repaired;
    the count of each repair."""
    schema = TABLES[table].to_schema()
    found = [str(name) for name in typed.columns]
    unexpected = [name for name in found if name not in schema.columns]
    if unexpected:
        logger.warning(
            "%s: ignoring undeclared columns %s", schema.name, ", ".join(unexpected)
        )
    read = [name for name in found if name in schema.columns]
    misplaced = sum(a != b for a, b in zip(read, schema.columns, strict=True))
    if misplaced:
        logger.info(
            "%s: columns in another order than Kaggle's, read by name", schema.name
        )
    columns = {name: typed[name] for name in schema.columns}
    padded = 0
    for name, column in schema.columns.items():
        if any(
            check.statistics.get("pattern") == ZIP_PATTERN for check in column.checks
        ):
            columns[name], count = pad_zip_prefixes(columns[name])
            padded += count
    if padded:
        logger.warning(
            "%s: %d zip prefixes of 1 to 4 digits left-padded to 5 (leading zeros "
            "lost by a spreadsheet or pandas)",
            schema.name,
            padded,
        )
    repairs = {
        "undeclared_columns_ignored": len(unexpected),
        "columns_in_another_order": misplaced,
        "zip_prefix_left_padded": padded,
    }
    return pd.DataFrame(columns).reset_index(drop=True), repairs
