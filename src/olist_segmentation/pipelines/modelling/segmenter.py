"""The segmentation model: feature transform + clusterer, built from a JSON-able spec.

``make_segmenter(spec).fit(features).predict(features)`` is the whole contract that
the modelling and stability pipelines rely on. A spec is a dict::

    {
        "algorithm": "kmeans" | "gmm" | "dbscan" | "hdbscan",
        "params": {...},            # keyword arguments of the clusterer
        "features": [...],          # columns of the feature frame used
        "log_features": [...],      # subset transformed by sign(x) * log1p(|x|)
        "scaler": "standard" | "robust" | "none",
        "weights": {feature: w},    # optional multipliers after scaling (default 1)
        "seed": 42,                 # every random choice (sample, init) uses it
        "fit_sample_size": 20000,   # fit the clusterer on this many rows (null = all)
        "assign_noise": true,       # predict gives noise rows their nearest segment
    }

The transform is part of the model: ``fit`` learns the median of each feature (to
impute missing values), applies the log transform and learns the scaler on all rows
it is given; the clusterer is then fitted on a fixed-seed sample of
``fit_sample_size`` rows when the data is larger (the density algorithms are
super-linear), and every row, seen or not, is assigned by ``predict``:

- kmeans: nearest centroid; gmm: most probable component;
- dbscan: the segment of the nearest core point, noise (-1) when it is farther than
  ``eps``;
- hdbscan: the segment (or noise) of the nearest fitted point. This 1-nearest-
  neighbour rule stands in for ``hdbscan.approximate_predict``, which took 13 s for
  96k rows against a 20k-row fit where the nearest-neighbour query takes about 1 s.

With ``assign_noise`` (the default) a noise row gets the segment of the nearest
non-noise fitted point, so every customer has a segment; ``predict_raw`` keeps -1.
Segments are numbered 0..k-1 by decreasing size on the fitted sample, ties by the
clusterer's own label, so the numbering is deterministic.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import DBSCAN, KMeans
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import RobustScaler, StandardScaler
from sklearn.utils.validation import check_is_fitted

logger = logging.getLogger(__name__)

ALGORITHMS = ("kmeans", "gmm", "dbscan", "hdbscan")
SCALERS = ("standard", "robust", "none")
SPEC_KEYS = (
    "algorithm",
    "params",
    "features",
    "log_features",
    "scaler",
    "weights",
    "seed",
    "fit_sample_size",
    "assign_noise",
)
NOISE = -1


def make_segmenter(spec: dict[str, Any]) -> Segmenter:
    """Build an unfitted ``Segmenter`` from a spec dict (see the module docstring)."""
    unknown = sorted(set(spec) - set(SPEC_KEYS))
    if unknown:
        raise ValueError(
            f"segmenter spec: unknown key(s) {unknown}; expected some of {list(SPEC_KEYS)}"
        )
    return Segmenter(**spec)


def signed_log1p(values: np.ndarray) -> np.ndarray:
    """``sign(x) * log1p(|x|)``: ``log1p`` for non-negative values, symmetric below 0."""
    return np.sign(values) * np.log1p(np.abs(values))


class Segmenter(ClusterMixin, BaseEstimator):
    """Feature transform and clusterer in one sklearn-compatible estimator.

    ``fit(frame)`` and ``predict(frame) -> np.ndarray[int]`` take a DataFrame holding
    at least the ``features`` columns (extra columns such as ``person_key`` are
    ignored). After ``fit``: ``n_clusters_``, ``sample_index_`` (positions of the
    rows the clusterer was fitted on) and ``sample_labels_`` (their raw labels).
    """

    def __init__(
        self,
        algorithm: str = "kmeans",
        *,
        params: dict[str, Any] | None = None,
        features: list[str] | tuple[str, ...] = (),
        log_features: list[str] | tuple[str, ...] = (),
        scaler: str = "standard",
        weights: dict[str, float] | None = None,
        seed: int = 0,
        fit_sample_size: int | None = None,
        assign_noise: bool = True,
    ) -> None:
        self.algorithm = algorithm
        self.params = params
        self.features = features
        self.log_features = log_features
        self.scaler = scaler
        self.weights = weights
        self.seed = seed
        self.fit_sample_size = fit_sample_size
        self.assign_noise = assign_noise

    # -- spec -----------------------------------------------------------------
    def to_spec(self) -> dict[str, Any]:
        """The JSON-able spec that rebuilds this (unfitted) segmenter."""
        return {
            "algorithm": self.algorithm,
            "params": dict(self.params or {}),
            "features": list(self.features),
            "log_features": list(self.log_features),
            "scaler": self.scaler,
            "weights": dict(self.weights or {}),
            "seed": int(self.seed),
            "fit_sample_size": self.fit_sample_size,
            "assign_noise": bool(self.assign_noise),
        }

    def _check_spec(self) -> None:
        if self.algorithm not in ALGORITHMS:
            raise ValueError(
                f"segmenter spec: algorithm {self.algorithm!r} is not one of {ALGORITHMS}"
            )
        if self.scaler not in SCALERS:
            raise ValueError(
                f"segmenter spec: scaler {self.scaler!r} is not one of {SCALERS}"
            )
        if not self.features:
            raise ValueError("segmenter spec: 'features' is empty")
        for key, names in (
            ("log_features", self.log_features),
            ("weights", list(self.weights or {})),
        ):
            stray = sorted(set(names) - set(self.features))
            if stray:
                raise ValueError(
                    f"segmenter spec: {key} {stray} are not in 'features' {list(self.features)}"
                )

    # -- transform ------------------------------------------------------------
    def _matrix(self, frame: pd.DataFrame) -> np.ndarray:
        missing = [name for name in self.features if name not in frame.columns]
        if missing:
            raise ValueError(
                f"feature frame: missing column(s) {missing} used by the segmenter"
            )
        return frame[list(self.features)].to_numpy(dtype="float64", copy=True)

    def _transform_matrix(self, matrix: np.ndarray) -> np.ndarray:
        matrix = np.where(np.isnan(matrix), self.medians_, matrix)
        matrix[:, self.log_mask_] = signed_log1p(matrix[:, self.log_mask_])
        if self.scaler_ is not None:
            matrix = self.scaler_.transform(matrix)
        return matrix * self.weight_vector_

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """The clustering space: impute medians, log-transform, scale, weight."""
        check_is_fitted(self, "medians_")
        return self._transform_matrix(self._matrix(frame))

    # -- fit --------------------------------------------------------------------
    def _make_clusterer(self) -> Any:
        params = dict(self.params or {})
        if self.algorithm == "kmeans":
            params.setdefault("n_init", 4)
            return KMeans(random_state=self.seed, **params)
        if self.algorithm == "gmm":
            return GaussianMixture(random_state=self.seed, **params)
        if self.algorithm == "dbscan":
            return DBSCAN(**params)
        import hdbscan  # noqa: PLC0415  (heavy, only for this algorithm)

        params.setdefault("core_dist_n_jobs", 1)
        return hdbscan.HDBSCAN(**params)

    def fit(self, X: pd.DataFrame, y: Any = None) -> Segmenter:
        """Learn the transform on all rows, then the clusterer on the fit sample."""
        self._check_spec()
        started = time.perf_counter()
        matrix = self._matrix(X)
        if len(matrix) == 0:
            raise ValueError("feature frame: no rows to fit the segmenter on")
        # A column with no value at all is imputed with 0.
        present = ~np.isnan(matrix)
        medians = np.array(
            [
                np.median(matrix[present[:, j], j]) if present[:, j].any() else 0.0
                for j in range(matrix.shape[1])
            ]
        )
        self.medians_ = medians
        self.log_mask_ = np.array([name in self.log_features for name in self.features])
        weights = self.weights or {}
        self.weight_vector_ = np.array(
            [float(weights.get(name, 1.0)) for name in self.features]
        )
        self.scaler_ = None
        imputed = np.where(np.isnan(matrix), self.medians_, matrix)
        imputed[:, self.log_mask_] = signed_log1p(imputed[:, self.log_mask_])
        if self.scaler != "none":
            scaler = StandardScaler() if self.scaler == "standard" else RobustScaler()
            self.scaler_ = scaler.fit(imputed)
        space = self._transform_matrix(matrix)

        n_rows = len(space)
        if self.fit_sample_size is not None and n_rows > self.fit_sample_size:
            rng = np.random.default_rng(self.seed)
            index = np.sort(
                rng.choice(n_rows, size=self.fit_sample_size, replace=False)
            )
        else:
            index = np.arange(n_rows)
        sample = space[index]
        clusterer = self._make_clusterer()
        if self.algorithm == "gmm":
            raw = clusterer.fit(sample).predict(sample)
        else:
            raw = clusterer.fit(sample).labels_
        self.clusterer_ = clusterer

        # Segment ids by decreasing size on the sample (noise stays -1).
        found, counts = np.unique(raw[raw != NOISE], return_counts=True)
        order = np.lexsort((found, -counts))
        self.label_map_ = {int(found[i]): rank for rank, i in enumerate(order)}
        self.n_clusters_ = len(found)
        self.sample_index_ = index
        self.sample_labels_ = self._relabel(raw)

        clustered = self.sample_labels_ != NOISE
        if self.algorithm == "dbscan":
            keep = np.zeros(len(sample), dtype=bool)
            keep[clusterer.core_sample_indices_] = True
        else:
            keep = clustered
        # Exemplars: core points (dbscan) or non-noise fitted points (hdbscan); the
        # nearest one gives an unseen row its segment.
        self.exemplar_labels_ = self.sample_labels_[keep]
        self.nearest_ = (
            NearestNeighbors(n_neighbors=1).fit(sample[keep])
            if self.algorithm in ("dbscan", "hdbscan") and keep.any()
            else None
        )
        self.nearest_sample_ = (
            NearestNeighbors(n_neighbors=1).fit(sample)
            if self.algorithm == "hdbscan"
            else None
        )
        logger.info(
            "fitted %s %s on %d of %d rows: %d clusters, %.1f%% noise on the sample, %.2f s",
            self.algorithm,
            self.params,
            len(index),
            n_rows,
            self.n_clusters_,
            100.0 * float(np.mean(~clustered)) if len(clustered) else 0.0,
            time.perf_counter() - started,
        )
        return self

    def _relabel(self, raw: np.ndarray) -> np.ndarray:
        # Big enough for every fitted label and every label in ``raw``; one extra
        # slot at the end, never a label, is where raw == -1 lands.
        largest = max(int(raw.max(initial=0)), max(self.label_map_, default=0))
        lookup = np.full(largest + 2, NOISE, dtype=np.int64)
        for label, segment in self.label_map_.items():
            lookup[label] = segment
        # raw == -1 indexes the last slot, which stays NOISE
        return lookup[raw]

    # -- predict ----------------------------------------------------------------
    def _nearest(self, space: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.nearest_ is None:
            raise ValueError(
                f"{self.algorithm} {self.params}: every fitted row is noise, "
                "no segment to assign"
            )
        distance, position = self.nearest_.kneighbors(space)
        return distance[:, 0], self.exemplar_labels_[position[:, 0]]

    def _raw_and_space(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        check_is_fitted(self, "clusterer_")
        space = self.transform(X)
        if len(space) == 0:
            return np.zeros(0, dtype=np.int64), space
        if self.algorithm in ("kmeans", "gmm"):
            return self._relabel(self.clusterer_.predict(space)), space
        if self.algorithm == "dbscan":
            if self.nearest_ is None:
                return np.full(len(space), NOISE, dtype=np.int64), space
            distance, labels = self._nearest(space)
            eps = self.clusterer_.eps
            return np.where(distance <= eps, labels, NOISE).astype(np.int64), space
        position = self.nearest_sample_.kneighbors(space, return_distance=False)
        return self.sample_labels_[position[:, 0]], space

    def predict_raw(self, X: pd.DataFrame) -> np.ndarray:
        """Segment ids with noise kept as -1 (density algorithms only)."""
        return self._raw_and_space(X)[0]

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Segment id of every row of ``X``, fitted on or not (noise assigned)."""
        labels, space = self._raw_and_space(X)
        if not self.assign_noise:
            return labels
        noise = labels == NOISE
        if noise.any():
            labels = labels.copy()
            labels[noise] = self._nearest(space[noise])[1]
        return labels

    def fit_predict(self, X: pd.DataFrame, y: Any = None, **kwargs: Any) -> np.ndarray:
        """``fit(X).predict(X)``."""
        return self.fit(X).predict(X)
