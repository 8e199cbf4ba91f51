"""The registry: ``__default__`` plain for every filter, ``training`` packaged."""

from __future__ import annotations

import pytest
from kedro.framework.project import configure_project, pipelines
from kedro.pipeline import Pipeline
from kedro_mlflow.pipeline.pipeline_ml import PipelineML

from olist_segmentation.pipelines import DEFAULT_PIPELINES
from tests.integration.processes import kedro


@pytest.fixture(scope="module")
def registered():
    configure_project("olist_segmentation")
    return dict(pipelines)


def test_default_is_the_plain_sum_of_the_work(registered):
    default = registered["__default__"]
    assert type(default) is Pipeline
    expected = sum((registered[name] for name in DEFAULT_PIPELINES), Pipeline([]))
    assert {n.name for n in default.nodes} == {n.name for n in expected.nodes}
    assert "synthetic" not in DEFAULT_PIPELINES


def test_training_is_registered_as_a_pipeline_ml_of_its_own(registered):
    assert type(registered["training"]) is PipelineML
    for name in (*DEFAULT_PIPELINES, "synthetic"):
        assert not isinstance(registered[name], PipelineML), name


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"node_namespaces": ["gmm"]}, {"gmm.evaluate_candidates"}),
        ({"tags": ["inference"]}, {"predict_segments"}),
        (
            {"from_nodes": ["combine_candidates"], "to_nodes": ["select_candidate"]},
            {"combine_candidates", "select_candidate"},
        ),
    ],
)
def test_every_filter_applies_to_the_default(registered, kwargs, expected):
    filtered = registered["__default__"].filter(**kwargs)
    assert type(filtered) is Pipeline
    assert {n.name for n in filtered.nodes} == expected


@pytest.mark.slow
def test_registry_list_shows_training(project_copy):
    done = kedro(project_copy, "registry", "list", timeout=120)
    assert done.returncode == 0, done.stderr[-4000:]
    listed = {line.removeprefix("- ") for line in done.stdout.splitlines()}
    assert {"__default__", "training", *DEFAULT_PIPELINES} <= listed
