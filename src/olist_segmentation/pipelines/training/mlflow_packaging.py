"""Package one complete run for MLflow: the inference half as a model, and what the
front door serves beside it.

The ``training`` pipeline is kedro-mlflow's ``pipeline_ml_factory(training=...,
inference=..., input_name=...)``: at the end of a ``kedro run --pipelines=training``
that completed, kedro-mlflow's hook logs the inference pipeline (validate rows ->
assign -> name) with its fitted artifacts as one MLflow pyfunc model, registered
under :data:`REGISTERED_MODEL_NAME`, so that
``mlflow.pyfunc.load_model(uri).predict(feature_rows)`` returns segment ids and
names. The model carries this run's copies of :data:`MODEL_ARTIFACTS` (the fitted
segmentation model and its segment names) and nothing else; the same run logs, as
artifacts under :data:`RUN_ARTIFACT_PATH`, this run's copies of :data:`RUN_ARTIFACTS`
(``conf/base/catalog_mlflow.yml``). The scoring service and the app serve the
fitted model and names of the registered version, and read the rest from its run,
never "the latest" of each versioned dataset, so they always serve one complete run. A plain ``kedro run``
(``__default__``) has neither the copies nor the packaging: it registers nothing.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import pandas as pd
from kedro.pipeline import Node, Pipeline
from kedro_mlflow.pipeline import pipeline_ml_factory

from olist_segmentation.pipelines.feature_engineering.nodes import resolve_snapshot
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)

logger = logging.getLogger(__name__)

MODEL_INPUT = "model_input"
INFERENCE_OUTPUT = "predicted_segments"
REGISTERED_MODEL_NAME = "olist_segmentation"
MODEL_NAME = "segmentation_pipeline"
#: What the packaged inference pipeline reads besides the rows: the registered
#: model version carries this run's copy of each (``serving_<name>``).
MODEL_ARTIFACTS = ("segmentation_model", "segment_names")
#: Folder of the MLflow run holding :data:`RUN_ARTIFACTS` (``catalog_mlflow.yml``).
RUN_ARTIFACT_PATH = "front_door"
#: What else the front door serves of one run, copied and logged by the run itself.
RUN_ARTIFACTS = (
    "segment_profiles",
    "customer_segments",
    "maintenance_recommendation",
    "data_quality_report",
    "stability_snapshots",
    "customer_value",
    "clv_purchase_model",
    "clv_spend_model",
)
#: When the training data ends and the feature settings of the run
#: (``serving_training_window``), so that the front door scores as of the same date.
TRAINING_WINDOW = "training_window"
#: Most feature rows one ``predict`` call of the packaged model, one request of the
#: scoring service or one CSV upload accepts: one request must not starve a server
#: (10,000 rows validate and score in well under a second; a whole customer base is
#: scored by the pipeline, in batches, not through a request).
MAX_ROWS = 10_000


def validate_feature_rows(model_input: pd.DataFrame) -> pd.DataFrame:
    """Reject batches the model cannot score: empty, too large, or with non-finite values.

    Column names and dtypes are enforced by the MLflow signature before this node;
    this node checks values. Raises ``mlflow``'s ``MlflowException`` with
    ``INVALID_PARAMETER_VALUE`` so that MLflow's model server answers 400, naming
    the column, the rule and the count.
    """
    problems = _row_problems(model_input)
    if problems:
        from mlflow.exceptions import MlflowException  # noqa: PLC0415

        raise MlflowException.invalid_parameter_value("; ".join(problems))
    return model_input


def _row_problems(frame: pd.DataFrame) -> list[str]:
    if not isinstance(frame, pd.DataFrame):
        return [f"expected a table of feature rows, got {type(frame).__name__}"]
    if len(frame) == 0:
        return ["no feature rows: send at least one row"]
    if len(frame) > MAX_ROWS:
        return [f"{len(frame)} rows in one request: at most {MAX_ROWS} are accepted"]
    problems = []
    for column in frame.columns:
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(
            values
        ):
            continue
        as_float = values.astype("float64")
        missing = int(as_float.isna().sum())
        if missing:
            problems.append(f"column '{column}': {missing} missing value(s)")
        infinite = int(as_float.map(math.isinf, na_action="ignore").sum())
        if infinite:
            problems.append(f"column '{column}': {infinite} infinite value(s)")
    return problems


def serving_name(artifact: str) -> str:
    """The run's own copy of ``artifact``, logged to MLflow (``catalog_mlflow.yml``)."""
    return f"serving_{artifact}"


def snapshot_for_serving(*artifacts: object) -> tuple[object, ...]:
    """The run's artifacts, unchanged, to be saved as the copies MLflow logs."""
    return artifacts


def describe_training_window(
    primary_orders: pd.DataFrame, feature_engineering: FeatureEngineeringParams
) -> dict[str, Any]:
    """The date the run's features were computed as of, and its feature settings."""
    as_of = resolve_snapshot(primary_orders, feature_engineering.snapshot_date)
    return {
        "as_of": as_of.isoformat(),
        "feature_engineering": feature_engineering.model_dump(mode="json"),
    }


def serving_snapshot(training: Pipeline) -> Pipeline:
    """Copy this run's :data:`MODEL_ARTIFACTS` and :data:`RUN_ARTIFACTS` (those
    ``training`` produces) and its :data:`TRAINING_WINDOW` to the unversioned
    ``serving_*`` datasets: the model carries the first, the others log themselves
    to the MLflow run.

    kedro-mlflow logs a model's artifact by copying its dataset's folder; for a
    versioned dataset that is every version ever saved. The model and the run carry
    these copies of this run's outputs instead (history stays in the versioned
    datasets and in the MLflow registry).
    """
    produced = [
        name
        for name in (*MODEL_ARTIFACTS, *RUN_ARTIFACTS)
        if name in training.all_outputs()
    ]
    window = Node(
        func=describe_training_window,
        inputs=["primary_orders", "params:feature_engineering"],
        outputs=serving_name(TRAINING_WINDOW),
        name="describe_training_window",
        tags=["training"],
    )
    copy = Node(
        func=snapshot_for_serving,
        inputs=produced,
        outputs=[serving_name(name) for name in produced],
        name="snapshot_run_for_serving",
        tags=["training"],
    )
    return Pipeline([window, copy])


def inference_pipeline(modelling: Pipeline) -> Pipeline:
    """The packaged inference half: row validation, then the modelling nodes tagged
    ``inference`` that lead to :data:`INFERENCE_OUTPUT`, reading the serving copies
    of the fitted artifacts."""
    assign = modelling.only_nodes_with_tags("inference").to_outputs(INFERENCE_OUTPUT)
    artifacts = {
        name
        for name in assign.inputs() - {MODEL_INPUT}
        if not name.startswith("params:")
    }
    validate = Node(
        func=validate_feature_rows,
        inputs=MODEL_INPUT,
        outputs="validated_model_input",
        name="validate_feature_rows",
        tags=["inference"],
    )
    rewired = Pipeline(
        assign,
        inputs={
            MODEL_INPUT: "validated_model_input",
            **{name: serving_name(name) for name in artifacts},
        },
    )
    return Pipeline([validate, rewired])


def package_training(training: Pipeline, modelling: Pipeline) -> Pipeline:
    """``training`` (the nodes of ``__default__``) plus the serving copies, bound with
    ``pipeline_ml_factory`` to the inference half of ``modelling``.

    Returns ``training`` unchanged (with a warning) when ``modelling`` has no
    inference half, so that the rest of the project still runs.
    """
    if INFERENCE_OUTPUT not in modelling.all_outputs():
        logger.warning(
            "The modelling pipeline has no '%s' output: no MLflow model is packaged.",
            INFERENCE_OUTPUT,
        )
        return training
    return pipeline_ml_factory(
        training=training + serving_snapshot(training),
        inference=inference_pipeline(modelling),
        input_name=MODEL_INPUT,
        log_model_kwargs={
            "name": MODEL_NAME,
            "registered_model_name": REGISTERED_MODEL_NAME,
            "signature": "auto",
        },
    )
