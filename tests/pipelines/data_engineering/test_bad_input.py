"""Corrupted raw inputs: each gives its documented cleaning or one clear error.

The raw CSVs are real files in a copy of the project, run as a user's ``kedro run``
would: a ``KedroSession`` in-process (the project's settings, hooks, parameter
validation, catalog and its validators), and a few through a real ``kedro run``
subprocess, which must exit non-zero with a message naming the file, the column
and the rule, and leave the earlier versioned outputs untouched.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.io.core import DatasetError

from olist_segmentation.pipelines.data_engineering.validation import RawDataError
from tests.conftest import copy_project

from .conftest import kedro_run
from .tiny_raw import hex_id, tiny_raw_tables, write_raw_csvs

pytestmark = pytest.mark.slow

RAW = Path("data/01_raw")
REPORT = Path("data/08_reporting/data_quality_report.json")
PRIMARY = Path("data/03_primary")


@pytest.fixture(scope="module")
def shared_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project copy for the module: its MLflow store is created once."""
    return copy_project(tmp_path_factory.mktemp("bad_input") / "project")


@pytest.fixture
def tiny_project(shared_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project holding the tiny raw CSVs and no output of an earlier test; the
    working directory is inside."""
    for layer in ("01_raw", "02_intermediate", "03_primary", "08_reporting"):
        shutil.rmtree(shared_project / "data" / layer)
        (shared_project / "data" / layer).mkdir()
    write_raw_csvs(tiny_raw_tables(), shared_project / RAW)
    monkeypatch.chdir(shared_project)
    return shared_project


def run_through_catalog(project: Path) -> None:
    """``kedro run --pipelines=data_engineering`` in-process, through a session."""
    bootstrap_project(project)
    with KedroSession.create(project_path=project) as session:
        session.run(pipeline_names=["data_engineering"])


def rewrite(table: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    """Rewrite one raw CSV (Kaggle format) after changing its text frame."""
    tables = tiny_raw_tables()
    write_raw_csvs({table: change(tables[table])}, RAW)


def set_cell(table: str, column: str, row: int, value: str) -> None:
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame.loc[row, column] = value
        return frame

    rewrite(table, change)


def file_of(table: str) -> Path:
    return (
        RAW
        / {
            "raw_orders": "olist_orders_dataset.csv",
            "raw_sellers": "olist_sellers_dataset.csv",
            "raw_products": "olist_products_dataset.csv",
            "raw_order_items": "olist_order_items_dataset.csv",
            "raw_geolocation": "olist_geolocation_dataset.csv",
        }[table]
    )


def missing_file() -> None:
    file_of("raw_sellers").unlink()


def missing_column() -> None:
    rewrite("raw_sellers", lambda frame: frame.drop(columns="seller_city"))


def renamed_column() -> None:
    rewrite("raw_order_items", lambda frame: frame.rename(columns={"price": "prize"}))


def wrong_type() -> None:
    set_cell("raw_products", "product_photos_qty", 0, "one")


def unparseable_date() -> None:
    set_cell("raw_orders", "order_purchase_timestamp", 2, "24/11/2017 20:00")


def empty_file() -> None:
    file_of("raw_sellers").write_bytes(b"")


def header_only() -> None:
    rewrite("raw_order_items", lambda frame: frame.iloc[:0])


def duplicated_key() -> None:
    rewrite(
        "raw_products",
        lambda frame: pd.concat([frame, frame.iloc[[1]]], ignore_index=True),
    )


def orphan_foreign_key() -> None:
    set_cell("raw_order_items", "product_id", 3, hex_id("a product never listed"))


def negative_price() -> None:
    set_cell("raw_order_items", "price", 0, "-80.00")


def invalid_utf8() -> None:
    path = file_of("raw_sellers")
    path.write_bytes(path.read_bytes().replace(b"campinas", b"campinas\xff\xfe"))


def truncated_inside_a_value() -> None:
    path = file_of("raw_orders")
    text = path.read_bytes().rstrip(b"\n")
    path.write_bytes(text[: text.rindex(b",") - 5])


def truncated_between_values() -> None:
    path = file_of("raw_orders")
    text = path.read_bytes().rstrip(b"\n")
    path.write_bytes(text[: text.rindex(b",")])


def coordinates_out_of_range() -> None:
    set_cell("raw_geolocation", "geolocation_lat", 3, "122.898")


def unknown_status() -> None:
    set_cell("raw_orders", "order_status", 0, "lost_in_transit")


def zip_with_six_digits() -> None:
    set_cell("raw_geolocation", "geolocation_zip_code_prefix", 0, "010010")


def semicolon_delimiter() -> None:
    path = RAW / "olist_customers_dataset.csv"
    tiny_raw_tables()["raw_customers"].to_csv(path, sep=";", index=False)


def tab_delimiter() -> None:
    tiny_raw_tables()["raw_sellers"].to_csv(
        file_of("raw_sellers"), sep="\t", index=False
    )


def day_first_dates() -> None:
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        stamps = pd.to_datetime(frame["order_purchase_timestamp"])
        return frame.assign(
            order_purchase_timestamp=stamps.dt.strftime("%d/%m/%Y %H:%M")
        )

    rewrite("raw_orders", change)


def header_repeated_inside() -> None:
    path = file_of("raw_orders")
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join([*lines[:3], lines[0], *lines[3:]]))


def latin1_encoding() -> None:
    path = file_of("raw_sellers")
    text = path.read_text().replace("campinas", "são josé dos campos")
    path.write_bytes(text.encode("cp1252"))


def utf16_encoding() -> None:
    path = file_of("raw_sellers")
    path.write_bytes(path.read_text().encode("utf-16"))


ERRORS = {
    # kind: (corruption, exception, texts the message must contain)
    "missing file": (
        missing_file,
        DatasetError,
        ["olist_sellers_dataset.csv", "file not found"],
    ),
    "missing column": (
        missing_column,
        RawDataError,
        ["olist_sellers_dataset.csv", "'seller_city'", "required column", "2 rows"],
    ),
    "renamed column": (
        renamed_column,
        RawDataError,
        ["olist_order_items_dataset.csv", "'price'", "renamed to 'prize'?"],
    ),
    "wrong type": (
        wrong_type,
        RawDataError,
        ["olist_products_dataset.csv", "'product_photos_qty'", "'integer'", "'one'"],
    ),
    "unparseable date": (
        unparseable_date,
        RawDataError,
        [
            "olist_orders_dataset.csv",
            "'order_purchase_timestamp'",
            "timestamp YYYY-MM-DD HH:MM:SS",
            "1 row",
            "'24/11/2017 20:00'",
        ],
    ),
    "empty file": (
        empty_file,
        DatasetError,
        ["olist_sellers_dataset.csv", "'not empty'"],
    ),
    "header only": (
        header_only,
        RawDataError,
        ["olist_order_items_dataset.csv", "'at least one data row'", "0 rows"],
    ),
    "duplicated key": (
        duplicated_key,
        RawDataError,
        ["olist_products_dataset.csv", "'product_id'", "'unique key'", "2 rows"],
    ),
    "orphan foreign key": (
        orphan_foreign_key,
        RawDataError,
        [
            "olist_order_items_dataset.csv",
            "'product_id'",
            "foreign key to olist_products_dataset.csv product_id",
            "1 row",
        ],
    ),
    "negative price": (
        negative_price,
        RawDataError,
        ["olist_order_items_dataset.csv", "'price'", "'price >= 0'", "1 row"],
    ),
    "invalid UTF-8": (
        invalid_utf8,
        DatasetError,
        ["olist_sellers_dataset.csv", "'valid UTF-8'"],
    ),
    "truncated last line, inside a quoted value": (
        truncated_inside_a_value,
        DatasetError,
        ["olist_orders_dataset.csv", "'well-formed CSV'", "EOF inside string"],
    ),
    "truncated last line, between values": (
        truncated_between_values,
        RawDataError,
        [
            "olist_orders_dataset.csv",
            "'order_estimated_delivery_date'",
            "'not null'",
            "1 row",
        ],
    ),
    "coordinates out of range": (
        coordinates_out_of_range,
        RawDataError,
        [
            "olist_geolocation_dataset.csv",
            "'geolocation_lat'",
            "'geolocation_lat <= 90'",
        ],
    ),
    "unknown order status": (
        unknown_status,
        RawDataError,
        ["olist_orders_dataset.csv", "'order_status'", "one of", "'lost_in_transit'"],
    ),
    "zip prefix of six digits": (
        zip_with_six_digits,
        RawDataError,
        ["olist_geolocation_dataset.csv", "5-digit zip prefix", "1 row", "'010010'"],
    ),
    "semicolon delimiter": (
        semicolon_delimiter,
        DatasetError,
        ["olist_customers_dataset.csv", "'comma-separated'", "separated by ';'"],
    ),
    "tab delimiter": (
        tab_delimiter,
        DatasetError,
        ["olist_sellers_dataset.csv", "'comma-separated'", "separated by tab"],
    ),
    "day-first dates": (
        day_first_dates,
        RawDataError,
        [
            "olist_orders_dataset.csv",
            "'order_purchase_timestamp'",
            "timestamp YYYY-MM-DD HH:MM:SS",
            "4 rows",
            "'02/10/2017 10:56'",
        ],
    ),
    "header repeated inside the file": (
        header_repeated_inside,
        DatasetError,
        ["olist_orders_dataset.csv", "'one header line'", "in 1 row(s)", "row 3"],
    ),
    "latin-1 encoding": (
        latin1_encoding,
        DatasetError,
        ["olist_sellers_dataset.csv", "'valid UTF-8'", "line 2", "latin-1"],
    ),
    "UTF-16 encoding": (
        utf16_encoding,
        DatasetError,
        ["olist_sellers_dataset.csv", "'valid UTF-8'", "UTF-16"],
    ),
}


@pytest.mark.parametrize("kind", list(ERRORS))
def test_bad_input_raises_one_clear_error(tiny_project, kind):
    corrupt, error, texts = ERRORS[kind]
    corrupt()
    with pytest.raises(error) as caught:
        run_through_catalog(tiny_project)
    message = str(caught.value)
    for text in texts:
        assert text in message
    assert not list((tiny_project / "data" / "03_primary").glob("*.parquet"))
    assert not (tiny_project / REPORT).exists()


def latest_report(project: Path) -> dict:
    (version,) = sorted((project / REPORT).iterdir())[-1:]
    return json.loads((version / REPORT.name).read_text())


def test_point_outside_brazil_is_dropped_and_counted(tiny_project):
    set_cell("raw_geolocation", "geolocation_lng", 3, "-20.5")  # in the Atlantic
    run_through_catalog(tiny_project)
    rules = latest_report(tiny_project)["tables"]["olist_geolocation_dataset.csv"]
    assert rules["rules"]["outside_brazil_bounding_box"]["count"] == 2
    # its prefix (seller s1's 13023) had no other point: state fallback
    assert rules["rules"]["zip_prefix_only_outside_brazil"]["count"] == 1
    sellers = latest_report(tiny_project)["tables"]["olist_sellers_dataset.csv"]
    assert sellers["rules"]["seller_zip_prefix_without_geolocation"]["count"] == 1
    source = latest_report(tiny_project)["data_source"]
    assert source["kind"] == "real" and ".synthetic_manifest.json" in source["reason"]
    assert len(pd.read_parquet(PRIMARY / "primary_order_items.parquet")) == 4


def test_undeclared_column_is_ignored_and_counted(tiny_project):
    rewrite("raw_sellers", lambda frame: frame.assign(seller_rating="5"))
    run_through_catalog(tiny_project)
    sellers = latest_report(tiny_project)["tables"]["olist_sellers_dataset.csv"]
    assert sellers["rows_kept"] == 2
    assert sellers["rules"]["undeclared_columns_ignored"]["count"] == 1


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_kedro_run_fails_clearly_and_keeps_earlier_outputs(tiny_project):
    run_through_catalog(tiny_project)  # an earlier, good run
    before = snapshot(tiny_project / "data" / "08_reporting")
    primary = snapshot(tiny_project / "data" / "03_primary")
    assert len(before) == 1

    negative_price()
    done = kedro_run(tiny_project)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert (
        "olist_order_items_dataset.csv: column 'price' breaks rule 'price >= 0' "
        "in 1 row" in output
    )

    write_raw_csvs(tiny_raw_tables(), RAW)
    invalid_utf8()
    done = kedro_run(tiny_project)
    assert done.returncode != 0
    assert "olist_sellers_dataset.csv: rule 'valid UTF-8' broken" in (
        done.stdout + done.stderr
    )

    write_raw_csvs(tiny_raw_tables(), RAW)
    semicolon_delimiter()
    done = kedro_run(tiny_project)
    assert done.returncode != 0
    assert (
        "olist_customers_dataset.csv: rule 'comma-separated' broken: the header is "
        "separated by ';'" in done.stdout + done.stderr
    )

    assert snapshot(tiny_project / "data" / "08_reporting") == before
    assert snapshot(tiny_project / "data" / "03_primary") == primary
