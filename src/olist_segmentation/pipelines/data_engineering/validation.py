"""Vectorised parsing and validation of the raw text tables against their schema.

Everything that would make a result wrong raises one ``RawDataError`` that names
the Kaggle file, the column, the rule, how many rows break it and a few example
values. Within a table every broken rule is listed in the same exception, so
that a user can fix a file in one pass.

What a file re-saved by pandas, a spreadsheet or a database export changes
without losing information is repaired and counted (``REPAIRS`` in ``rules``):
zip prefixes of 1 to 4 digits are left-padded to 5, columns are read by name
whatever their order, undeclared columns are ignored.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .hexid import hex_words, rank_ids
from .schema import (
    TIMESTAMP_FORMAT,
    TIMESTAMP_HIGH,
    TIMESTAMP_LOW,
    Column,
    TableSchema,
)

logger = logging.getLogger(__name__)

MAX_EXAMPLES = 5
ID_PATTERN = r"[0-9a-f]{32}"
ZIP_PATTERN = r"[0-9]{5}"
SHORT_ZIP_PATTERN = r"[0-9]{1,4}"


@dataclass(frozen=True)
class Violation:
    """One broken rule: where, which rule, how many rows, a few example values."""

    file: str
    column: str
    rule: str
    count: int
    examples: tuple[str, ...] = ()

    def __str__(self) -> str:
        rows = "row" if self.count == 1 else "rows"
        text = f"{self.file}: column '{self.column}' breaks rule '{self.rule}' in {self.count} {rows}"
        if self.examples:
            text += " (e.g. " + ", ".join(self.examples) + ")"
        return text


class RawDataError(ValueError):
    """Raw data that cannot give a correct result; lists every broken rule."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = tuple(violations)
        lines = [str(violation) for violation in violations]
        if len(lines) > 1:
            message = f"{len(lines)} rules broken:\n  " + "\n  ".join(lines)
        else:
            message = lines[0]
        super().__init__(message)


def examples(values: pd.Series, limit: int = MAX_EXAMPLES) -> tuple[str, ...]:
    """A few distinct offending values, quoted, for an error message."""
    distinct = pd.unique(values.to_numpy(dtype=object))[:limit]
    return tuple(
        "<empty>" if pd.isna(value) else repr(str(value)) for value in distinct
    )


def _check_columns(raw: pd.DataFrame, schema: TableSchema) -> dict[str, int]:
    """Raise on a missing column; count the undeclared and the misplaced ones."""
    found = [str(column) for column in raw.columns]
    missing = [name for name in schema.column_names if name not in found]
    unexpected = [name for name in found if name not in schema.column_names]
    if missing:
        violations = []
        for name in missing:
            rule = "required column"
            close = difflib.get_close_matches(name, unexpected, n=1, cutoff=0.6)
            if close:
                rule += f" (renamed to '{close[0]}'?)"
            violations.append(
                Violation(schema.file, name, rule, len(raw), (f"found {found}",))
            )
        raise RawDataError(violations)
    if unexpected:
        logger.warning(
            "%s: ignoring undeclared columns %s", schema.file, ", ".join(unexpected)
        )
    if raw.empty:
        raise RawDataError(
            [Violation(schema.file, "(all)", "at least one data row", 0)]
        )
    declared = [name for name in found if name in schema.column_names]
    misplaced = sum(a != b for a, b in zip(declared, schema.column_names, strict=True))
    if misplaced:
        logger.info(
            "%s: columns in another order than Kaggle's, read by name", schema.file
        )
    return {
        "undeclared_columns_ignored": len(unexpected),
        "columns_in_another_order": misplaced,
    }


def pad_zip_prefixes(text: pd.Series) -> tuple[pd.Series, int]:
    """Left-pad prefixes of 1 to 4 digits with zeros to 5 (lost leading zeros)."""
    short = text.str.fullmatch(SHORT_ZIP_PATTERN).fillna(False).to_numpy(dtype=bool)
    count = int(short.sum())
    if not count:
        return text, 0
    return text.mask(short, text.str.zfill(5)), count


def _parse_number(text: pd.Series) -> np.ndarray:
    """Text to float64, NaN where missing or unparseable (fast path through Arrow)."""
    try:
        parsed = text.astype("float64[pyarrow]")
    except (ValueError, TypeError, ArithmeticError):
        parsed = pd.to_numeric(text, errors="coerce")
    return parsed.to_numpy(dtype="float64", na_value=np.nan)


def parse_column(
    text: pd.Series, column: Column, file: str
) -> tuple[pd.Series, list[Violation]]:
    """Parse one text column to its declared type; return it and the broken rules."""
    present = text.notna().to_numpy()
    violations: list[Violation] = []

    def broken(rule: str, mask: np.ndarray) -> None:
        count = int(mask.sum())
        if count:
            violations.append(
                Violation(file, column.name, rule, count, examples(text[mask]))
            )

    if not column.nullable:
        broken("not null", ~present)
    values: pd.Series
    if column.kind in ("id", "zip"):
        pattern = ID_PATTERN if column.kind == "id" else ZIP_PATTERN
        matches = text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
        rule = "32-hex lowercase id" if column.kind == "id" else "5-digit zip prefix"
        broken(rule, present & ~matches)
        values = text.astype("str")
    elif column.kind in ("text", "code"):
        if column.allowed:
            allowed = text.isin(column.allowed).to_numpy(dtype=bool)
            broken(f"one of {list(column.allowed)}", present & ~allowed)
        values = text.astype("str")
    elif column.kind in ("int", "float"):
        numbers = _parse_number(text)
        finite = np.isfinite(numbers)
        if column.kind == "int":
            finite &= numbers == np.floor(numbers)
        broken("integer" if column.kind == "int" else "number", present & ~finite)
        if column.low is not None:
            broken(f"{column.name} >= {column.low:g}", finite & (numbers < column.low))
        if column.high is not None:
            broken(
                f"{column.name} <= {column.high:g}", finite & (numbers > column.high)
            )
        if column.kind == "int" and not column.nullable and not violations:
            values = pd.Series(numbers.astype("int64"), index=text.index)
        else:
            values = pd.Series(numbers, index=text.index)
    else:
        stamps = pd.to_datetime(text, format=TIMESTAMP_FORMAT, errors="coerce")
        parsed = stamps.notna().to_numpy()
        broken("timestamp YYYY-MM-DD HH:MM:SS", present & ~parsed)
        window = (stamps >= TIMESTAMP_LOW) & (stamps < TIMESTAMP_HIGH)
        broken(
            f"between {TIMESTAMP_LOW} and {TIMESTAMP_HIGH}",
            parsed & ~window.to_numpy(dtype=bool),
        )
        values = stamps.astype("datetime64[ns]")
    if column.unique:
        duplicated = text.duplicated(keep=False).to_numpy() & present
        broken("unique", duplicated)
    return values.rename(column.name), violations


def parse_table(
    raw: pd.DataFrame, schema: TableSchema
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Parse every declared column of a raw text table; raise on any broken rule.

    Returns the typed table and the count of each repair made on the way.
    """
    repairs = _check_columns(raw, schema)
    parsed: dict[str, pd.Series] = {}
    violations: list[Violation] = []
    padded = 0
    for column in schema.columns:
        text = raw[column.name]
        if column.kind == "zip":
            text, count = pad_zip_prefixes(text)
            padded += count
        values, broken = parse_column(text, column, schema.file)
        parsed[column.name] = values
        violations.extend(broken)
    table = pd.DataFrame(parsed, index=pd.RangeIndex(len(raw)))
    broken_columns = {violation.column for violation in violations}
    if schema.key and not broken_columns & set(schema.key):
        duplicated = table.duplicated(list(schema.key), keep=False).to_numpy()
        if duplicated.any():
            keys = table.loc[duplicated, list(schema.key)].astype(str)
            joined = keys.iloc[:, 0].str.cat(keys.iloc[:, 1:], sep="/")
            violations.append(
                Violation(
                    schema.file,
                    ", ".join(schema.key),
                    "unique key",
                    int(duplicated.sum()),
                    examples(joined),
                )
            )
    if violations:
        raise RawDataError(violations)
    if padded:
        logger.warning(
            "%s: %d zip prefixes of 1 to 4 digits left-padded to 5 (leading zeros "
            "lost by a spreadsheet or pandas)",
            schema.file,
            padded,
        )
    logger.info("%s: %d rows valid", schema.file, len(table))
    return table, {**repairs, "zip_prefix_left_padded": padded}


def check_foreign_key(
    child: pd.Series,
    parent: pd.Series,
    *,
    child_file: str,
    parent_file: str,
) -> np.ndarray:
    """Raise when ids of ``child`` are missing from ``parent`` (orphans).

    Returns, for each parent row, whether some child row points to it. Parent
    and child ids are ranked together by one sort of their 64-bit words
    (``hexid``): pandas' ``isin`` of an Arrow string column against another
    column builds Python lists (1.5 s per call at 100k rows).
    """
    (parent_rank, child_rank), distinct = rank_ids(
        [hex_words(parent), hex_words(child)]
    )
    in_parent = np.zeros(len(distinct), dtype=bool)
    in_parent[parent_rank] = True
    orphan = ~in_parent[child_rank]
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
    referenced = np.zeros(len(distinct), dtype=bool)
    referenced[child_rank] = True
    return referenced[parent_rank]
