"""What every consumer of the fitted segmentation model may rely on.

The modelling pipeline produces one fitted scikit-learn estimator,
``segmentation_model``. Stability, reporting, serving and the app use it only
through ``predict`` (segment ids ``0..k-1`` for every row of a feature frame,
extra columns ignored), ``sklearn.base.clone`` and the three functions below, so
that the estimator's inner layout can change without touching them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import adjusted_rand_score
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits


def features_of(model: Pipeline) -> list[str]:
    """The feature columns the model reads, in its order (fitted or not)."""
    (_, _, columns), *_ = model.named_steps["columns"].transformers
    return [str(name) for name in columns]


def with_seed(model: BaseEstimator, seed: int) -> BaseEstimator:
    """An unfitted copy of ``model`` whose every random choice uses ``seed``."""
    params = model.get_params(deep=True)
    seeded = {
        key: seed
        for key in params
        if key.rsplit("__", 1)[-1] == "random_state" and params[key] is not None
    }
    return clone(model).set_params(**seeded)


def with_restarts(model: BaseEstimator, n_init: int | None) -> BaseEstimator:
    """An unfitted copy of ``model`` whose clusterer makes ``n_init`` restarts
    (KMeans, GaussianMixture); ``None`` or a model without restarts: its own."""
    fresh = clone(model)
    keys = [k for k in fresh.get_params(deep=True) if k.rsplit("__", 1)[-1] == "n_init"]
    return fresh if n_init is None else fresh.set_params(**dict.fromkeys(keys, n_init))


def n_segments(model: Pipeline) -> int:
    """How many segments the fitted model assigns."""
    return int(model[-1].n_clusters_)


#: Rows per batch of :func:`predict_in_batches` (a few MB of model matrices).
ASSIGN_BATCH_ROWS = 100_000


def predict_in_batches(
    model: BaseEstimator, frame: pd.DataFrame, batch_rows: int = ASSIGN_BATCH_ROWS
) -> np.ndarray:
    """``model.predict(frame)`` as ``int64``, ``batch_rows`` rows at a time: the
    matrices the model's steps build stay the size of one batch, whatever the number
    of persons."""
    batches = [
        np.asarray(model.predict(frame.iloc[start : start + batch_rows]), "int64")
        for start in range(0, len(frame), batch_rows)
    ]
    return np.concatenate(batches) if batches else np.zeros(0, "int64")


def intrinsic_agreement(
    base: BaseEstimator,
    seed_models: list[BaseEstimator],
    replicates: list[BaseEstimator],
    evaluation: pd.DataFrame,
) -> dict[str, Any]:
    """How well a model's settings agree with themselves: the ARI, over the rows of
    ``evaluation``, of the fitted ``base`` against each refit with another seed on the
    same persons (``seed_ari``) and each refit on a bootstrap resample of the persons
    (``bootstrap_ari``), and their medians. The selection's stability guard and the
    stability analysis's intrinsic stability are both this measure."""
    labels = base.predict(evaluation)

    def agreement(models: list[BaseEstimator]) -> list[float]:
        return [
            float(adjusted_rand_score(labels, m.predict(evaluation))) for m in models
        ]

    seed_ari, bootstrap_ari = agreement(seed_models), agreement(replicates)
    return {
        "seed_ari": seed_ari,
        "bootstrap_ari": bootstrap_ari,
        "seed_ari_median": float(np.median(seed_ari)),
        "bootstrap_ari_median": float(np.median(bootstrap_ari)),
    }


def side_by_side(
    function: Callable[..., Any], calls: Iterable[tuple[Any, ...]], n_jobs: int
) -> list[Any]:
    """``[function(*args) for args in calls]``, spread over ``n_jobs`` joblib workers
    (-1: every core), each call with one OpenMP/BLAS thread.

    The fits here are small (tens of thousands of rows): a KMeans fit of 30 restarts
    on 30,000 rows took 0.2 s with one thread on a busy 2-core machine and 2.4 to 6 s
    with two, the threads waiting on each other; independent fits on separate cores
    do not. The results do not depend on ``n_jobs`` (same labels, bit for bit)."""
    return Parallel(n_jobs=n_jobs)(
        delayed(_one_thread)(function, args) for args in calls
    )


def _one_thread(function: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    with threadpool_limits(limits=1):
        return function(*args)
