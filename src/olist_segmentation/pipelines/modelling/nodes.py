"""Modelling nodes: model input, candidates and their metrics, selection, fit, assign."""

from __future__ import annotations

import itertools
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

from .params import ModellingParams, SelectionParams, candidate_space
from .segmenter import NOISE, Segmenter, make_segmenter

logger = logging.getLogger(__name__)

KEY = "person_key"
# metric -> True when higher is better
METRICS = {"silhouette": True, "calinski_harabasz": True, "davies_bouldin": False}
CANDIDATE_COLUMNS = (
    "candidate_id",
    "algorithm",
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
    "spec",
)


# -- model input ----------------------------------------------------------------
def prepare_model_input(
    customer_features: pd.DataFrame, modelling: dict[str, Any]
) -> pd.DataFrame:
    """``person_key`` and the modelled features, missing values filled by the median.

    The feature table leaves a feature missing where there is no evidence (no review
    yet, no payment row, no coordinates). The segmenter would impute the same
    medians itself; filling here gives scoring clients complete rows.
    """
    settings = ModellingParams.from_dict(modelling)
    missing = [c for c in (KEY, *settings.features) if c not in customer_features]
    if missing:
        raise ValueError(
            f"customer_features: missing column(s) {missing} named in "
            "parameters_modelling.yml modelling.features"
        )
    frame = customer_features[[KEY, *settings.features]].copy()
    gaps = frame[settings.features].isna().sum()
    medians = frame[settings.features].median().fillna(0.0)
    frame[settings.features] = frame[settings.features].fillna(medians)
    for column, count in gaps[gaps > 0].items():
        logger.info(
            "model_input: %s missing for %d of %d persons, filled with the median %.3g",
            column,
            count,
            len(frame),
            medians[column],
        )
    return frame


# -- candidates -------------------------------------------------------------------
def _param_text(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def candidate_id(algorithm: str, params: dict[str, Any]) -> str:
    """A readable id that is also a valid MLflow metric prefix."""
    parts = [f"{key}_{_param_text(params[key])}" for key in sorted(params)]
    return "_".join([algorithm, *parts])


def expand_grid(space: dict[str, Any], base: dict[str, Any]) -> list[dict[str, Any]]:
    """Every spec of one algorithm: the product of the grid, in parameter order."""
    parsed = candidate_space(space, space.get("algorithm", "?"))
    keys = list(parsed.grid)
    specs = []
    for values in itertools.product(*(parsed.grid[key] for key in keys)):
        params = {**parsed.fixed, **dict(zip(keys, values, strict=True))}
        specs.append(
            {
                "algorithm": parsed.algorithm,
                "params": params,
                **base,
                "fit_sample_size": parsed.fit_sample_size,
                "assign_noise": True,
            }
        )
    return specs


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


def evaluate_candidates(
    model_input: pd.DataFrame,
    candidate_space: dict[str, Any],
    modelling: dict[str, Any],
) -> pd.DataFrame:
    """Fit and score every candidate of one algorithm (the namespaced template node).

    Each candidate is fitted as its spec says (on ``fit_sample_size`` rows), then
    scored on the same fixed-seed evaluation sample of ``evaluation_sample_size``
    persons as every other candidate (all persons when there are fewer).
    """
    settings = ModellingParams.from_dict(modelling)
    specs = expand_grid(candidate_space, settings.base_spec())
    rng = np.random.default_rng(settings.seed)
    size = min(settings.evaluation_sample_size, len(model_input))
    evaluation = model_input.iloc[
        np.sort(rng.choice(len(model_input), size=size, replace=False))
    ]
    rows = []
    started = time.perf_counter()
    for number, spec in enumerate(specs, start=1):
        t0 = time.perf_counter()
        segmenter = make_segmenter(spec).fit(model_input)
        t1 = time.perf_counter()
        labels = segmenter.predict_raw(evaluation)
        t2 = time.perf_counter()
        metrics = score_partition(
            segmenter.transform(evaluation),
            labels,
            settings.silhouette_sample_size,
            settings.seed,
        )
        identifier = candidate_id(spec["algorithm"], spec["params"])
        rows.append(
            {
                "candidate_id": identifier,
                "algorithm": spec["algorithm"],
                "params": json.dumps(spec["params"], sort_keys=True),
                **metrics,
                "fit_seconds": round(t1 - t0, 3),
                "predict_seconds": round(t2 - t1, 3),
                "fit_rows": len(segmenter.sample_index_),
                "evaluation_rows": len(evaluation),
                "spec": json.dumps(spec, sort_keys=True),
            }
        )
        logger.info(
            "candidate %d/%d %s: %d clusters, noise %.1f%%, smallest %.1f%%, "
            "silhouette %.3f, CH %.0f, DB %.3f (fit %.1f s, total %.1f s)",
            number,
            len(specs),
            identifier,
            metrics["n_clusters"],
            100 * metrics["noise_share"],
            100 * metrics["smallest_cluster_share"],
            metrics["silhouette"],
            metrics["calinski_harabasz"],
            metrics["davies_bouldin"],
            t1 - t0,
            time.perf_counter() - started,
        )
    return pd.DataFrame(rows, columns=list(CANDIDATE_COLUMNS))


def combine_candidates(
    *tables: pd.DataFrame,
) -> tuple[pd.DataFrame, dict[str, dict[str, float]]]:
    """One candidates table, and its metrics as ``{"<id>.<metric>": {value, step}}``."""
    candidates = pd.concat(
        [table for table in tables if not table.empty], ignore_index=True
    )
    if candidates.empty:
        raise ValueError("candidates: every algorithm produced an empty table")
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


# -- selection --------------------------------------------------------------------
def _guards(selection: SelectionParams) -> list[tuple[str, Any]]:
    return [
        (
            f"n_clusters between {selection.min_clusters} and {selection.max_clusters}",
            lambda c: c["n_clusters"].between(
                selection.min_clusters, selection.max_clusters
            ),
        ),
        (
            f"smallest cluster share >= {selection.min_cluster_share:g}",
            lambda c: c["smallest_cluster_share"] >= selection.min_cluster_share,
        ),
        (
            f"noise share <= {selection.max_noise_share:g}",
            lambda c: c["noise_share"] <= selection.max_noise_share,
        ),
        (
            "all three metrics defined",
            lambda c: c[list(METRICS)].notna().all(axis=1),
        ),
    ]


def rank_candidates(candidates: pd.DataFrame) -> pd.DataFrame:
    """Rank on each metric (1 = best, ties share the best rank), then aggregate.

    Order: mean rank ascending; ties broken by higher silhouette, then fewer
    clusters, then candidate id (alphabetical), so the order is deterministic.
    """
    ranked = candidates.copy()
    for metric, higher_is_better in METRICS.items():
        ranked[f"rank_{metric}"] = ranked[metric].rank(
            ascending=not higher_is_better, method="min"
        )
    ranked["mean_rank"] = ranked[[f"rank_{m}" for m in METRICS]].mean(axis=1)
    return ranked.sort_values(
        ["mean_rank", "silhouette", "n_clusters", "candidate_id"],
        ascending=[True, False, True, True],
        kind="mergesort",
    ).reset_index(drop=True)


def _summary(row: pd.Series) -> dict[str, Any]:
    keys = [
        "candidate_id",
        "algorithm",
        "n_clusters",
        "noise_share",
        "smallest_cluster_share",
        *METRICS,
        *(f"rank_{m}" for m in METRICS),
        "mean_rank",
    ]
    summary = {key: row[key] for key in keys}
    summary["params"] = json.loads(row["params"])
    return json.loads(json.dumps(summary, default=float))


def select_candidate(
    candidates: pd.DataFrame, modelling: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, dict[str, float]]]:
    """Guards, then rank aggregation: the winning spec, the report, its metrics."""
    selection = ModellingParams.from_dict(modelling).selection
    passing = pd.Series(True, index=candidates.index)
    rejected: dict[str, list[str]] = {}
    for label, rule in _guards(selection):
        ok = rule(candidates).fillna(False).astype(bool)
        rejected[label] = candidates.loc[~ok, "candidate_id"].tolist()
        passing &= ok
    if not passing.any():
        details = "; ".join(
            f"{label} rejected {len(ids)} of {len(candidates)}"
            + (
                f" ({', '.join(ids[:12])}{', ...' if len(ids) > 12 else ''})"
                if ids
                else ""
            )
            for label, ids in rejected.items()
        )
        raise ValueError(
            f"No modelling candidate passes the selection guards "
            f"(parameters_modelling.yml modelling.selection): {details}"
        )
    ranked = rank_candidates(candidates.loc[passing])
    winner = ranked.iloc[0]
    spec = json.loads(winner["spec"])
    nxt = [
        _summary(row) for _, row in ranked.iloc[1 : 1 + selection.runners_up].iterrows()
    ]
    why = (
        f"{winner['candidate_id']} has the best mean rank ({winner['mean_rank']:.2f}) "
        f"among {len(ranked)} of {len(candidates)} candidates passing the guards: "
        + ", ".join(
            f"{metric} {winner[metric]:.4g} (rank {int(winner[f'rank_{metric}'])})"
            for metric in METRICS
        )
    )
    if nxt:
        why += f"; next came {nxt[0]['candidate_id']} (mean rank {nxt[0]['mean_rank']:.2f})"
        if nxt[0]["mean_rank"] == winner["mean_rank"]:
            why += ", tied on mean rank and placed after by the tie-break"
    report = {
        "winner": _summary(winner),
        "why": why,
        "runners_up": nxt,
        "rule": {
            "guards": [label for label, _ in _guards(selection)],
            "ranking": "mean of the ranks on silhouette (higher better), "
            "calinski_harabasz (higher better) and davies_bouldin (lower better)",
            "tie_break": "higher silhouette, then fewer clusters, then candidate id",
        },
        "rejected_by_guard": rejected,
        "n_candidates": len(candidates),
        "n_passing": int(passing.sum()),
        "selected_spec": spec,
    }
    metrics = {
        f"selected.{name}": {"value": float(winner[name]), "step": 0}
        for name in (*METRICS, "n_clusters", "noise_share", "smallest_cluster_share")
    }
    logger.info("selected %s", why)
    return spec, report, metrics


# -- fit and assign -----------------------------------------------------------------
def fit_segmentation_model(
    model_input: pd.DataFrame, selected_spec: dict[str, Any]
) -> Segmenter:
    """Refit the selected spec on every person."""
    return make_segmenter(selected_spec).fit(model_input)


def assign_training_segments(
    model_input: pd.DataFrame, segmentation_model: Segmenter
) -> pd.DataFrame:
    """``person_key`` and ``segment`` of every person the model was fitted on."""
    return pd.DataFrame(
        {
            KEY: model_input[KEY].to_numpy(),
            "segment": segmentation_model.predict(model_input).astype("int64"),
        }
    )


def predict_segments(
    model_input: pd.DataFrame,
    segmentation_model: Segmenter,
    segment_names: dict[str, str],
) -> pd.DataFrame:
    """Inference: ``person_key``, ``segment`` and ``segment_name`` of feature rows."""
    segments = segmentation_model.predict(model_input).astype("int64")
    names = pd.Series(segments).astype(str).map(segment_names)
    unnamed = sorted(set(segments[names.isna().to_numpy()].tolist()))
    if unnamed:
        raise ValueError(f"segment_names: no name for segment(s) {unnamed}")
    frame = pd.DataFrame({"segment": segments, "segment_name": names.to_numpy()})
    if KEY in model_input:
        frame.insert(0, KEY, model_input[KEY].to_numpy())
    return frame


def build_customer_segments(
    predicted_segments: pd.DataFrame, id_map: pd.DataFrame
) -> pd.DataFrame:
    """``customer_unique_id`` (Olist hex id), ``segment``, ``segment_name``."""
    persons = id_map.loc[
        id_map["id_kind"] == "customer_unique_id", ["key", "olist_id"]
    ].set_index("key")["olist_id"]
    hex_ids = persons.reindex(predicted_segments[KEY].to_numpy())
    unmatched = int(hex_ids.isna().sum())
    if unmatched:
        raise ValueError(
            f"id_map: {unmatched} person_key(s) of the segments have no "
            "customer_unique_id row"
        )
    return pd.DataFrame(
        {
            "customer_unique_id": hex_ids.astype(str).to_numpy(),
            "segment": predicted_segments["segment"].astype("int64").to_numpy(),
            "segment_name": predicted_segments["segment_name"].astype(str).to_numpy(),
        }
    )
