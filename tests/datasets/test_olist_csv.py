"""The Olist CSV reader: Arrow's fast path and pandas' fallback read the same frame."""

from __future__ import annotations

import hashlib
import inspect
import json
from pathlib import Path

import pandas as pd
import pytest
from kedro.io.core import DatasetError

from olist_segmentation.datasets.olist_csv import (
    OlistCSVDataset,
    _read_with_arrow,
    _read_with_pandas,
)

REAL_FILES = (
    "olist_order_payments_dataset.csv",
    "olist_products_dataset.csv",
    "olist_sellers_dataset.csv",
    "product_category_name_translation.csv",
)


@pytest.mark.parametrize("name", REAL_FILES)
def test_both_parsers_read_the_real_files_alike(real_olist_dir: Path, name: str):
    arrow = _read_with_arrow(real_olist_dir / name)
    pd.testing.assert_frame_equal(arrow, _read_with_pandas(real_olist_dir / name))
    assert (arrow.dtypes == "str").all()


def test_multiline_quoted_values_and_missing_cells(tmp_path: Path):
    path = tmp_path / "olist_order_reviews_dataset.csv"
    path.write_text(
        '"review_id","order_id","review_comment_message"\n'
        'a1,"b2","line one\nline ""two"", still"\n'
        '"c3",d4,\n',
        encoding="utf-8",
    )
    frame = OlistCSVDataset(filepath=str(path)).load()
    assert frame["review_comment_message"].iloc[0] == 'line one\nline "two", still'
    assert frame["review_id"].tolist() == ["a1", "c3"]
    assert pd.isna(frame["review_comment_message"].iloc[1])
    pd.testing.assert_frame_equal(frame, _read_with_pandas(path))


def test_ragged_last_row_falls_back_to_pandas(tmp_path: Path):
    path = tmp_path / "olist_sellers_dataset.csv"
    path.write_text('"seller_id","seller_state"\nab,SP\ncd\n', encoding="utf-8")
    frame = OlistCSVDataset(filepath=str(path)).load()
    assert frame["seller_id"].tolist() == ["ab", "cd"]
    assert pd.isna(frame["seller_state"].iloc[1])


def test_invalid_utf8_names_the_file_and_the_rule(tmp_path: Path):
    path = tmp_path / "olist_sellers_dataset.csv"
    path.write_bytes(b'"seller_id","seller_city"\nab,campinas\xff\n')
    with pytest.raises(
        DatasetError, match=r"olist_sellers_dataset.csv: rule 'valid UTF-8'"
    ):
        OlistCSVDataset(filepath=str(path)).load()


def test_preview_gives_the_first_rows_as_text_for_kedro_viz(tmp_path: Path):
    path = tmp_path / "olist_order_reviews_dataset.csv"
    path.write_text(
        '"review_id","review_score","review_comment_message"\n'
        'a1,5,"two\nlines"\n'
        "b2,4,\n"
        "c3,1,bad\n",
        encoding="utf-8",
    )
    dataset = OlistCSVDataset(filepath=str(path))
    preview = dataset.preview(nrows=2)
    assert preview == {
        "index": [0, 1],
        "columns": ["review_id", "review_score", "review_comment_message"],
        "data": [["a1", "5", "two\nlines"], ["b2", "4", None]],
    }
    assert json.loads(json.dumps(preview)) == preview
    # kedro-viz picks its table renderer by the name of the return annotation
    annotation = inspect.signature(dataset.preview).return_annotation
    assert getattr(annotation, "__name__", str(annotation)) == "TablePreview"


def test_later_saves_of_an_instance_append_rows_and_keep_the_manifest(tmp_path):
    path = tmp_path / "olist_sellers_dataset.csv"
    chunks = [
        pd.DataFrame({"seller_id": ["a1", "b2"], "seller_city": ["rio", "sao, paulo"]}),
        pd.DataFrame({"seller_id": ["c3"], "seller_city": ["natal"]}),
    ]
    dataset = OlistCSVDataset(filepath=str(path))
    for chunk in chunks:
        dataset.save(chunk)
    whole = tmp_path / "whole" / path.name
    OlistCSVDataset(filepath=str(whole)).save(pd.concat(chunks, ignore_index=True))
    assert path.read_bytes() == whole.read_bytes()
    assert path.read_text().count('"seller_id"') == 1
    manifest = json.loads((tmp_path / ".synthetic_manifest.json").read_text())
    assert manifest[path.name] == hashlib.md5(path.read_bytes()).hexdigest()
    # A new instance (a new run) writes the file afresh.
    OlistCSVDataset(filepath=str(path)).save(chunks[1])
    assert OlistCSVDataset(filepath=str(path)).load()["seller_id"].tolist() == ["c3"]


def test_appending_refuses_other_columns_and_a_file_without_final_newline(tmp_path):
    frame = pd.DataFrame({"seller_id": ["a1"]})
    dataset = OlistCSVDataset(filepath=str(tmp_path / "olist_sellers_dataset.csv"))
    dataset.save(frame)
    with pytest.raises(DatasetError, match="olist_sellers_dataset.csv: cannot append"):
        dataset.save(frame.rename(columns={"seller_id": "seller_city"}))
    bare = OlistCSVDataset(filepath=str(tmp_path / "t.csv"), final_newline=False)
    bare.save(frame)
    with pytest.raises(DatasetError, match="t.csv: cannot append rows to a file"):
        bare.save(frame)
