"""The PipelineML packaging: partial runs, the inference half and row validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from kedro.pipeline import Node, Pipeline
from kedro_mlflow.pipeline.pipeline_ml import PipelineML
from mlflow.exceptions import MlflowException

from olist_segmentation.mlflow_packaging import (
    MAX_ROWS,
    MODEL_INPUT,
    SegmentationPipelineML,
    inference_pipeline,
    package_training,
    validate_feature_rows,
)


def _identity(x):
    return x


def _two(x, y):
    return x


def _modelling() -> Pipeline:
    candidates = Pipeline(
        [Node(_identity, "model_input", "candidates", name="score_candidates")],
        namespace="kmeans",
        inputs={"model_input"},
    )
    return Pipeline(
        [
            candidates,
            Node(
                _two,
                ["model_input", "kmeans.candidates"],
                "segmentation_model",
                name="fit_model",
                tags=["training"],
            ),
            Node(
                _two,
                ["model_input", "segmentation_model"],
                "predicted_segments",
                name="predict_segments",
                tags=["inference"],
            ),
        ]
    )


def _training() -> Pipeline:
    upstream = Node(_identity, "raw", "model_input", name="build_model_input")
    return Pipeline([upstream]) + _modelling()


def test_inference_half_starts_with_validation_and_has_one_output():
    inference = inference_pipeline(_modelling())
    assert inference.inputs() == {MODEL_INPUT, "serving_segmentation_model"}
    assert inference.outputs() == {"predicted_segments"}
    assert [n.name for n in inference.nodes] == [
        "validate_feature_rows",
        "predict_segments",
    ]


def test_full_run_is_a_pipeline_ml_that_logs_the_model():
    packaged = package_training(_training(), _modelling())
    assert isinstance(packaged, SegmentationPipelineML)
    snapshot = packaged.only_nodes("snapshot_model_for_serving")
    assert snapshot.outputs() == {"serving_segmentation_model"}
    assert isinstance(packaged.filter(), PipelineML)
    assert packaged.log_model_kwargs["registered_model_name"] == "olist_segmentation"


def test_partial_run_without_the_model_is_a_plain_pipeline():
    packaged = package_training(_training(), _modelling())
    only_kmeans = packaged.filter(node_namespaces=["kmeans"])
    assert not isinstance(only_kmeans, PipelineML)
    assert [n.name for n in only_kmeans.nodes] == ["kmeans.score_candidates"]


def test_partial_run_that_fits_the_model_still_logs_it():
    packaged = package_training(_training(), _modelling())
    assert isinstance(packaged.filter(from_nodes=["fit_model"]), PipelineML)


def test_summing_with_the_empty_pipeline_keeps_it_a_pipeline_ml():
    packaged = package_training(_training(), _modelling())
    assert isinstance(Pipeline([]) + packaged, SegmentationPipelineML)


def test_modelling_without_inference_half_is_left_unpackaged():
    training = _training()
    unpackaged = package_training(training, Pipeline(_modelling().nodes[:2]))
    assert unpackaged is training


def test_valid_rows_pass_unchanged():
    rows = pd.DataFrame({"recency": [1.0, 2.0], "frequency": [1, 3]})
    pd.testing.assert_frame_equal(validate_feature_rows(rows), rows)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (pd.DataFrame({"recency": pd.Series([], dtype=float)}), "no feature rows"),
        (pd.DataFrame({"recency": [1.0, np.nan, np.nan]}), "'recency': 2 missing"),
        (pd.DataFrame({"monetary": [np.inf, 1.0]}), "'monetary': 1 infinite"),
        (pd.DataFrame({"x": np.zeros(MAX_ROWS + 1)}), f"at most {MAX_ROWS}"),
    ],
)
def test_invalid_rows_raise_a_400_naming_the_problem(rows, expected):
    with pytest.raises(MlflowException, match=expected) as info:
        validate_feature_rows(rows)
    assert info.value.get_http_status_code() == 400
