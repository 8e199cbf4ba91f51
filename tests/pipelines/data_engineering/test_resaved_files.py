"""Files as people have them: re-saved by pandas, a spreadsheet or a database export.

What re-saving changes without losing information is repaired and counted in the
data-quality report (``rules.REPAIRS``): zip prefixes that lost their leading zeros,
columns in another order, undeclared columns, any quoting style, prices without
trailing zeros. The refusals (delimiter, day-first dates, repeated header,
encoding) are in ``test_bad_input.py``.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from olist_segmentation.pipelines.data_engineering import create_pipeline
from olist_segmentation.pipelines.data_engineering.contract import file_of
from tests.conftest import PROJECT_ROOT

from .conftest import kedro_run, run_project
from .tiny_raw import tiny_raw_tables, write_raw_csvs

RAW = Path("data/01_raw")
REAL_SAMPLE = PROJECT_ROOT.parent / "shared" / "olist_real_sample"
PRIMARY = ("primary_orders", "primary_order_items", "primary_persons", "id_map")


def resave_with_pandas(folder: Path, quoting: int = csv.QUOTE_MINIMAL) -> None:
    """Every CSV of ``folder`` read by pandas with its default type inference and
    written back (zip prefixes become integers and lose their leading zeros)."""
    for path in folder.glob("*.csv"):
        pd.read_csv(path).to_csv(path, index=False, quoting=quoting)


def report_rules(catalog, file: str) -> dict[str, int]:
    rules = catalog.load("data_quality_report")["tables"][file]["rules"]
    return {rule: entry["count"] for rule, entry in rules.items()}


@pytest.fixture
def tiny_project(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_raw_csvs(tiny_raw_tables(), project_copy / RAW)
    monkeypatch.chdir(project_copy)
    return project_copy


@pytest.mark.parametrize(
    "quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_ALL], ids=["minimal", "all"]
)
def test_pandas_resaved_files_give_the_same_primary_tables(tiny_project, quoting):
    original = run_project(tiny_project, create_pipeline())
    expected = {name: original.load(name) for name in PRIMARY}
    resave_with_pandas(RAW, quoting)
    customers = RAW / file_of("customers")
    frame = pd.read_csv(customers)
    frame[list(reversed(frame.columns))].assign(loyalty_tier="gold").to_csv(
        customers, index=False, quoting=quoting
    )
    catalog = run_project(tiny_project, create_pipeline())
    for name in PRIMARY:
        pd.testing.assert_frame_equal(catalog.load(name), expected[name])
    raw = tiny_raw_tables()
    leading_zero = {
        table: int(raw[f"raw_{table}"][column].str.startswith("0").sum())
        for table, column in (
            ("customers", "customer_zip_code_prefix"),
            ("geolocation", "geolocation_zip_code_prefix"),
        )
    }
    assert leading_zero["customers"] == 3 and leading_zero["geolocation"] > 0
    rules = report_rules(catalog, file_of("customers"))
    assert rules["zip_prefix_left_padded"] == leading_zero["customers"]
    assert rules["columns_in_another_order"] == 4  # all but the middle column
    assert rules["undeclared_columns_ignored"] == 1
    geolocation = report_rules(catalog, file_of("geolocation"))
    assert geolocation["zip_prefix_left_padded"] == leading_zero["geolocation"]
    assert geolocation["columns_in_another_order"] == 0


def test_prices_without_trailing_zeros_parse_alike(tiny_project):
    items = tiny_raw_tables()["raw_order_items"]
    assert "45.90" in set(items["price"])
    run_project(tiny_project, create_pipeline())
    path = RAW / file_of("order_items")
    frame = pd.read_csv(path, dtype=str)
    frame["price"] = frame["price"].astype(float).map(repr)  # 45.9, as pandas writes
    frame.to_csv(path, index=False)
    catalog = run_project(tiny_project, create_pipeline())
    assert sorted(catalog.load("primary_order_items")["price"]) == sorted(
        items["price"].astype(float)
    )


@pytest.fixture
def resaved_real_sample(project_copy: Path) -> Path:
    """A project copy holding ../shared/olist_real_sample re-saved by plain pandas."""
    if not REAL_SAMPLE.is_dir():
        pytest.skip("../shared/olist_real_sample is absent (a user's clone has none)")
    for path in REAL_SAMPLE.glob("*.csv"):
        shutil.copyfile(path, project_copy / RAW / path.name)
    resave_with_pandas(project_copy / RAW)
    return project_copy


@pytest.mark.slow
def test_kedro_run_repairs_the_pandas_resaved_real_sample(resaved_real_sample):
    done = kedro_run(resaved_real_sample)
    assert done.returncode == 0, done.stderr[-3000:]
    (version,) = (
        resaved_real_sample / "data/08_reporting/data_quality_report.json"
    ).iterdir()
    tables = json.loads((version / "data_quality_report.json").read_text())["tables"]
    for table, column in (
        ("customers", "customer_zip_code_prefix"),
        ("geolocation", "geolocation_zip_code_prefix"),
        ("sellers", "seller_zip_code_prefix"),
    ):
        original = pd.read_csv(REAL_SAMPLE / file_of(table), dtype=str)[column]
        padded = tables[file_of(table)]["rules"]["zip_prefix_left_padded"]
        assert padded["count"] == int(original.str.startswith("0").sum()) > 0
    persons = pd.read_parquet(
        resaved_real_sample / "data/03_primary/primary_persons.parquet"
    )
    assert persons["zip_prefix"].str.fullmatch(r"[0-9]{5}").all()
    orders = pd.read_csv(REAL_SAMPLE / file_of("orders"))
    assert tables[file_of("orders")]["rows_kept"] == len(orders)
