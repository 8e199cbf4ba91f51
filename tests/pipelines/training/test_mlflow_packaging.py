"""The pipeline_ml_factory packaging: partial runs, the inference half, the run's
artifacts and row validation."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog
from kedro.pipeline import Node, Pipeline
from kedro_datasets.json import JSONDataset
from kedro_datasets.pickle import PickleDataset
from kedro_mlflow.mlflow import KedroPipelineModel
from mlflow.exceptions import MlflowException

from olist_segmentation.pipelines import modelling
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from olist_segmentation.pipelines.modelling.segmenter import build_model
from olist_segmentation.pipelines.training.mlflow_packaging import (
    MAX_ROWS,
    MODEL_ARTIFACTS,
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
from tests.pipelines.modelling.features_factory import (
    FEATURES,
    LOG_FEATURES,
    make_features,
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


def test_full_run_copies_only_what_it_produces():
    packaged = package_training(_training(), _modelling())
    (snapshot,) = [n for n in packaged.nodes if n.name == "snapshot_run_for_serving"]
    # Of MODEL_ARTIFACTS and RUN_ARTIFACTS, this training produces only the model.
    assert snapshot.inputs == ["segmentation_model"]
    assert snapshot.outputs == ["serving_segmentation_model"]
    assert packaged.inference.inputs() == {MODEL_INPUT, "serving_segmentation_model"}


@pytest.fixture(scope="module")
def packaged_model(tmp_path_factory):
    """The real inference half as kedro-mlflow packages it (``KedroPipelineModel``,
    what ``mlflow.pyfunc.load_model`` unpickles), loaded from artifact files of a
    model fitted on planted groups: the fitted model and the model."""
    folder = tmp_path_factory.mktemp("packaged")
    fitted = build_model(
        algorithm="kmeans",
        params={"n_clusters": 4},
        features=FEATURES,
        log_features=LOG_FEATURES,
        transform="log_standard",
        seed=3,
        fit_sample_size=None,
    ).fit(make_features(60, seed=0))
    names = {str(segment): f"segment {segment}" for segment in range(4)}
    artifacts = {
        serving_name("segmentation_model"): str(folder / "segmentation_model.pkl"),
        serving_name("segment_names"): str(folder / "segment_names.json"),
    }
    datasets = {
        serving_name("segmentation_model"): PickleDataset(
            filepath=artifacts[serving_name("segmentation_model")]
        ),
        serving_name("segment_names"): JSONDataset(
            filepath=artifacts[serving_name("segment_names")]
        ),
    }
    datasets[serving_name("segmentation_model")].save(fitted)
    datasets[serving_name("segment_names")].save(names)
    inference = inference_pipeline(modelling.create_pipeline())
    model = KedroPipelineModel(
        pipeline=inference, catalog=DataCatalog(datasets), input_name=MODEL_INPUT
    )
    model.load_context(SimpleNamespace(artifacts=artifacts))
    return fitted, model


def _rows(n_per_group: int, seed: int) -> pd.DataFrame:
    """Feature rows as the packaged model accepts them: complete (model_input)."""
    return make_features(n_per_group, seed=seed)[["person_key", *FEATURES]].dropna()


def test_packaged_inference_scores_like_the_fitted_model(packaged_model):
    # The real modelling pipeline's inference half reads exactly the serving copies
    # of MODEL_ARTIFACTS (what the registered version carries), and scores with them.
    fitted, model = packaged_model
    unseen = _rows(10, seed=5)
    predicted = model.predict(None, unseen)
    expected = fitted.predict(unseen)
    np.testing.assert_array_equal(predicted["segment"].to_numpy(), expected)
    assert predicted["segment_name"].tolist() == [f"segment {s}" for s in expected]
    assert predicted["person_key"].tolist() == unseen["person_key"].tolist()


def test_packaged_inference_refuses_bad_rows_first(packaged_model):
    _, model = packaged_model
    rows = _rows(3, seed=6)
    rows.loc[rows.index[0], "monetary"] = np.inf
    with pytest.raises(MlflowException, match="'monetary': 1 infinite") as info:
        model.predict(None, rows)
    assert info.value.get_http_status_code() == 400


def test_registered_model_reads_only_model_artifacts():
    inference = inference_pipeline(modelling.create_pipeline())
    artifacts = {
        name
        for name in inference.inputs() - {MODEL_INPUT}
        if not name.startswith("params:")
    }
    assert artifacts == {serving_name(a) for a in MODEL_ARTIFACTS}
    assert not set(MODEL_ARTIFACTS) & set(RUN_ARTIFACTS)


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
    for name in MODEL_ARTIFACTS:
        # One file the model carries (a versioned dataset would carry every
        # version), not also logged to the run: one copy of the model.
        entry = catalog[serving_name(name)]
        assert "versioned" not in entry, name
        assert "Mlflow" not in entry["type"], name
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
