"""OneRunInputs: a run's versioned inputs are read from one Kedro run."""

from __future__ import annotations

import pytest
from kedro.io import DataCatalog, Version
from kedro.pipeline import Node, Pipeline
from kedro_datasets.json import JSONDataset

from olist_segmentation.run_versions import MixedRunInputs, OneRunInputs, choose_one_run

OLD, NEW, NEWER = (
    "2026-01-01T00.00.00.000Z",
    "2026-01-02T00.00.00.000Z",
    "2026-01-03T00.00.00.000Z",
)


def _catalog(tmp_path, written: dict[str, list[str]]) -> DataCatalog:
    datasets = {}
    for name, versions in written.items():
        for version in versions:
            JSONDataset(
                filepath=str(tmp_path / f"{name}.json"), version=Version(None, version)
            ).save({"name": name, "version": version})
        datasets[name] = JSONDataset(
            filepath=str(tmp_path / f"{name}.json"), version=Version(None, None)
        )
    return DataCatalog(datasets=datasets)


def _join(a, b):
    return [a, b]


PIPELINE = Pipeline(
    [Node(_join, ["profiles", "advice"], "report", name="write_report")]
)


def _run_hook(catalog, load_versions=None):
    OneRunInputs().before_pipeline_run(
        run_params={"load_versions": load_versions or {}},
        pipeline=PIPELINE,
        catalog=catalog,
    )


def test_inputs_of_one_run_are_left_alone(tmp_path):
    catalog = _catalog(tmp_path, {"profiles": [OLD, NEW], "advice": [OLD, NEW]})
    _run_hook(catalog)
    assert catalog.load("profiles")["version"] == NEW
    assert catalog.load("advice")["version"] == NEW


def test_after_a_killed_run_the_last_complete_run_is_read(tmp_path):
    # NEWER was killed after writing profiles only.
    catalog = _catalog(tmp_path, {"profiles": [OLD, NEW, NEWER], "advice": [OLD, NEW]})
    _run_hook(catalog)
    assert catalog.load("profiles")["version"] == NEW
    assert catalog.load("advice")["version"] == NEW


def test_inputs_no_run_wrote_together_are_named(tmp_path):
    catalog = _catalog(tmp_path, {"profiles": [NEWER], "advice": [OLD]})
    with pytest.raises(
        MixedRunInputs, match=r"no Kedro run wrote all of \['advice', 'profiles'\]"
    ) as info:
        _run_hook(catalog)
    assert f"profiles: {NEWER}" in str(info.value)
    assert f"advice: {OLD}" in str(info.value)


def test_a_missing_input_is_named(tmp_path):
    catalog = _catalog(tmp_path, {"profiles": [NEW], "advice": []})
    with pytest.raises(MixedRunInputs, match="advice: no version"):
        _run_hook(catalog)


def test_pinned_versions_are_kept(tmp_path):
    catalog = _catalog(tmp_path, {"profiles": [OLD, NEWER], "advice": [OLD]})
    catalog["profiles"] = JSONDataset(
        filepath=str(tmp_path / "profiles.json"), version=Version(NEWER, None)
    )
    _run_hook(catalog, load_versions={"profiles": NEWER})
    assert catalog.load("profiles")["version"] == NEWER


def test_choose_one_run_picks_the_latest_shared_version():
    assert choose_one_run({"a": [NEWER, NEW, OLD], "b": [NEW, OLD]}) == NEW
    assert choose_one_run({"a": [NEW, OLD], "b": [NEW]}) is None


def test_an_unversioned_input_is_neither_checked_nor_replaced(tmp_path):
    catalog = _catalog(tmp_path, {"profiles": [OLD, NEW, NEWER], "advice": [OLD, NEW]})
    plain = JSONDataset(filepath=str(tmp_path / "plain.json"))
    plain.save({"name": "plain"})
    catalog["plain"] = plain
    pipeline = PIPELINE + Pipeline([Node(_join, ["plain", "advice"], "x", name="x")])
    OneRunInputs().before_pipeline_run(
        run_params={"load_versions": {}}, pipeline=pipeline, catalog=catalog
    )
    assert catalog["plain"] is plain
    assert catalog.load("profiles")["version"] == NEW
