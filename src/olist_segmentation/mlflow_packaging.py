"""Package the inference half of the modelling pipeline as an MLflow model.

``kedro run`` runs a :class:`SegmentationPipelineML` (kedro-mlflow's ``PipelineML``):
at the end of a run that fitted the model, kedro-mlflow's hook logs the inference
pipeline (validate rows -> transform -> assign -> name) with its fitted artifacts as
one MLflow pyfunc model, registered under :data:`REGISTERED_MODEL_NAME`, so that
``mlflow.pyfunc.load_model(uri).predict(feature_rows)`` returns segment ids and names.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from typing import Any

import pandas as pd
from kedro.pipeline import Node, Pipeline
from kedro_mlflow.pipeline.pipeline_ml import PipelineML

logger = logging.getLogger(__name__)

MODEL_INPUT = "model_input"
INFERENCE_OUTPUT = "predicted_segments"
REGISTERED_MODEL_NAME = "olist_segmentation"
MODEL_NAME = "segmentation_pipeline"
#: Largest batch one ``predict`` call accepts (keeps one request from starving a server).
MAX_ROWS = 100_000


class InvalidFeatureRows(ValueError):
    """Feature rows that the model cannot score; the message names the problem."""


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
    """The unversioned copy of a fitted artifact that the logged model carries."""
    return f"serving_{artifact}"


def snapshot_for_serving(*artifacts: Any) -> tuple[Any, ...]:
    """The fitted artifacts, unchanged, to be saved as the copies the model carries."""
    return artifacts


def _artifacts(assign: Pipeline) -> list[str]:
    return sorted(
        name
        for name in assign.inputs() - {MODEL_INPUT}
        if not name.startswith("params:")
    )


def _assign_half(modelling: Pipeline) -> Pipeline:
    return modelling.only_nodes_with_tags("inference").to_outputs(INFERENCE_OUTPUT)


def serving_snapshot(modelling: Pipeline) -> Pipeline:
    """Copy the fitted artifacts of the inference half to unversioned datasets.

    kedro-mlflow logs an artifact by copying its dataset's folder; for a versioned
    dataset that is every version ever saved. The model carries these copies of
    this run's artifacts instead (history stays in the versioned datasets and in
    the MLflow registry).
    """
    artifacts = _artifacts(_assign_half(modelling))
    return Pipeline(
        [
            Node(
                func=snapshot_for_serving,
                inputs=artifacts,
                outputs=[serving_name(a) for a in artifacts],
                name="snapshot_model_for_serving",
                tags=["training"],
            )
        ]
    )


def inference_pipeline(modelling: Pipeline) -> Pipeline:
    """The packaged inference half: row validation, then the modelling nodes tagged
    ``inference`` that lead to :data:`INFERENCE_OUTPUT`, reading the serving copies
    of the fitted artifacts."""
    assign = _assign_half(modelling)
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
            **{a: serving_name(a) for a in _artifacts(assign)},
        },
    )
    return Pipeline([validate, rewired])


class SegmentationPipelineML(PipelineML):
    """A ``PipelineML`` that stays usable for partial runs.

    kedro-mlflow's ``PipelineML.filter`` refuses any filtered pipeline that no
    longer produces the inference artifacts, so ``kedro run --namespaces=gmm``
    would fail. Here such a partial run becomes a plain ``Pipeline``: it is
    tracked (parameters, metrics) but logs no model. A run that fits the model
    (it produces every artifact of the inference half) still logs it.
    """

    def _artifacts(self) -> set[str]:
        return {
            name
            for name in self.inference.inputs() - {self.input_name}
            if not name.startswith("params:")
        }

    def _turn_pipeline_to_ml(self, pipeline: Pipeline) -> Pipeline:
        missing = self._artifacts() - pipeline.all_outputs()
        if missing:
            logger.info(
                "This run does not produce %s: no MLflow model will be logged.",
                ", ".join(sorted(missing)),
            )
            return Pipeline(pipeline.nodes)
        return SegmentationPipelineML(
            pipeline.nodes,
            inference=self.inference,
            input_name=self.input_name,
            kpm_kwargs=self.kpm_kwargs,
            log_model_kwargs=self.log_model_kwargs,
        )

    def filter(  # noqa: PLR0913
        self,
        *,
        tags: Iterable[str] | None = None,
        from_nodes: Iterable[str] | None = None,
        to_nodes: Iterable[str] | None = None,
        node_names: Iterable[str] | None = None,
        from_inputs: Iterable[str] | None = None,
        to_outputs: Iterable[str] | None = None,
        node_namespaces: Iterable[str] | None = None,
    ) -> Pipeline:
        """Filter like ``Pipeline.filter``; see the class docstring for the result."""
        filtered = self.training.filter(
            tags=tags,
            from_nodes=from_nodes,
            to_nodes=to_nodes,
            node_names=node_names,
            from_inputs=from_inputs,
            to_outputs=to_outputs,
            node_namespaces=node_namespaces,
        )
        return self._turn_pipeline_to_ml(filtered)


def package_training(training: Pipeline, modelling: Pipeline) -> Pipeline:
    """Bind ``training`` (the whole default run) to the inference half of ``modelling``.

    Returns ``training`` unchanged (with a warning) when ``modelling`` has no
    inference half yet, so that the rest of the project still runs.
    """
    if INFERENCE_OUTPUT not in modelling.all_outputs():
        logger.warning(
            "The modelling pipeline has no '%s' output: no MLflow model is packaged.",
            INFERENCE_OUTPUT,
        )
        return training
    return SegmentationPipelineML(
        (training + serving_snapshot(modelling)).nodes,
        inference=inference_pipeline(modelling),
        input_name=MODEL_INPUT,
        log_model_kwargs={
            "name": MODEL_NAME,
            "registered_model_name": REGISTERED_MODEL_NAME,
            "signature": "auto",
        },
    )
