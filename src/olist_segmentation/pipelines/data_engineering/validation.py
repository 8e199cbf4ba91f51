"""The raw-data contract run on load, and the typing of the validated text tables.

``RawTableValidator`` is the validator the catalog declares on every raw
dataset (``validator:`` in ``conf/base/catalog_raw.yml``): it runs the table's
pandera schema (``schema.py``) lazily, so that every broken rule of a table is
found in one pass, and raises one ``RawDataError`` naming the Kaggle file, the
column, the rule, how many rows break it and a few example values. Kedro's own
``PanderaValidator`` would name the dataset, not the file, and count failure
cases, not rows (a duplicated two-column key counts twice).

What a file re-saved by pandas, a spreadsheet or a database export changes
without losing information is repaired and counted by ``parse_table`` (the
``parse_<table>`` nodes; ``REPAIRS`` in ``rules``): zip prefixes of 1 to 4 digits
are left-padded to 5, columns are read by name whatever their order,
undeclared columns are ignored.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa
from kedro.validation import CheckFailure, DataValidationError

from .hexid import hex_words, rank_ids
from .schema import SCHEMAS, TableSchema, parsed

logger = logging.getLogger(__name__)

MAX_EXAMPLES = 5
# pandera's names of its built-in checks -> the rule the error names.
PANDERA_RULES = {
    "not_nullable": "not null",
    "field_uniqueness": "unique",
    "multiple_fields_uniqueness": "unique key",
}


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


class RawDataError(DataValidationError):
    """Raw data that cannot give a correct result; lists every broken rule.

    A Kedro ``DataValidationError`` (so the catalog passes it on as it is), whose
    message starts with the file instead of the dataset name.
    """

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = tuple(violations)
        lines = [str(violation) for violation in violations]
        if len(lines) > 1:
            message = f"{len(lines)} rules broken:\n  " + "\n  ".join(lines)
        else:
            message = lines[0]
        super().__init__(
            message,
            failures=[
                CheckFailure(
                    message=str(violation),
                    check=violation.rule,
                    column=violation.column,
                    failure_count=violation.count,
                    failure_examples=list(violation.examples),
                )
                for violation in violations
            ],
        )

    def __str__(self) -> str:
        return self.message


def examples(values: pd.Series, limit: int = MAX_EXAMPLES) -> tuple[str, ...]:
    """A few distinct offending values, quoted, for an error message."""
    distinct = pd.unique(values.to_numpy(dtype=object))[:limit]
    return tuple(
        "<empty>" if pd.isna(value) else repr(str(value)) for value in distinct
    )


def _missing_columns(raw: pd.DataFrame, schema: TableSchema) -> list[Violation]:
    found = [str(name) for name in raw.columns]
    unexpected = [name for name in found if name not in schema.column_names]
    violations = []
    for name in schema.column_names:
        if name in found:
            continue
        rule = "required column"
        close = difflib.get_close_matches(name, unexpected, n=1, cutoff=0.6)
        if close:
            rule += f" (renamed to '{close[0]}'?)"
        violations.append(
            Violation(schema.file, name, rule, len(raw), (f"found {found}",))
        )
    return violations


def _violations(
    raw: pd.DataFrame, schema: TableSchema, failures: pd.DataFrame
) -> list[Violation]:
    """Group pandera's failure cases by column and rule, counting rows."""
    violations = []
    order = {name: at for at, name in enumerate(schema.column_names)}
    key = ", ".join(schema.key)
    for (name, check), cases in failures.groupby(
        ["column", "check"], sort=False, dropna=False
    ):
        rule = PANDERA_RULES.get(str(check), str(check))
        rows = pd.Index(cases["index"].dropna().unique().astype("int64"))
        if rule == "unique key":
            if name != schema.key[0]:
                continue
            values = raw.loc[rows, list(schema.key)].astype(str)
            shown = values.iloc[:, 0].str.cat(values.iloc[:, 1:], sep="/")
            violations.append(
                Violation(schema.file, key, rule, len(rows), examples(shown))
            )
            continue
        violations.append(
            Violation(
                schema.file, str(name), rule, len(rows), examples(raw.loc[rows, name])
            )
        )
    return sorted(violations, key=lambda v: order.get(v.column.split(",")[0], -1))


class RawTableValidator:
    """Kedro validator of one raw table: its pandera contract, errors by file.

    Declared in the catalog as ``validator: {class: <this class>, options:
    {table: <name>}}``; returns the data unchanged when it is valid.
    """

    def __init__(self, table: str) -> None:
        self.schema = SCHEMAS[table]
        self.contract = self.schema.contract

    def validate(self, data: pd.DataFrame) -> pd.DataFrame:
        """Raise one ``RawDataError`` listing every broken rule of the table."""
        missing = _missing_columns(data, self.schema)
        if missing:
            raise RawDataError(missing)
        if data.empty:
            raise RawDataError(
                [Violation(self.schema.file, "(all)", "at least one data row", 0)]
            )
        try:
            # inplace: no copy of the frame (the contract coerces nothing), so the
            # parse node finds the columns parsed by the checks.
            self.contract.validate(data, lazy=True, inplace=True)
        except pa.errors.SchemaErrors as exc:
            raise RawDataError(
                _violations(data, self.schema, exc.failure_cases)
            ) from exc
        logger.info("%s: %d rows valid", self.schema.file, len(data))
        return data


def _column_repairs(raw: pd.DataFrame, schema: TableSchema) -> dict[str, int]:
    """Count the undeclared columns (ignored) and the misplaced ones."""
    found = [str(name) for name in raw.columns]
    unexpected = [name for name in found if name not in schema.column_names]
    if unexpected:
        logger.warning(
            "%s: ignoring undeclared columns %s", schema.file, ", ".join(unexpected)
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
    """Left-pad prefixes of 1 to 4 digits with zeros to 5 (lost leading zeros).

    The contract let through prefixes of 1 to 5 digits only.
    """
    short = (text.str.len() < 5).fillna(False).to_numpy(dtype=bool)
    count = int(short.sum())
    if not count:
        return text, 0
    return text.mask(short, text.str.zfill(5)), count


def _typed(text: pd.Series, kind: str, nullable: bool) -> pd.Series:
    if kind in ("int", "float"):
        values = parsed(text, "number")
        return values.astype("int64") if kind == "int" and not nullable else values
    if kind == "timestamp":
        return parsed(text, "timestamp").astype("datetime64[ns]")
    return text.astype("str")


def parse_table(
    raw: pd.DataFrame, schema: TableSchema
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Type every declared column of a validated raw text table.

    Returns the typed table (declared columns, Kaggle's order) and the count of
    each repair made on the way.
    """
    repairs = _column_repairs(raw, schema)
    parsed: dict[str, pd.Series] = {}
    padded = 0
    for col in schema.columns:
        text = raw[col.name]
        if col.metadata["kind"] == "zip":
            text, count = pad_zip_prefixes(text)
            padded += count
        parsed[col.name] = _typed(text, col.metadata["kind"], col.nullable)
    if padded:
        logger.warning(
            "%s: %d zip prefixes of 1 to 4 digits left-padded to 5 (leading zeros "
            "lost by a spreadsheet or pandas)",
            schema.file,
            padded,
        )
    table = pd.DataFrame(parsed).reset_index(drop=True)
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
