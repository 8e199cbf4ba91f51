"""Project pipelines."""

from __future__ import annotations

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

from olist_segmentation.pipelines import DEFAULT_PIPELINES


def register_pipelines() -> dict[str, Pipeline]:
    """Register every pipeline by its folder name; ``__default__`` is the real work.

    ``__default__`` is a plain ``Pipeline`` of :data:`DEFAULT_PIPELINES`, so every
    filter of ``kedro run`` applies to it (``--namespaces=gmm``, ``--tags``,
    ``--from-nodes``, ``--to-nodes``); kedro-mlflow tracks it (parameters, metrics)
    but registers no model. ``training`` (``pipelines/training``) is the same work as
    kedro-mlflow's ``pipeline_ml_factory``: ``kedro run --pipelines=training`` also
    registers the model and logs what the front door serves.
    """
    pipelines = find_pipelines(raise_errors=True)
    pipelines["__default__"] = sum(
        (pipelines[name] for name in DEFAULT_PIPELINES if name in pipelines),
        start=Pipeline([]),
    )
    return pipelines
