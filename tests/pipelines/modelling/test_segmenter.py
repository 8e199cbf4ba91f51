"""Unit tests of the segmentation model: the Pipeline, the Clusterer, model_ops."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.cluster import DBSCAN, KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import QuantileTransformer
from sklearn.utils.estimator_checks import parametrize_with_checks

from olist_segmentation.pipelines.modelling.model_ops import (
    features_of,
    n_segments,
    with_restarts,
    with_seed,
)
from olist_segmentation.pipelines.modelling.segmenter import (
    NOISE,
    Clusterer,
    build_model,
    signed_log1p,
)

from .features_factory import FEATURES, LOG_FEATURES, make_features

PARAMS = {
    "kmeans": {"n_clusters": 4},
    "gmm": {"n_components": 4, "covariance_type": "diag"},
    "dbscan": {"eps": 1.5, "min_samples": 10},
    "hdbscan": {"min_cluster_size": 20, "min_samples": 5},
}
# Labels the Segmenter of before the scikit-learn Pipeline (commit b3471b4) gave on
# make_features(150, seed=0) ("train") and make_features(40, seed=1) ("unseen"),
# seed 3, fit sample 400: case -> (algorithm, params, transform).
BEFORE = Path(__file__).parent / "data" / "segmenter_before.csv"
BEFORE_CASES = {
    "kmeans": ("kmeans", PARAMS["kmeans"], "log_standard"),
    "kmeans_robust": ("kmeans", {"n_clusters": 5, "n_init": 10}, "log_robust"),
    "gmm": ("gmm", PARAMS["gmm"], "log_standard"),
    "gmm_full": (
        "gmm",
        {"n_components": 6, "covariance_type": "full", "n_init": 1, "max_iter": 100},
        "log_standard",
    ),
    "dbscan": ("dbscan", PARAMS["dbscan"], "log_standard"),
    "hdbscan": ("hdbscan", PARAMS["hdbscan"], "log_standard"),
}


def _model(algorithm: str, params=None, transform="log_standard", seed=3):
    return build_model(
        algorithm=algorithm,
        params=PARAMS[algorithm] if params is None else params,
        features=FEATURES,
        log_features=LOG_FEATURES,
        transform=transform,
        seed=seed,
        fit_sample_size=400,
    )


@pytest.fixture(scope="module")
def frames():
    train = make_features(150, seed=0)
    unseen = make_features(40, seed=1)
    return train, unseen


def _expected_failures(estimator: Clusterer) -> dict[str, str]:
    """DBSCAN finds only noise on the checks' small uniform data, so predict has no
    segment to assign: a clear ValueError, on purpose."""
    if not isinstance(estimator.estimator, DBSCAN):
        return {}
    reason = "every fitted row is noise: predict raises, no segment to assign"
    return dict.fromkeys(
        [
            "check_estimators_dtypes",
            "check_dtype_object",
            "check_f_contiguous_array_estimator",
            "check_methods_sample_order_invariance",
            "check_methods_subset_invariance",
            "check_dict_unchanged",
        ],
        reason,
    )


@parametrize_with_checks(
    [
        Clusterer(KMeans(n_clusters=3, n_init=2, random_state=0)),
        Clusterer(GaussianMixture(n_components=3, random_state=0)),
        Clusterer(DBSCAN(eps=0.5)),
    ],
    expected_failed_checks=_expected_failures,
)
def test_clusterer_passes_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("case", list(BEFORE_CASES))
def test_same_segments_as_the_segmenter_before(frames, case):
    """Behaviour kept: ARI 1.0 (and the same numbering) against the old Segmenter."""
    before = pd.read_csv(BEFORE)
    algorithm, params, transform = BEFORE_CASES[case]
    model = _model(algorithm, params, transform).fit(frames[0].drop(columns="group"))
    for name, frame in zip(("train", "unseen"), frames, strict=True):
        rows = (before["case"] == case) & (before["frame"] == name)
        expected = before.loc[rows, "segment"]
        labels = model.predict(frame)
        assert adjusted_rand_score(expected, labels) == 1.0
        np.testing.assert_array_equal(labels, expected.to_numpy())


@pytest.mark.parametrize("algorithm", list(PARAMS))
def test_recovers_groups_and_predicts_unseen_rows(frames, algorithm):
    train, unseen = frames
    model = _model(algorithm).fit(train)
    assert n_segments(model) == 4
    assert len(model[-1].sample_index_) == 400  # fitted on the sample only
    labels = model.predict(unseen)
    assert labels.dtype.kind == "i"
    assert labels.min() >= 0  # noise is assigned to its nearest segment
    assert adjusted_rand_score(unseen["group"], labels) > 0.9
    assert adjusted_rand_score(train["group"], model.predict(train)) > 0.9


@pytest.mark.parametrize("transform", ["quantile_normal", "quantile_uniform"])
def test_quantile_transform_is_fitted_inside_the_model(frames, transform):
    train, unseen = frames
    model = _model("kmeans", transform=transform).fit(train)
    assert isinstance(model.named_steps["scale"], QuantileTransformer)
    assert model.named_steps["log"] == "passthrough"
    space = model[:-1].transform(train)
    monetary = space[:, FEATURES.index("monetary")]
    if transform == "quantile_uniform":
        assert space.min() >= 0.0 and space.max() <= 1.0
        assert np.median(monetary) == pytest.approx(0.5, abs=0.02)
        assert adjusted_rand_score(unseen["group"], model.predict(unseen)) > 0.9
    else:
        assert np.median(monetary) == pytest.approx(0.0, abs=0.05)
        # The tied minimum (three quarters order once) lands on the lower bound.
        frequency = space[:, FEATURES.index("frequency")]
        assert np.mean(frequency == frequency.min()) >= 0.75
        assert frequency.min() < -5


def test_clone_with_seed_and_set_params_refit(frames):
    train, _ = frames
    model = _model("kmeans", transform="quantile_normal")
    seeded = with_seed(model, 11)
    params = seeded.get_params()
    assert params["cluster__random_state"] == 11
    assert params["cluster__estimator__random_state"] == 11
    assert params["scale__random_state"] == 11
    assert model.get_params()["cluster__random_state"] == 3  # original untouched
    three = clone(model).set_params(cluster__estimator__n_clusters=3).fit(train)
    assert n_segments(three) == 3
    assert features_of(three) == FEATURES


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [("kmeans", 2), ("gmm", 2), ("dbscan", None), ("hdbscan", None)],
)
def test_with_restarts_sets_the_clusterers_restarts_only(algorithm, expected):
    def settings(model):  # repr: estimators and NaN compare by value
        return {k: repr(v) for k, v in model.get_params().items()}

    model = _model(algorithm)
    restarted = settings(with_restarts(model, 2))
    assert restarted.get("cluster__estimator__n_init") == (expected and repr(expected))
    changed = {k for k, v in restarted.items() if settings(model)[k] != v}
    expected_changes = {"cluster__estimator__n_init", "cluster__estimator", "cluster"}
    assert changed == (expected_changes | {"steps"} if expected else set())
    assert settings(with_restarts(model, None)) == settings(model)
    assert settings(model) == settings(_model(algorithm))  # original untouched


@pytest.mark.parametrize("algorithm", list(PARAMS))
def test_same_data_and_seed_give_identical_segments(frames, algorithm):
    train, _ = frames
    first = _model(algorithm).fit(train).predict(train)
    second = clone(_model(algorithm)).fit(train).predict(train)
    np.testing.assert_array_equal(first, second)


def test_segments_are_numbered_by_decreasing_size(frames):
    train, _ = frames
    train = train[train["group"] != 3].copy()
    train = train.iloc[: len(train) - 100]  # groups of unequal sizes
    model = _model("kmeans", params={"n_clusters": 3}).fit(train)
    counts = np.bincount(model[-1].labels_)
    assert list(counts) == sorted(counts, reverse=True)


def test_dbscan_noise_kept_by_predict_raw(frames):
    train, unseen = frames
    model = _model("dbscan").fit(train)
    far = unseen.head(3).copy()
    far["monetary"] = 1e9
    space = model[:-1].transform(far)
    assert (model[-1].predict_raw(space) == NOISE).all()
    assert (model.predict(far) >= 0).all()


def test_predict_ignores_column_order_and_extra_columns(frames):
    train, unseen = frames
    model = _model("kmeans").fit(train)
    shuffled = unseen[["group", *reversed(FEATURES)]]
    np.testing.assert_array_equal(model.predict(unseen), model.predict(shuffled))


def test_transform_imputes_logs_and_scales(frames):
    train, _ = frames
    model = _model("kmeans").fit(train)
    row = train.head(1).copy()
    row["review_score_mean"] = np.nan
    unscaled = model[:2].transform(row)
    median = np.nanmedian(train["review_score_mean"])
    assert unscaled[0, FEATURES.index("review_score_mean")] == pytest.approx(median)
    assert unscaled[0, FEATURES.index("monetary")] == pytest.approx(
        np.log1p(row["monetary"].iloc[0])
    )
    np.testing.assert_allclose(model[:-1].transform(train).mean(axis=0), 0, atol=1e-9)


def test_signed_log1p_is_symmetric():
    np.testing.assert_allclose(
        signed_log1p(np.array([-3.0, 0.0, 3.0])), [-np.log1p(3), 0, np.log1p(3)]
    )


def test_pickle_round_trip(frames):
    train, unseen = frames
    model = _model("hdbscan").fit(train)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(unseen), model.predict(unseen))


def test_bad_algorithm_transform_and_missing_column(frames):
    train, _ = frames
    with pytest.raises(ValueError, match="algorithm 'spectral'"):
        _model("spectral", params={})
    with pytest.raises(ValueError, match="transform 'minmax'"):
        _model("kmeans", transform="minmax")
    model = _model("kmeans").fit(train)
    with pytest.raises(ValueError, match=r"columns are missing: \{'monetary'\}"):
        model.predict(train.drop(columns="monetary"))


@pytest.mark.parametrize("algorithm", list(PARAMS))
def test_predicts_single_rows(frames, algorithm):
    """One row at a time gives the same segments as the whole frame."""
    train, unseen = frames
    model = _model(algorithm).fit(train)
    whole = model.predict(unseen)
    one_by_one = [int(model.predict(unseen.iloc[[i]])[0]) for i in range(12)]
    assert one_by_one == whole[:12].tolist()
