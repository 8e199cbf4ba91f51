"""The catalog's validator of the raw tables: the contract's pandera model, run
lazily, its ``failure_cases`` told by file, column, rule and rows.

``RawTableValidator`` is declared on every raw dataset (``validator:`` in
``conf/base/catalog_raw.yml``). It returns the typed table, or raises one
``RawDataError`` listing every broken rule with the rows breaking it and a few
values as the file writes them (Kedro's ``PanderaValidator`` would name the dataset,
not the file, and count failure cases, not rows). A column whose text does not all
parse is reported for that alone: pandera checks its values once it parses.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from kedro.validation import CheckFailure, DataValidationError

from .contract import PATTERN_RULES, TABLES

logger = logging.getLogger(__name__)

# pandera's names of the checks it runs itself -> the rule the error names.
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
        return text + (f" (e.g. {', '.join(self.examples)})" if self.examples else "")


class RawDataError(DataValidationError):
    """Raw data that cannot give a correct result; lists every broken rule. A Kedro
    ``DataValidationError`` (the catalog passes it on) whose message starts with
    the file instead of the dataset name."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = tuple(violations)
        lines = [str(violation) for violation in violations]
        several = f"{len(lines)} rules broken:\n  " if len(lines) > 1 else ""
        failures = [
            CheckFailure(str(v), v.rule, v.column, v.count, list(v.examples))
            for v in violations
        ]
        super().__init__(several + "\n  ".join(lines), failures=failures)

    def __str__(self) -> str:
        return self.message


def examples(values: pd.Series, limit: int = 5) -> tuple[str, ...]:
    """A few distinct offending values, quoted, for an error message."""
    distinct = pd.unique(values.to_numpy(dtype=object))[:limit]
    return tuple("<empty>" if pd.isna(v) else repr(str(v)) for v in distinct)


def check_rule(column: str, check: pa.Check) -> str:
    """The rule one built-in check of the contract stands for."""
    stats = check.statistics
    if check.name == "str_matches":
        return PATTERN_RULES[stats["pattern"]]
    if check.name == "isin":
        return f"one of {list(stats['allowed_values'])}"
    if check.name == "in_range":
        return f"between {stats['min_value'].date()} and {stats['max_value'].date()}"
    if check.name == "greater_than_or_equal_to":
        return f"{column} >= {stats['min_value']:g}"
    return f"{column} <= {stats['max_value']:g}"


class RawTableValidator:
    """Kedro validator of one raw table (``options: {table: <name>}``)."""

    def __init__(self, table: str) -> None:
        self.schema = TABLES[table].to_schema()
        self.key = list(self.schema.unique or ())
        # pandera's name of a failed check, by column -> its rule
        self.rules = {
            (name, check.error): check_rule(name, check)
            for name, column in self.schema.columns.items()
            for check in column.checks
        }

    def validate(self, data: pd.DataFrame) -> pd.DataFrame:
        """The typed table, or one ``RawDataError`` listing every broken rule."""
        try:
            typed = self.schema.validate(data, lazy=True)
        except pa.errors.SchemaErrors as exc:
            raise RawDataError(self.violations(data, exc.failure_cases)) from exc
        if typed.empty:
            raise RawDataError(
                [Violation(self.schema.name, "(all)", "at least one data row", 0)]
            )
        logger.info("%s: %d rows valid", self.schema.name, len(typed))
        return typed

    def rule(self, column: str, check: str) -> str:
        """The rule of pandera's failure case of ``check`` on ``column``."""
        if check.startswith(("coerce_dtype(", "dtype(")):  # text that did not parse
            return self.schema.columns[column].dtype.rule
        return self.rules.get((column, check)) or PANDERA_RULES.get(check, check)

    def violations(self, data: pd.DataFrame, failures: pd.DataFrame) -> list[Violation]:
        """Failure cases by column and rule, counting rows. A missing value breaks
        'not null' only; a check that could not run (on a column that did not
        parse) names no row."""
        file = self.schema.name
        missing = failures.loc[failures["check"] == "column_in_dataframe"]
        violations = [self.missing(name, data) for name in missing["failure_case"]]
        pairs = failures[["column", "check"]].drop_duplicates()
        pairs["rule"] = [self.rule(*pair) for pair in pairs.itertuples(index=False)]
        cases = failures.merge(pairs, on=["column", "check"])
        cases = cases[
            cases["index"].notna()
            & (cases["failure_case"].notna() | (cases["rule"] == "not null"))
        ]
        for (name, rule), group in cases.groupby(["column", "rule"], sort=False):
            if rule == "unique key" and name != self.key[0]:
                continue  # the rows of a duplicated key, once
            rows = pd.Index(group["index"].unique().astype("int64"))
            columns = self.key if rule == "unique key" else [name]
            values = data.loc[rows, columns].astype(object)
            shown = values.iloc[:, 0]
            if len(columns) > 1:
                shown = values.astype(str).agg("/".join, axis=1)
            label = ", ".join(columns)
            violations.append(Violation(file, label, rule, len(rows), examples(shown)))
        order = list(self.schema.columns)
        return sorted(violations, key=lambda v: order.index(v.column.split(",")[0]))

    def missing(self, name: str, data: pd.DataFrame) -> Violation:
        """A declared column absent from the file; the closest unexpected name."""
        found = [str(column) for column in data.columns]
        unexpected = [column for column in found if column not in self.schema.columns]
        close = difflib.get_close_matches(name, unexpected, n=1, cutoff=0.6)
        rule = "required column" + (f" (renamed to '{close[0]}'?)" if close else "")
        return Violation(self.schema.name, name, rule, len(data), (f"found {found}",))
