"""Parquet tables written by the engine that computed them.

``TableParquetDataset`` is ``pandas.ParquetDataset`` that also saves an Ibis
table expression: the expression runs on the engine of its tables (DuckDB streams
it to one file, Spark writes a folder of part files) without passing through
pandas. It loads pandas (what modelling, stability and serving read) or, with
``load_as: table``, an Ibis table read by ``engine`` (lazily, out of core), as
the engine pipelines of ``conf/spark`` read their inputs.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from kedro.io.core import get_filepath_str
from kedro_datasets.pandas import ParquetDataset

if TYPE_CHECKING:
    import ibis.expr.types as ir


class TableParquetDataset(ParquetDataset):
    """A Parquet file (or Spark's folder of parts) saved from pandas or Ibis."""

    def __init__(
        self,
        *,
        filepath: str,
        load_as: Literal["pandas", "table"] = "pandas",
        engine: str = "duckdb",
        engine_settings: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(filepath=filepath, **kwargs)
        self._load_as = load_as
        self._engine = engine
        self._engine_settings = dict(engine_settings or {})

    def _describe(self) -> dict[str, Any]:
        return {**super()._describe(), "load_as": self._load_as, "engine": self._engine}

    def load(self) -> pd.DataFrame | ir.Table:
        if self._load_as == "pandas":
            return super().load()
        from olist_segmentation.engines import connect  # noqa: PLC0415 (Ibis on use)

        path = get_filepath_str(self._get_load_path(), self._protocol)
        backend = connect(self._engine, **self._engine_settings)
        return backend.read_parquet(path)

    def save(self, data: pd.DataFrame | ir.Table) -> None:
        path = get_filepath_str(self._get_save_path(), self._protocol)
        if self._protocol == "file":
            # What an earlier run left (Spark's folder of parts, or a file, which
            # Spark refuses to overwrite) is replaced.
            local = Path(path)
            if local.is_dir():
                shutil.rmtree(local)
            elif not isinstance(data, pd.DataFrame):
                local.unlink(missing_ok=True)
            local.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, pd.DataFrame):
            super().save(data)
            return
        data.to_parquet(path)
        self._invalidate_cache()
