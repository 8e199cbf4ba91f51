"""Project pipelines."""

from __future__ import annotations

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

from olist_segmentation.mlflow_packaging import package_training

# The real work, in data-flow order. ``synthetic`` only writes raw data and is
# never part of the default run.
DEFAULT_PIPELINES = (
    "data_engineering",
    "feature_engineering",
    "modelling",
    "stability",
    "reporting",
)


def register_pipelines() -> dict[str, Pipeline]:
    """Register every pipeline by its folder name; ``__default__`` is the real work.

    When modelling is loaded, ``__default__`` is kedro-mlflow's
    ``pipeline_ml_factory(training=..., inference=..., input_name=...)``: a complete
    ``kedro run`` logs and registers its inference half in MLflow, with this run's
    artifacts for the front door (``mlflow_packaging``). The registered pipelines
    themselves stay plain, so partial runs filter them freely:
    ``kedro run --pipelines=modelling --namespaces=gmm`` (kedro-mlflow refuses to
    filter ``__default__`` down to a part that does not fit the model).
    """
    pipelines = find_pipelines(raise_errors=True)
    default = sum(
        (pipelines[name] for name in DEFAULT_PIPELINES if name in pipelines),
        start=Pipeline([]),
    )
    if "modelling" in pipelines:
        default = package_training(default, pipelines["modelling"])
    pipelines["__default__"] = default
    return pipelines
