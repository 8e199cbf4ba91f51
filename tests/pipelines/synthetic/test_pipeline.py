"""The synthetic pipeline through Kedro: files in Kaggle's format on disk, read
back by the same dataset as the real files, never replacing a user's data."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from kedro.io.core import DatasetError

from olist_segmentation.datasets import OlistCSVDataset
from olist_segmentation.datasets.olist_csv import MANIFEST
from olist_segmentation.pipelines.synthetic import create_pipeline

from .conftest import RAW

REAL_FILES = (
    "olist_order_payments_dataset.csv",
    "olist_products_dataset.csv",
    "olist_sellers_dataset.csv",
    "product_category_name_translation.csv",
)


def test_pipeline_writes_every_raw_entry():
    outputs = create_pipeline().outputs()
    assert set(RAW) <= outputs


def test_session_run_writes_the_raw_layer(synthetic_project):
    raw = synthetic_project / "data" / "01_raw"
    manifest = json.loads((raw / MANIFEST).read_text())
    assert len(manifest) == 10
    orders = OlistCSVDataset(filepath=str(raw / "olist_orders_dataset.csv")).load()
    assert 1_500 < len(orders) < 2_500
    header = (raw / "olist_orders_dataset.csv").read_text().splitlines()[0]
    assert header.startswith('"order_id","customer_id"')
    translation = (raw / "product_category_name_translation.csv").read_bytes()
    assert translation.startswith(b"\xef\xbb\xbfproduct_category_name,")
    assert b"\r\n" in translation and not translation.endswith(b"\n")
    # A review message with a line break survives the CSV round trip.
    reviews = OlistCSVDataset(
        filepath=str(raw / "olist_order_reviews_dataset.csv")
    ).load()
    assert reviews["review_comment_message"].dropna().str.contains("\n").any()
    assert len(reviews.columns) == 7


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_and_synthetic_files_read_alike(real_olist_dir, synthetic_project, name):
    real = OlistCSVDataset(filepath=str(real_olist_dir / name)).load()
    synthetic = OlistCSVDataset(
        filepath=str(synthetic_project / "data" / "01_raw" / name)
    ).load()
    assert list(real.columns) == list(synthetic.columns)
    assert (real.dtypes == synthetic.dtypes).all()
    for column in real.columns:
        if "zip_code_prefix" in column:
            assert synthetic[column].str.fullmatch(r"\d{5}").all()
            assert real[column].str.fullmatch(r"\d{5}").all()
        if column.endswith("_id"):
            assert synthetic[column].str.len().eq(32).all()


def test_translation_file_written_byte_identical_to_kaggle(real_olist_dir, tmp_path):
    source = real_olist_dir / "product_category_name_translation.csv"
    copy = OlistCSVDataset(
        filepath=str(tmp_path / source.name),
        quote_header=False,
        bom=True,
        crlf=True,
        final_newline=False,
    )
    copy.save(OlistCSVDataset(filepath=str(source)).load())
    assert (tmp_path / source.name).read_bytes() == source.read_bytes()


def test_refuses_to_overwrite_a_file_it_did_not_write(tmp_path):
    users = tmp_path / "olist_orders_dataset.csv"
    users.write_text('"order_id"\nreal\n')
    frame = pd.DataFrame({"order_id": ["0" * 32]})
    with pytest.raises(DatasetError, match="refusing to overwrite"):
        OlistCSVDataset(filepath=str(users)).save(frame)
    assert users.read_text() == '"order_id"\nreal\n'
    OlistCSVDataset(filepath=str(users), overwrite=True).save(frame)
    assert OlistCSVDataset(filepath=str(users)).load()["order_id"].tolist() == [
        "0" * 32
    ]
    # Once written by the generator, the file may be regenerated freely.
    OlistCSVDataset(filepath=str(users)).save(frame)


def test_overwrite_switch_reaches_the_catalog(synthetic_project):
    from kedro.framework.session import KedroSession  # noqa: PLC0415

    runtime = {"synthetic": {"overwrite": True}}
    with KedroSession.create(
        project_path=synthetic_project, runtime_params=runtime
    ) as s:
        catalog = s.load_context().catalog
        assert catalog.get("raw_orders")._describe()["overwrite"] is True
    with KedroSession.create(project_path=synthetic_project) as s:
        catalog = s.load_context().catalog
        assert catalog.get("raw_orders")._describe()["overwrite"] is False
