"""TableParquetDataset: Parquet saved from pandas or by the engine of an Ibis table."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest
from kedro.io import DatasetError

from olist_segmentation.datasets import TableParquetDataset
from olist_segmentation.engines import connect

FRAME = pd.DataFrame({"key": pd.array([2, 1, 3], dtype="uint32"), "x": [0.5, 1.5, 2.5]})


def test_an_ibis_expression_is_run_by_duckdb_into_the_file(tmp_path):
    dataset = TableParquetDataset(filepath=str(tmp_path / "out" / "t.parquet"))
    table = ibis.memtable(FRAME)
    dataset.save(table.filter(table.x > 1).order_by("key"))
    loaded = dataset.load()
    assert loaded["key"].tolist() == [1, 3]
    assert loaded["key"].dtype == "uint32"
    assert (tmp_path / "out" / "t.parquet").is_file()


def test_a_folder_of_parts_left_by_spark_is_read_then_replaced(tmp_path):
    path = tmp_path / "t.parquet"
    path.mkdir()
    FRAME.iloc[:2].to_parquet(path / "part-0.parquet")
    FRAME.iloc[2:].to_parquet(path / "part-1.parquet")
    dataset = TableParquetDataset(filepath=str(path))
    assert dataset.load()["key"].tolist() == [2, 1, 3]
    dataset.save(FRAME.iloc[:1])
    assert path.is_file()
    assert dataset.load()["key"].tolist() == [2]


def test_load_as_table_reads_lazily_with_the_engine(tmp_path):
    path = str(tmp_path / "t.parquet")
    TableParquetDataset(filepath=path).save(FRAME)
    table = TableParquetDataset(filepath=path, load_as="table").load()
    assert isinstance(table, ibis.Table)
    assert table.x.sum().execute() == pytest.approx(4.5)


def test_an_unknown_engine_is_refused_by_name(tmp_path):
    path = str(tmp_path / "t.parquet")
    TableParquetDataset(filepath=path).save(FRAME)
    dataset = TableParquetDataset(filepath=path, load_as="table", engine="polars")
    with pytest.raises(DatasetError, match="engine: 'polars' is not one of"):
        dataset.load()


def test_one_connection_per_engine_and_settings():
    assert connect("duckdb") is connect("duckdb")
    assert connect("duckdb", threads=1) is not connect("duckdb")
