"""The same ``customer_features`` from pandas, DuckDB and Spark, on the same raw files.

For each data set (the tiny synthetic data; ``../shared/olist_real_sample`` when it
is there) a project copy runs ``data_engineering`` and ``feature_engineering``
through ``KedroSession`` twice: in the default environment (the Ibis expression on
DuckDB) and with ``--env spark`` (the same expression on Spark local). The pandas
function of today, ``build_customer_features``, runs on the primary tables of the
first run. The three tables must hold the same persons in the same order and the
same values in every column: exactly where no float sum is taken, within 1e-12
(relative) where a float sum's order depends on the engine (sums and means of
prices, durations, distances, per-order review means, weighted shares).
``person_key`` is uint32 from pandas and DuckDB, int64 from Spark (Spark has no
unsigned integers): its values must be equal.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

from olist_segmentation.pipelines.feature_engineering.nodes import (
    FEATURE_COLUMNS,
    build_customer_features,
)
from tests.conftest import PROJECT_ROOT, copy_project

REAL_SAMPLE = PROJECT_ROOT.parent / "shared" / "olist_real_sample"
EXACT = (
    "recency_days",
    "frequency",
    "tenure_days",
    "days_between_orders",
    "items_per_order",
    "bad_review_share",
    "review_share",
    "late_share",
    "installments_mean",
    "n_categories",
)
SUMMED = tuple(column for column in FEATURE_COLUMNS if column not in EXACT)
PIPELINES = ["data_engineering", "feature_engineering"]


def run(project: Path, env: str | None) -> pd.DataFrame:
    bootstrap_project(project)
    with KedroSession.create(project_path=project, env=env) as session:
        session.run(pipeline_names=PIPELINES)
    features = pd.read_parquet(project / "data/04_feature/customer_features.parquet")
    return features.sort_values("person_key", ignore_index=True)


def assert_same_features(expected: pd.DataFrame, actual: pd.DataFrame) -> None:
    assert list(actual.columns) == ["person_key", *FEATURE_COLUMNS]
    assert actual["person_key"].tolist() == expected["person_key"].tolist()
    assert (actual[list(FEATURE_COLUMNS)].dtypes == "float64").all()
    pd.testing.assert_frame_equal(
        actual[list(EXACT)], expected[list(EXACT)], check_exact=True
    )
    pd.testing.assert_frame_equal(
        actual[list(SUMMED)], expected[list(SUMMED)], rtol=1e-12, atol=0
    )


@pytest.fixture(scope="module", params=["synthetic", "real_sample"])
def raw_project(request, synthetic_project, tmp_path_factory) -> Path:
    """A project copy with conf/spark and the raw files of one data set."""
    project = copy_project(tmp_path_factory.mktemp(request.param) / "project")
    shutil.copytree(PROJECT_ROOT / "conf" / "spark", project / "conf" / "spark")
    if request.param == "synthetic":
        source = synthetic_project / "data" / "01_raw"
    elif REAL_SAMPLE.is_dir():
        source = REAL_SAMPLE
    else:
        pytest.skip("../shared/olist_real_sample is absent (a user's clone has none)")
    for path in source.iterdir():
        if path.is_file():
            shutil.copy2(path, project / "data" / "01_raw" / path.name)
    return project


@pytest.mark.slow
def test_pandas_duckdb_and_spark_give_the_same_customer_features(
    raw_project, spark_session
):
    duckdb = run(raw_project, None)
    primary = raw_project / "data" / "03_primary"
    pandas = build_customer_features(
        *(
            pd.read_parquet(primary / f"{name}.parquet")
            for name in ("primary_orders", "primary_order_items", "primary_reviews")
        )
    )
    assert len(pandas) > 100
    assert duckdb["person_key"].dtype == "uint32"
    assert_same_features(pandas, duckdb)
    spark = run(raw_project, "spark")
    assert (raw_project / "data/04_feature/customer_features.parquet").is_dir()
    assert_same_features(pandas, spark)
