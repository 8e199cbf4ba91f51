"""Candidates: every model of the parameters grid, fitted and scored the same way."""

from __future__ import annotations

import json
import logging
import math
import time
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import (
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.model_selection import ParameterGrid
from sklearn.pipeline import Pipeline

from .model_ops import side_by_side
from .params import CandidateSpace, ModellingParams
from .segmenter import NOISE, build_model

logger = logging.getLogger(__name__)

# metric -> True when higher is better
METRICS = {"silhouette": True, "calinski_harabasz": True, "davies_bouldin": False}
CANDIDATE_COLUMNS = (
    "candidate_id",
    "algorithm",
    "transform",
    "params",
    "n_clusters",
    "noise_share",
    "smallest_cluster_share",
    "silhouette",
    "calinski_harabasz",
    "davies_bouldin",
    "fit_seconds",
    "predict_seconds",
    "fit_rows",
    "evaluation_rows",
)


def _param_text(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def candidate_id(algorithm: str, transform: str, params: dict[str, Any]) -> str:
    """A readable id that is also a valid MLflow metric prefix."""
    parts = [f"{key}_{_param_text(params[key])}" for key in sorted(params)]
    return "_".join([algorithm, transform, *parts])


def candidate_models(
    space: CandidateSpace, settings: ModellingParams
) -> dict[str, tuple[str, dict[str, Any], Pipeline]]:
    """``{candidate_id: (transform, params, unfitted model)}`` of one algorithm:
    every transform x every point of the grid (scikit-learn's ``ParameterGrid``:
    parameters in alphabetical order, the last one varying fastest)."""
    models = {}
    for transform in settings.transforms:
        for point in ParameterGrid(space.grid):
            params = {**space.fixed, **point}
            models[candidate_id(space.algorithm, transform, params)] = (
                transform,
                params,
                build_model(
                    algorithm=space.algorithm,
                    params=params,
                    features=settings.features,
                    log_features=settings.log_features,
                    transform=transform,
                    seed=settings.seed,
                    fit_sample_size=space.fit_sample_size,
                ),
            )
    return models


def evaluation_rows(n_rows: int, settings: ModellingParams) -> np.ndarray:
    """The fixed-seed sample of persons every candidate is scored on."""
    rng = np.random.default_rng(settings.seed)
    size = min(settings.evaluation_sample_size, n_rows)
    return np.sort(rng.choice(n_rows, size=size, replace=False))


def score_partition(
    space: np.ndarray, labels: np.ndarray, sample_size: int, seed: int
) -> dict[str, float]:
    """Metrics of one partition of ``space`` (``labels`` with -1 for noise).

    Calinski-Harabasz and Davies-Bouldin use every clustered row; silhouette
    (quadratic) uses the clustered rows of a fixed-seed sample of ``sample_size``
    rows, the same rows for every candidate. Shares are over all rows.
    """
    n_rows = len(labels)
    clustered = labels != NOISE
    segments, counts = np.unique(labels[clustered], return_counts=True)
    result = {
        "n_clusters": len(segments),
        "noise_share": float(1.0 - clustered.mean()) if n_rows else 1.0,
        "smallest_cluster_share": float(counts.min() / n_rows) if len(counts) else 0.0,
        "silhouette": math.nan,
        "calinski_harabasz": math.nan,
        "davies_bouldin": math.nan,
    }
    if len(segments) < 2:
        return result
    result["calinski_harabasz"] = float(
        calinski_harabasz_score(space[clustered], labels[clustered])
    )
    result["davies_bouldin"] = float(
        davies_bouldin_score(space[clustered], labels[clustered])
    )
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n_rows, size=min(sample_size, n_rows), replace=False))
    sample = sample[clustered[sample]]
    if len(np.unique(labels[sample])) >= 2 and len(sample) > len(segments):
        result["silhouette"] = float(silhouette_score(space[sample], labels[sample]))
    return result


def _fit_and_score(
    model: Pipeline,
    model_input: pd.DataFrame,
    evaluation: pd.DataFrame,
    modelling: ModellingParams,
) -> dict[str, Any]:
    t0 = time.perf_counter()
    model.fit(model_input)
    t1 = time.perf_counter()
    space = model[:-1].transform(evaluation)
    labels = model[-1].predict_raw(space)
    t2 = time.perf_counter()
    return {
        **score_partition(
            space, labels, modelling.silhouette_sample_size, modelling.seed
        ),
        "fit_seconds": round(t1 - t0, 3),
        "predict_seconds": round(t2 - t1, 3),
        "fit_rows": len(model[-1].sample_index_),
        "evaluation_rows": len(evaluation),
    }


def evaluate_candidates(
    model_input: pd.DataFrame,
    algorithm: str,
    modelling: ModellingParams,
) -> pd.DataFrame:
    """Fit and score every candidate of ``modelling.candidates[algorithm]`` (the
    namespaced template node).

    Each candidate is fitted on every person (its clusterer on ``fit_sample_size``
    of them), then scored on the same fixed-seed evaluation sample of
    ``evaluation_sample_size`` persons as every other candidate; the candidates are
    fitted side by side over ``modelling.n_jobs`` workers, one thread each.
    """
    candidate_space = modelling.candidates[algorithm]
    models = candidate_models(candidate_space, modelling)
    evaluation = model_input.iloc[evaluation_rows(len(model_input), modelling)]
    started = time.perf_counter()
    scored = side_by_side(
        _fit_and_score,
        (
            (model, model_input, evaluation, modelling)
            for _, _, model in models.values()
        ),
        modelling.n_jobs,
    )
    rows = []
    for number, ((identifier, (transform, params, _)), metrics) in enumerate(
        zip(models.items(), scored, strict=True), start=1
    ):
        rows.append(
            {
                "candidate_id": identifier,
                "algorithm": candidate_space.algorithm,
                "transform": transform,
                "params": json.dumps(params, sort_keys=True),
                **metrics,
            }
        )
        logger.info(
            "candidate %d/%d %s: %d clusters, noise %.1f%%, smallest %.1f%%, "
            "silhouette %.3f, CH %.0f, DB %.3f (fit %.1f s)",
            number,
            len(models),
            identifier,
            metrics["n_clusters"],
            100 * metrics["noise_share"],
            100 * metrics["smallest_cluster_share"],
            metrics["silhouette"],
            metrics["calinski_harabasz"],
            metrics["davies_bouldin"],
            metrics["fit_seconds"],
        )
    logger.info(
        "%d %s candidates fitted and scored in %.1f s",
        len(models),
        algorithm,
        time.perf_counter() - started,
    )
    return pd.DataFrame(rows, columns=list(CANDIDATE_COLUMNS))


def combine_candidates(
    *tables: pd.DataFrame,
) -> tuple[pd.DataFrame, dict[str, dict[str, float]]]:
    """One candidates table, and its metrics as ``{"<id>.<metric>": {value, step}}``."""
    filled = [table for table in tables if not table.empty]
    if not filled:
        raise ValueError("candidates: every algorithm produced an empty table")
    candidates = pd.concat(filled, ignore_index=True)
    metrics = {}
    for row in candidates.itertuples(index=False):
        for name in (
            *METRICS,
            "n_clusters",
            "noise_share",
            "smallest_cluster_share",
            "fit_seconds",
        ):
            value = float(getattr(row, name))
            if math.isfinite(value):
                metrics[f"{row.candidate_id}.{name}"] = {"value": value, "step": 0}
    return candidates, metrics
