"""The ``training`` pipeline: the default run's nodes packaged by pipeline_ml_factory."""

from __future__ import annotations

from importlib import import_module

import pytest
from kedro.pipeline import Pipeline
from kedro_mlflow.pipeline.pipeline_ml import KedroMlflowPipelineMLError, PipelineML

from olist_segmentation.pipelines import DEFAULT_PIPELINES, training
from olist_segmentation.pipelines.training.mlflow_packaging import (
    MODEL_ARTIFACTS,
    MODEL_INPUT,
    RUN_ARTIFACTS,
)


@pytest.fixture(scope="module")
def packaged() -> Pipeline:
    return training.create_pipeline()


def test_training_is_the_factory_pipeline_ml(packaged):
    assert type(packaged) is PipelineML
    assert packaged.input_name == MODEL_INPUT
    assert packaged.inference.outputs() == {"predicted_segments"}
    assert packaged.log_model_kwargs["registered_model_name"] == "olist_segmentation"
    (snapshot,) = [n for n in packaged.nodes if n.name == "snapshot_run_for_serving"]
    assert sorted(snapshot.inputs) == sorted((*MODEL_ARTIFACTS, *RUN_ARTIFACTS))


def test_training_is_the_default_work_plus_the_serving_copies(packaged):
    work = {
        node.name
        for name in DEFAULT_PIPELINES
        for node in import_module(f"olist_segmentation.pipelines.{name}")
        .create_pipeline()
        .nodes
    }
    names = {node.name for node in packaged.nodes}
    assert work <= names
    assert names - work == {"describe_training_window", "snapshot_run_for_serving"}


def test_training_refuses_a_filter_that_leaves_out_the_model(packaged):
    # Why partial runs filter the plain ``__default__`` instead.
    with pytest.raises(KedroMlflowPipelineMLError, match="free for the inference"):
        packaged.filter(node_namespaces=["gmm"])
