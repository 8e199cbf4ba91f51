"""Fixtures of the feature_engineering tests."""

from __future__ import annotations

import shutil

import pytest
import yaml

from olist_segmentation.engines import connect
from tests.conftest import PROJECT_ROOT

from .tiny_primary import history_rows

SPARK_CATALOG = PROJECT_ROOT / "conf" / "spark" / "catalog_engine.yml"


@pytest.fixture
def history():
    """Three persons before the snapshot; person 3 never has a delivered order."""
    return history_rows()


@pytest.fixture(scope="session")
def spark_session():
    """The Ibis backend of the Spark session of ``conf/spark``, one per test session
    (the JVM takes about 10 s to start); the catalog's Spark datasets share it."""
    if shutil.which("java") is None:
        pytest.skip(
            "java is absent: Spark needs Java 17 "
            "(apt-get install openjdk-17-jre-headless; .ci/run installs it)"
        )
    spark = yaml.safe_load(SPARK_CATALOG.read_text())["_spark"]
    return connect(spark["engine"], **spark["engine_settings"])
