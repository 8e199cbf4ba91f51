"""Generation in blocks: several blocks of persons and orders written one after
the other into the same files, deterministic, drawn like a single block."""

from __future__ import annotations

import gc
import hashlib
import weakref

import pandas as pd
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.io import AbstractDataset, DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from olist_segmentation.datasets import OlistCSVDataset
from olist_segmentation.datasets.data_source import data_source
from olist_segmentation.pipelines.synthetic import create_pipeline
from olist_segmentation.pipelines.synthetic.chunks import released_once_saved
from olist_segmentation.pipelines.synthetic.params import SyntheticParams
from tests.conftest import copy_project

from .conftest import RAW, synthetic_params

# Four blocks of 0.01 (about 1,000 orders each).
BLOCKS = {"scale": 0.04, "block_scale": 0.01}


@pytest.mark.parametrize(
    ("scale", "block_scale", "expected"),
    [
        (1.0, 1.0, [1.0]),
        (0.02, 1.0, [0.02]),
        (2.5, 1.0, [2.5 / 3] * 3),
        (30, 1, [1] * 30),
    ],
)
def test_blocks_split_the_scale_equally(scale, block_scale, expected):
    params = SyntheticParams.model_validate(
        synthetic_params(scale=scale, block_scale=block_scale)
    )
    blocks = list(params.blocks())
    assert [b.scale for b in blocks] == pytest.approx(expected)
    # Block 0 draws from the streams of the whole data set, the others their own.
    first = params.rng(4).random(3)
    assert (blocks[0].rng(4).random(3) == first).all()
    draws = {tuple(b.rng(4).random(3)) for b in blocks}
    assert len(draws) == len(blocks)


def _run(tmp_path, name: str) -> dict:
    project = copy_project(tmp_path / name)
    bootstrap_project(project)
    with KedroSession.create(
        project_path=project, runtime_params={"synthetic": BLOCKS}
    ) as session:
        session.run(pipeline_names=["synthetic"])
    return project / "data" / "01_raw"


@pytest.fixture(scope="module")
def blocked_raw(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("blocks"), "project")


def _load(raw, name):
    return OlistCSVDataset(filepath=str(raw / name)).load()


def test_blocks_make_one_joinable_data_set(blocked_raw):
    orders = _load(blocked_raw, "olist_orders_dataset.csv")
    customers = _load(blocked_raw, "olist_customers_dataset.csv")
    assert abs(len(orders) / (99_441 * 0.04) - 1) < 0.05
    assert orders["order_id"].is_unique and customers["customer_id"].is_unique
    assert set(orders["customer_id"]) == set(customers["customer_id"])
    for name in ("olist_order_items_dataset.csv", "olist_order_reviews_dataset.csv"):
        assert set(_load(blocked_raw, name)["order_id"]) <= set(orders["order_id"])
    truth = _load(blocked_raw, "synthetic_personas.csv")
    assert set(truth["customer_unique_id"]) == set(customers["customer_unique_id"])
    assert truth["customer_unique_id"].is_unique
    geolocation = _load(blocked_raw, "olist_geolocation_dataset.csv")
    assert abs(len(geolocation) / (1_000_163 * 0.04) - 1) < 0.01
    assert data_source(blocked_raw)["kind"] == "synthetic"


def test_blocks_are_deterministic(blocked_raw, tmp_path):
    again = _run(tmp_path, "again")
    for path in sorted(blocked_raw.glob("*.csv")):
        digest = hashlib.md5((again / path.name).read_bytes()).hexdigest()
        assert digest == hashlib.md5(path.read_bytes()).hexdigest(), path.name


class _Recorder(AbstractDataset[pd.DataFrame, pd.DataFrame]):
    """Counts the rows saved to it; checks that the frames it saved before are gone."""

    def __init__(self) -> None:
        self.rows, self.saves, self.earlier = 0, 0, []

    def save(self, data: pd.DataFrame) -> None:
        gc.collect()
        assert all(ref() is None for ref in self.earlier), "an earlier block is alive"
        self.rows += len(data)
        self.saves += 1
        self.earlier.append(weakref.ref(data))

    def load(self) -> pd.DataFrame:
        raise NotImplementedError

    def _describe(self) -> dict:
        return {}


def test_kedro_holds_one_block_at_a_time():
    outputs = {name: _Recorder() for name in RAW}
    params = SyntheticParams.model_validate(synthetic_params(**BLOCKS))
    catalog = DataCatalog(
        datasets={"params:synthetic": MemoryDataset(params), **outputs}
    )
    SequentialRunner().run(create_pipeline(), catalog)
    for name in ("raw_orders", "raw_customers", "raw_geolocation"):
        assert outputs[name].saves == 4, name
    assert outputs["raw_orders"].rows == outputs["raw_customers"].rows
    assert abs(outputs["raw_orders"].rows / (99_441 * 0.04) - 1) < 0.05


def test_a_released_chunk_cannot_be_read_as_empty():
    chunks = released_once_saved([(1, 2), (3, 4)])
    first = next(chunks)
    assert first[1] == 2
    next(chunks)
    with pytest.raises(RuntimeError, match="read after the next one"):
        first[0]
