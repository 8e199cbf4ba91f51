"""The pipeline_ml_factory packaging: partial runs, the inference half, the run's
artifacts and row validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from kedro.config import OmegaConfigLoader
from kedro.pipeline import Node, Pipeline
from kedro_mlflow.pipeline.pipeline_ml import PipelineML
from mlflow.exceptions import MlflowException

from olist_segmentation.pipelines import modelling
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from olist_segmentation.pipelines.training.mlflow_packaging import (
    MAX_ROWS,
    MODEL_INPUT,
    RUN_ARTIFACT_PATH,
    RUN_ARTIFACTS,
    describe_training_window,
    inference_pipeline,
    package_training,
    serving_name,
    validate_feature_rows,
)
from tests.conftest import PROJECT_ROOT


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
    assert type(packaged) is PipelineML
    (snapshot,) = [n for n in packaged.nodes if n.name == "snapshot_run_for_serving"]
    # Only the run artifacts this training produces are copied.
    assert snapshot.inputs == ["segmentation_model"]
    assert snapshot.outputs == ["serving_segmentation_model"]
    assert packaged.input_name == MODEL_INPUT
    assert packaged.log_model_kwargs["registered_model_name"] == "olist_segmentation"


def test_the_packaged_model_reads_only_what_the_run_logs():
    # The real modelling pipeline: every fitted artifact the inference half reads is
    # a serving copy logged under front_door/, never a versioned dataset.
    inference = inference_pipeline(modelling.create_pipeline())
    artifacts = {
        name
        for name in inference.inputs() - {MODEL_INPUT}
        if not name.startswith("params:")
    }
    assert artifacts == {
        serving_name(a) for a in ("segmentation_model", "segment_names")
    }
    assert {serving_name(a) for a in RUN_ARTIFACTS} >= artifacts
    assert inference.nodes[0].name == "validate_feature_rows"
    assert inference.outputs() == {"predicted_segments"}


@pytest.mark.parametrize(
    ("snapshot_date", "as_of"),
    [(None, "2018-08-29T10:00:00"), ("2018-06-01", "2018-06-01T00:00:00")],
)
def test_training_window_is_the_features_snapshot(snapshot_date, as_of):
    orders = pd.DataFrame(
        {"purchase_ts": pd.to_datetime(["2018-01-05 08:00", "2018-08-29 10:00"])}
    )
    settings = FeatureEngineeringParams(snapshot_date=snapshot_date, bad_review_max=3)
    window = describe_training_window(orders, settings)
    assert window == {
        "as_of": as_of,
        "feature_engineering": {"snapshot_date": snapshot_date, "bad_review_max": 3},
    }


def test_modelling_without_inference_half_is_left_unpackaged():
    training = _training()
    unpackaged = package_training(training, Pipeline(_modelling().nodes[:2]))
    assert unpackaged is training


def test_run_artifacts_have_logged_catalog_entries():
    loader = OmegaConfigLoader(
        conf_source=str(PROJECT_ROOT / "conf"), base_env="base", default_run_env="local"
    )
    catalog = loader["catalog"]
    for name in RUN_ARTIFACTS:
        entry = catalog[serving_name(name)]
        assert entry["type"].endswith("MlflowArtifactDataset"), name
        assert entry["artifact_path"] == RUN_ARTIFACT_PATH
        assert "versioned" not in entry["dataset"], name
        assert name in catalog, f"{name} is not a catalog entry"


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
