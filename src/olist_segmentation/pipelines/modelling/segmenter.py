"""The segmentation model: a scikit-learn ``Pipeline`` ending in a ``Clusterer``.

``build_model`` assembles, from the typed parameters of one candidate::

    Pipeline([
        ("columns", ColumnTransformer([        # the feature columns, in order; others
            ("features", SimpleImputer(strategy="median"), features),  # dropped
        ])),                                   # the imputer learnt on all rows
        ("log", ColumnTransformer([            # log_* transforms only, per column:
            (name, FunctionTransformer(signed_log1p) | "passthrough", [position]),
            ...
        ])),
        ("scale", StandardScaler() | RobustScaler() | QuantileTransformer(...)),
        ("cluster", Clusterer(KMeans(...) | GaussianMixture(...) | DBSCAN(...) | HDBSCAN(...))),
    ])

``model.fit(frame)`` learns the transform on every row it is given and the clusterer
on a fixed-seed sample of ``fit_sample_size`` rows (the density algorithms are
super-linear); ``model.predict(frame)`` gives every row, seen or not, a segment
``0..k-1``. Extra columns such as ``person_key`` are ignored.

``Clusterer`` gives the four algorithms one contract:

- kmeans: nearest centroid; gmm: most probable component;
- dbscan: the segment of the nearest core point, noise (-1) when it is farther than
  ``eps``;
- hdbscan (scikit-learn's ``HDBSCAN``, which has no ``predict``): the segment (or
  noise) of the nearest fitted point, a 1-nearest-neighbour query (about 1 s for 96k
  rows against a 20k-row fit).

``predict`` gives a noise row the segment of the nearest non-noise fitted point, so
every customer has a segment; ``predict_raw`` (and ``labels_``, ``fit_predict``) keep
-1. Segments are numbered by decreasing size on the fitted sample, ties by the
clusterer's own label, so the numbering is deterministic.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any, get_args

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, clone
from sklearn.cluster import DBSCAN, HDBSCAN, KMeans
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    QuantileTransformer,
    RobustScaler,
    StandardScaler,
)
from sklearn.utils.validation import check_is_fitted, validate_data

from .params import Algorithm, Transform

logger = logging.getLogger(__name__)

NOISE = -1
ALGORITHMS = get_args(Algorithm)
TRANSFORMS = get_args(Transform)


def signed_log1p(values: np.ndarray) -> np.ndarray:
    """``sign(x) * log1p(|x|)``: ``log1p`` for non-negative values, symmetric below 0."""
    return np.sign(values) * np.log1p(np.abs(values))


def make_clusterer(algorithm: str, params: dict[str, Any], seed: int) -> BaseEstimator:
    """The unfitted scikit-learn clusterer of ``algorithm``."""
    if algorithm == "kmeans":
        return KMeans(random_state=seed, **{"n_init": 4, **params})
    if algorithm == "gmm":
        return GaussianMixture(random_state=seed, **params)
    if algorithm == "dbscan":
        return DBSCAN(**params)
    if algorithm == "hdbscan":
        return HDBSCAN(**{"copy": True, **params})
    raise ValueError(f"algorithm {algorithm!r} is not one of {ALGORITHMS}")


def make_scaler(transform: str, seed: int) -> BaseEstimator:
    """The scaling step of ``transform`` (see ``TRANSFORMS``)."""
    if transform == "log_standard":
        return StandardScaler()
    if transform == "log_robust":
        return RobustScaler()
    if transform.startswith("quantile_"):
        return QuantileTransformer(
            output_distribution=transform.removeprefix("quantile_"), random_state=seed
        )
    raise ValueError(f"transform {transform!r} is not one of {TRANSFORMS}")


def build_model(
    *,
    algorithm: str,
    params: dict[str, Any],
    features: Sequence[str],
    log_features: Sequence[str],
    transform: str,
    seed: int,
    fit_sample_size: int | None,
) -> Pipeline:
    """The unfitted segmentation model of one candidate."""
    features = list(features)
    logged = set(log_features) if transform.startswith("log_") else set()
    columns = ColumnTransformer(
        [
            (
                "features",
                SimpleImputer(strategy="median", keep_empty_features=True),
                features,
            )
        ]
    )
    log: Any = "passthrough"
    if logged:
        log = ColumnTransformer(
            [
                (
                    name,
                    FunctionTransformer(signed_log1p)
                    if name in logged
                    else "passthrough",
                    [position],
                )
                for position, name in enumerate(features)
            ]
        )
    return Pipeline(
        [
            ("columns", columns),
            ("log", log),
            ("scale", make_scaler(transform, seed)),
            (
                "cluster",
                Clusterer(
                    make_clusterer(algorithm, params, seed),
                    fit_sample_size=fit_sample_size,
                    random_state=seed,
                ),
            ),
        ]
    )


class Clusterer(ClusterMixin, BaseEstimator):
    """Any of the four clusterers, fitted on a sample, with a ``predict`` for all.

    After ``fit``: ``n_clusters_``, ``sample_index_`` (positions of the rows the
    clusterer was fitted on), ``labels_`` (their segments, noise -1) and
    ``estimator_`` (the fitted clusterer).
    """

    def __init__(
        self,
        estimator: BaseEstimator | None = None,
        *,
        fit_sample_size: int | None = None,
        random_state: int = 0,
    ) -> None:
        self.estimator = estimator
        self.fit_sample_size = fit_sample_size
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> Clusterer:
        """Fit the clusterer on a fixed-seed sample of ``fit_sample_size`` rows."""
        started = time.perf_counter()
        space = validate_data(self, X, dtype="float64")
        n_rows = len(space)
        if self.fit_sample_size is not None and n_rows > self.fit_sample_size:
            rng = np.random.default_rng(self.random_state)
            index = np.sort(
                rng.choice(n_rows, size=self.fit_sample_size, replace=False)
            )
        else:
            index = np.arange(n_rows)
        sample = space[index]
        estimator = clone(self.estimator if self.estimator is not None else KMeans())
        estimator.fit(sample)
        raw = getattr(estimator, "labels_", None)
        if raw is None:
            raw = estimator.predict(sample)
        raw = np.asarray(raw, dtype=np.int64)
        self.estimator_ = estimator

        # Segment ids by decreasing size on the sample (noise stays -1).
        found, counts = np.unique(raw[raw != NOISE], return_counts=True)
        order = np.lexsort((found, -counts))
        self.lookup_ = np.full(int(raw.max(initial=0)) + 2, NOISE, dtype=np.int64)
        self.lookup_[found[order]] = np.arange(len(found))
        self.n_clusters_ = len(found)
        self.sample_index_ = index
        self.labels_ = self.lookup_[raw]

        clustered = self.labels_ != NOISE
        # Exemplars: core points (dbscan) or non-noise fitted points (hdbscan); the
        # nearest one gives an unseen or noise row its segment.
        density = not hasattr(estimator, "predict")
        keep = clustered
        if hasattr(estimator, "core_sample_indices_"):
            keep = np.zeros(len(sample), dtype=bool)
            keep[estimator.core_sample_indices_] = True
        self.exemplar_labels_ = self.labels_[keep]
        self.nearest_ = (
            NearestNeighbors(n_neighbors=1).fit(sample[keep])
            if density and keep.any()
            else None
        )
        self.nearest_sample_ = (
            NearestNeighbors(n_neighbors=1).fit(sample)
            if density and not hasattr(estimator, "core_sample_indices_")
            else None
        )
        logger.info(
            "fitted %s on %d of %d rows: %d clusters, %.1f%% noise on the sample, %.2f s",
            type(estimator).__name__,
            len(index),
            n_rows,
            self.n_clusters_,
            100.0 * float(np.mean(~clustered)) if len(clustered) else 0.0,
            time.perf_counter() - started,
        )
        return self

    def _nearest(self, space: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.nearest_ is None:
            raise ValueError(
                f"{self.estimator_}: every fitted row is noise, no segment to assign"
            )
        distance, position = self.nearest_.kneighbors(space)
        return distance[:, 0], self.exemplar_labels_[position[:, 0]]

    def _relabel(self, raw: np.ndarray) -> np.ndarray:
        # Labels outside the fitted ones (never produced in practice) become noise.
        raw = np.asarray(raw, dtype=np.int64)
        inside = (raw >= 0) & (raw < len(self.lookup_) - 1)
        return np.where(inside, self.lookup_[np.where(inside, raw, -1)], NOISE)

    def predict_raw(self, X: Any) -> np.ndarray:
        """Segment ids with noise kept as -1 (density algorithms only)."""
        check_is_fitted(self, "estimator_")
        space = validate_data(self, X, dtype="float64", reset=False)
        if len(space) == 0:
            return np.zeros(0, dtype=np.int64)
        if hasattr(self.estimator_, "predict"):
            return self._relabel(self.estimator_.predict(space))
        if self.nearest_sample_ is not None:
            position = self.nearest_sample_.kneighbors(space, return_distance=False)
            return self.labels_[position[:, 0]]
        if self.nearest_ is None:
            return np.full(len(space), NOISE, dtype=np.int64)
        distance, labels = self._nearest(space)
        eps = self.estimator_.eps
        return np.where(distance <= eps, labels, NOISE).astype(np.int64)

    def predict(self, X: Any) -> np.ndarray:
        """Segment id of every row of ``X``, fitted on or not (noise assigned)."""
        labels = self.predict_raw(X)
        noise = labels == NOISE
        if noise.any():
            space = validate_data(self, X, dtype="float64", reset=False)
            labels = labels.copy()
            labels[noise] = self._nearest(space[noise])[1]
        return labels

    def fit_predict(self, X: Any, y: Any = None, **kwargs: Any) -> np.ndarray:
        """``fit(X)``, then the raw segment (noise -1) of every row of ``X``."""
        self.fit(X)
        if len(self.labels_) == len(X):
            return self.labels_
        return self.predict_raw(X)
