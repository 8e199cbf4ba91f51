"""The ``training`` pipeline: the default run's nodes, packaged for the front door.

kedro-mlflow's documented way in: a pipeline of its own made with
``pipeline_ml_factory(training=..., inference=..., input_name=...)``
(``mlflow_packaging.package_training``). ``kedro run --pipelines=training`` runs every
node of ``__default__`` plus the two that copy the run's artifacts for serving; at
its end kedro-mlflow logs the inference half as a model, registered for the front
door, beside the run's ``front_door/`` artifacts. A partial run filters
``__default__``, which stays a plain ``Pipeline`` (kedro-mlflow refuses to filter a
``PipelineML`` down to nodes that do not produce its model's inputs).

It lives in its own folder so that Kedro's selective loading finds it when it alone
is requested; it builds the pipelines it packages itself.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from kedro.pipeline import Pipeline

from olist_segmentation.pipelines import DEFAULT_PIPELINES

from .mlflow_packaging import package_training


def create_pipeline(**kwargs: Any) -> Pipeline:
    """``DEFAULT_PIPELINES`` bound to the modelling pipeline's inference half."""
    parts = {
        name: import_module(f"olist_segmentation.pipelines.{name}").create_pipeline()
        for name in DEFAULT_PIPELINES
    }
    return package_training(sum(parts.values(), start=Pipeline([])), parts["modelling"])
