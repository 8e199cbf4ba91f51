"""The engines that run the Ibis expressions of data and feature engineering.

One expression, two engines (docs/scale.md): DuckDB, embedded and out of core, on
one machine (the default); Apache Spark on a cluster (``kedro run --env spark``,
whose ``conf/spark`` says where the cluster is). Nodes take their tables as
``as_table`` makes them and return expressions; the catalog's
``TableParquetDataset`` executes them on the engine of their tables.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

ENGINES = ("duckdb", "pyspark")


def as_table(data: pd.DataFrame | ir.Table) -> ir.Table:
    """An Ibis table of ``data``: itself, or a pandas frame as an in-memory table
    (run by DuckDB)."""
    return ibis.memtable(data) if isinstance(data, pd.DataFrame) else data


@cache
def _connect(engine: str, settings: str) -> ibis.BaseBackend:
    options: dict[str, Any] = json.loads(settings)
    if engine == "duckdb":
        return ibis.duckdb.connect(**options)
    from pyspark.sql import SparkSession  # noqa: PLC0415

    builder = SparkSession.builder.master(options.pop("master", "local[*]"))
    session = builder.config(map=options).getOrCreate()
    return ibis.pyspark.connect(session)


def connect(engine: str = "duckdb", **settings: Any) -> ibis.BaseBackend:
    """One connection per engine and settings in the process.

    ``duckdb``: an in-memory database (``settings``: ``ibis.duckdb.connect``'s,
    e.g. ``memory_limit``). ``pyspark``: the Spark session of ``master``
    (``local[*]`` by default, a URL for a cluster) with the other ``settings`` as
    its configuration (``spark.sql.session.timeZone``, ...).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine: '{engine}' is not one of {list(ENGINES)}")
    return _connect(engine, json.dumps(settings, sort_keys=True))
