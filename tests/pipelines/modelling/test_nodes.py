"""Unit tests of the modelling nodes: parameters, model input, fit, outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from pydantic import ValidationError
from sklearn.base import clone

from olist_segmentation.pipelines.modelling.model_ops import (
    n_segments,
    predict_in_batches,
)
from olist_segmentation.pipelines.modelling.nodes import (
    assign_training_segments,
    build_customer_segments,
    fit_segmentation_model,
    predict_segments,
    prepare_model_input,
)
from olist_segmentation.pipelines.modelling.params import ModellingParams
from olist_segmentation.pipelines.modelling.segmenter import ALGORITHMS, build_model

from .features_factory import FEATURES, LOG_FEATURES, make_features, modelling_params


def _kmeans(k: int = 4):
    return build_model(
        algorithm="kmeans",
        params={"n_clusters": k},
        features=FEATURES,
        log_features=LOG_FEATURES,
        transform="log_standard",
        seed=1,
        fit_sample_size=None,
    )


def test_model_input_keeps_features_and_fills_gaps():
    features = make_features(20)
    model_input = prepare_model_input(features, modelling_params())
    assert list(model_input.columns) == ["person_key", *FEATURES]
    assert not model_input.isna().any().any()
    gap = features["review_score_mean"].isna()
    assert gap.any()
    assert (
        model_input.loc[gap, "review_score_mean"]
        == features["review_score_mean"].median()
    ).all()
    assert features["review_score_mean"].isna().any()  # input untouched


def test_model_input_names_missing_feature():
    with pytest.raises(ValueError, match=r"customer_features.*'monetary'"):
        prepare_model_input(
            make_features(5).drop(columns="monetary"), modelling_params()
        )


@pytest.mark.parametrize(
    ("overrides", "location"),
    [
        ({"selection": {"min_cluster": 3}}, "selection.min_cluster"),
        ({"selection": {"stability": {"min_ari": 1.5}}}, "selection.stability.min_ari"),
        ({"transforms": ["minmax"]}, "transforms.0"),
        ({"scaler": "standard"}, "scaler"),
    ],
)
def test_parameters_reject_typos_and_bad_values_naming_the_key(overrides, location):
    values = {**modelling_params().model_dump(), **overrides}
    with pytest.raises(ValidationError) as error:
        ModellingParams.model_validate(values)
    assert location in str(error.value)
    with pytest.raises(ValidationError, match="log_features"):
        ModellingParams(features=["monetary"], log_features=["frequency"])
    space = {"algorithm": "gmm", "grid": {"n_components": [3]}}
    with pytest.raises(ValidationError, match="the key must be its algorithm"):
        ModellingParams(features=["monetary"], candidates={"kmeans": space})


def test_fit_refits_the_selected_model_on_every_person():
    model_input = prepare_model_input(make_features(50), modelling_params())
    selected = _kmeans()
    fitted = fit_segmentation_model(model_input, selected)
    assert fitted is not selected and not hasattr(selected[-1], "estimator_")
    assert n_segments(fitted) == 4
    segments = assign_training_segments(model_input, fitted)
    assert segments["person_key"].tolist() == model_input["person_key"].tolist()
    expected = clone(selected).fit(model_input).predict(model_input)
    np.testing.assert_array_equal(segments["segment"], expected)
    assert segments["segment"].dtype == "int64"


def test_batches_assign_what_one_predict_assigns():
    model_input = prepare_model_input(make_features(50), modelling_params())
    fitted = fit_segmentation_model(model_input, _kmeans())
    whole = fitted.predict(model_input)
    for batch_rows in (1, 7, 50, 10_000):
        batched = predict_in_batches(fitted, model_input, batch_rows)
        np.testing.assert_array_equal(batched, whole)
    assert predict_in_batches(fitted, model_input.iloc[:0]).shape == (0,)


def test_predict_segments_and_customer_segments():
    features = make_features(30)
    model_input = prepare_model_input(features, modelling_params())
    model = _kmeans().fit(model_input)
    names = {str(k): f"segment {k}" for k in range(4)}
    predicted = predict_segments(model_input.drop(columns="person_key"), model, names)
    assert list(predicted.columns) == ["segment", "segment_name"]
    predicted = predict_segments(model_input, model, names)
    np.testing.assert_array_equal(predicted["segment"], model.predict(model_input))
    assert predicted["segment_name"].tolist() == [
        f"segment {k}" for k in predicted["segment"]
    ]
    id_map = pd.DataFrame(
        {
            "id_kind": pd.Categorical(
                ["customer_unique_id"] * len(features) + ["order_id"]
            ),
            "key": np.append(features["person_key"].to_numpy(), 1).astype("uint32"),
            "olist_id": [f"{k:032x}" for k in features["person_key"]] + ["f" * 32],
        }
    )
    segments = build_customer_segments(predicted, id_map)
    assert list(segments.columns) == ["customer_unique_id", "segment", "segment_name"]
    assert segments["customer_unique_id"].tolist() == [
        f"{k:032x}" for k in model_input["person_key"]
    ]
    with pytest.raises(ValueError, match="no name for segment"):
        predict_segments(model_input, model, {"0": "only one"})
    with pytest.raises(ValueError, match="id_map: 1 person_key"):
        build_customer_segments(predicted, id_map.iloc[1:])


def test_the_configured_parameters_validate():
    path = Path(__file__).parents[3] / "conf" / "base" / "parameters_modelling.yml"
    params = ModellingParams.model_validate(
        yaml.safe_load(path.read_text())["modelling"]
    )
    assert set(params.candidates) == set(ALGORITHMS)
    assert all(space.algorithm == name for name, space in params.candidates.items())
    assert 4 <= params.selection.min_clusters <= params.selection.max_clusters <= 8
    assert params.selection.min_cluster_share >= 0.03
    assert params.selection.stability.min_ari >= 0.9
