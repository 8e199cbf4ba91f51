"""What every consumer of the fitted segmentation model may rely on.

The modelling pipeline produces one fitted scikit-learn estimator,
``segmentation_model``. Stability, reporting, serving and the app use it only
through ``predict`` (segment ids ``0..k-1`` for every row of a feature frame,
extra columns ignored), ``sklearn.base.clone`` and the three functions below, so
that the estimator's inner layout can change without touching them.
"""

from __future__ import annotations

from sklearn.base import BaseEstimator, clone
from sklearn.pipeline import Pipeline


def features_of(model: Pipeline) -> list[str]:
    """The feature columns the model reads, in its order."""
    return [str(name) for name in model.named_steps["select"].kw_args["columns"]]


def with_seed(model: BaseEstimator, seed: int) -> BaseEstimator:
    """An unfitted copy of ``model`` whose every random choice uses ``seed``."""
    params = model.get_params(deep=True)
    seeded = {
        key: seed
        for key in params
        if key.rsplit("__", 1)[-1] == "random_state" and params[key] is not None
    }
    return clone(model).set_params(**seeded)


def n_segments(model: Pipeline) -> int:
    """How many segments the fitted model assigns."""
    return int(model[-1].n_clusters_)
