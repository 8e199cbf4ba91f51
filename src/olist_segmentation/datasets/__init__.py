"""Custom Kedro datasets of the project."""

from olist_segmentation.datasets.data_source import RawDataSourceDataset
from olist_segmentation.datasets.olist_csv import OlistCSVDataset
from olist_segmentation.datasets.table_parquet import TableParquetDataset

__all__ = ["OlistCSVDataset", "RawDataSourceDataset", "TableParquetDataset"]
