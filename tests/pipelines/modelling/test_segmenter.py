"""Unit tests of the segmenter: spec, transform, predict on unseen rows, determinism."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import adjusted_rand_score

from olist_segmentation.pipelines.modelling.segmenter import (
    NOISE,
    make_segmenter,
    signed_log1p,
)

from .features_factory import FEATURES, LOG_FEATURES, make_features

SPECS = {
    "kmeans": {"n_clusters": 4},
    "gmm": {"n_components": 4, "covariance_type": "diag"},
    "dbscan": {"eps": 1.5, "min_samples": 10},
    "hdbscan": {"min_cluster_size": 20, "min_samples": 5},
}


def _spec(algorithm: str, **overrides) -> dict:
    spec = {
        "algorithm": algorithm,
        "params": SPECS[algorithm],
        "features": FEATURES,
        "log_features": LOG_FEATURES,
        "scaler": "standard",
        "seed": 3,
        "fit_sample_size": 400,
    }
    spec.update(overrides)
    return spec


@pytest.fixture(scope="module")
def frames():
    train = make_features(150, seed=0)
    unseen = make_features(40, seed=1)
    return train, unseen


@pytest.mark.parametrize("algorithm", list(SPECS))
def test_recovers_groups_and_predicts_unseen_rows(frames, algorithm):
    train, unseen = frames
    segmenter = make_segmenter(_spec(algorithm)).fit(train)
    assert segmenter.n_clusters_ == 4
    assert len(segmenter.sample_index_) == 400  # fitted on the sample only
    labels = segmenter.predict(unseen)
    assert labels.dtype.kind == "i"
    assert labels.min() >= 0  # noise is assigned to its nearest segment
    assert adjusted_rand_score(unseen["group"], labels) > 0.9
    assert adjusted_rand_score(train["group"], segmenter.predict(train)) > 0.9


@pytest.mark.parametrize("algorithm", list(SPECS))
def test_same_data_and_seed_give_identical_segments(frames, algorithm):
    train, _ = frames
    first = make_segmenter(_spec(algorithm)).fit_predict(train)
    second = clone(make_segmenter(_spec(algorithm))).fit(train).predict(train)
    np.testing.assert_array_equal(first, second)
    assert adjusted_rand_score(first, second) == 1.0


def test_segments_are_numbered_by_decreasing_size(frames):
    train, _ = frames
    train = train[train["group"] != 3].copy()
    train = train.iloc[: len(train) - 100]  # groups of unequal sizes
    segmenter = make_segmenter(_spec("kmeans", params={"n_clusters": 3})).fit(train)
    counts = np.bincount(segmenter.sample_labels_)
    assert list(counts) == sorted(counts, reverse=True)


def test_dbscan_noise_kept_by_predict_raw(frames):
    train, unseen = frames
    segmenter = make_segmenter(_spec("dbscan")).fit(train)
    far = unseen.head(3).copy()
    far["monetary"] = 1e9
    assert (segmenter.predict_raw(far) == NOISE).all()
    assert (segmenter.predict(far) >= 0).all()


def test_predict_ignores_column_order_and_extra_columns(frames):
    train, unseen = frames
    segmenter = make_segmenter(_spec("kmeans")).fit(train)
    shuffled = unseen[["group", *reversed(FEATURES)]]
    np.testing.assert_array_equal(
        segmenter.predict(unseen), segmenter.predict(shuffled)
    )


def test_transform_imputes_logs_and_scales(frames):
    train, _ = frames
    segmenter = make_segmenter(_spec("kmeans", scaler="none")).fit(train)
    row = train.head(1).copy()
    row["review_score_mean"] = np.nan
    space = segmenter.transform(row)
    median = np.nanmedian(train["review_score_mean"])
    assert space[0, FEATURES.index("review_score_mean")] == pytest.approx(median)
    assert space[0, FEATURES.index("monetary")] == pytest.approx(
        np.log1p(row["monetary"].iloc[0])
    )
    scaled = make_segmenter(_spec("kmeans")).fit(train).transform(train)
    np.testing.assert_allclose(scaled.mean(axis=0), 0, atol=1e-9)


def test_signed_log1p_is_symmetric():
    np.testing.assert_allclose(
        signed_log1p(np.array([-3.0, 0.0, 3.0])), [-np.log1p(3), 0, np.log1p(3)]
    )


def test_spec_round_trip_and_pickle(frames):
    train, unseen = frames
    segmenter = make_segmenter(_spec("hdbscan")).fit(train)
    spec = segmenter.to_spec()
    assert spec["algorithm"] == "hdbscan"
    assert make_segmenter(spec).to_spec() == spec
    restored = pickle.loads(pickle.dumps(segmenter))
    np.testing.assert_array_equal(restored.predict(unseen), segmenter.predict(unseen))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"algorithm": "spectral"}, "algorithm 'spectral'"),
        ({"scaler": "minmax"}, "scaler 'minmax'"),
        ({"log_features": ["nope"]}, r"log_features \['nope'\]"),
    ],
)
def test_bad_spec_fails_clearly(frames, overrides, message):
    train, _ = frames
    with pytest.raises(ValueError, match=message):
        make_segmenter({**_spec("kmeans"), **overrides}).fit(train)


def test_unknown_spec_key_and_missing_column(frames):
    train, _ = frames
    with pytest.raises(ValueError, match="unknown key"):
        make_segmenter({**_spec("kmeans"), "n_clusters": 3})
    segmenter = make_segmenter(_spec("kmeans")).fit(train)
    with pytest.raises(ValueError, match="monetary"):
        segmenter.predict(train.drop(columns="monetary"))


@pytest.mark.parametrize("algorithm", list(SPECS))
def test_predicts_single_rows(frames, algorithm):
    """One row at a time gives the same segments as the whole frame."""
    train, unseen = frames
    segmenter = make_segmenter(_spec(algorithm)).fit(train)
    whole = segmenter.predict(unseen)
    one_by_one = [int(segmenter.predict(unseen.iloc[[i]])[0]) for i in range(12)]
    assert one_by_one == whole[:12].tolist()
