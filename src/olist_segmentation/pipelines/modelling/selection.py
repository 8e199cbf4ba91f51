"""Selection: guards, rank aggregation over three metrics, then intrinsic stability.

The candidates passing the guards are ranked once; walking down that ranking, the
first candidate whose partition holds under other seeds and on bootstrap resamples
of the persons wins. ``ranked_candidates`` records it all; nothing re-ranks later.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from .candidates import METRICS, candidate_models, evaluation_rows
from .model_ops import features_of, intrinsic_agreement, side_by_side, with_seed
from .params import ModellingParams, SelectionParams

logger = logging.getLogger(__name__)

STABILITY_GUARD = "intrinsic stability"


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
    )


def _fitted(model: Pipeline, frame: pd.DataFrame) -> Pipeline:
    return model.fit(frame)


def intrinsic_stability(
    model: Pipeline, model_input: pd.DataFrame, settings: ModellingParams
) -> dict[str, float]:
    """Median ARI (:func:`.model_ops.intrinsic_agreement`), on the evaluation sample,
    between ``model`` fitted on every person and refits with other seeds / on
    bootstrap resamples of the persons, fitted side by side."""
    guard = settings.selection.stability
    evaluation = model_input.iloc[evaluation_rows(len(model_input), settings)]
    rng = np.random.default_rng(settings.seed)
    resamples = [
        model_input.iloc[rng.integers(0, len(model_input), size=len(model_input))]
        for _ in range(guard.n_bootstrap)
    ]
    base, *refits = side_by_side(
        _fitted,
        [
            (clone(model), model_input),
            *((with_seed(model, seed), model_input) for seed in guard.seeds),
            *((clone(model), resample) for resample in resamples),
        ],
        settings.n_jobs,
    )
    measured = intrinsic_agreement(
        base, refits[: len(guard.seeds)], refits[len(guard.seeds) :], evaluation
    )
    return {key: measured[key] for key in ("seed_ari_median", "bootstrap_ari_median")}


def _summary(row: pd.Series) -> dict[str, Any]:
    keys = [
        "candidate_id",
        "algorithm",
        "transform",
        "n_clusters",
        "noise_share",
        "smallest_cluster_share",
        *METRICS,
        *(f"rank_{m}" for m in METRICS),
        "mean_rank",
        "seed_ari_median",
        "bootstrap_ari_median",
    ]
    summary = {key: row[key] for key in keys}
    summary["params"] = json.loads(row["params"])
    return json.loads(json.dumps(summary, default=float).replace("NaN", "null"))


def _guard_rejections(
    candidates: pd.DataFrame, selection: SelectionParams
) -> tuple[pd.Series, dict[str, list[str]]]:
    reasons = pd.Series("", index=candidates.index)
    rejected = {}
    for label, rule in _guards(selection):
        ok = rule(candidates).fillna(False).astype(bool)
        rejected[label] = candidates.loc[~ok, "candidate_id"].tolist()
        reasons[~ok] = reasons[~ok].map(lambda r, x=label: f"{r}; {x}" if r else x)
    return reasons, rejected


def _walk_down(
    ranked: pd.DataFrame,
    model_input: pd.DataFrame,
    settings: ModellingParams,
) -> tuple[pd.DataFrame, Any, Pipeline]:
    """Measure stability down the ranking until a stable candidate: the ranking
    with the measures, the winner's index and its unfitted model."""
    guard = settings.selection.stability
    models = {
        identifier: model
        for space in settings.candidates.values()
        for identifier, (_, _, model) in candidate_models(space, settings).items()
    }
    ranked = ranked.assign(seed_ari_median=np.nan, bootstrap_ari_median=np.nan)
    for index in ranked.index[: guard.max_candidates]:
        identifier = ranked.at[index, "candidate_id"]
        measured = intrinsic_stability(models[identifier], model_input, settings)
        for key, value in measured.items():
            ranked.at[index, key] = value
        logger.info(
            "stability of %s: seed ARI median %.3f, bootstrap ARI median %.3f",
            identifier,
            measured["seed_ari_median"],
            measured["bootstrap_ari_median"],
        )
        if min(measured.values()) >= guard.min_ari:
            return ranked, index, models[identifier]
        ranked.at[index, "rejected_by"] = (
            f"{STABILITY_GUARD}: seed / bootstrap ARI medians "
            f"{measured['seed_ari_median']:.3f} / {measured['bootstrap_ari_median']:.3f}"
            f" < {guard.min_ari:g}"
        )
    tried = ", ".join(ranked["candidate_id"].iloc[: guard.max_candidates])
    raise ValueError(
        f"No modelling candidate is intrinsically stable (parameters_modelling.yml "
        f"modelling.selection.stability: seed and bootstrap ARI medians >= "
        f"{guard.min_ari:g}) among the {guard.max_candidates} best ranked: {tried}"
    )


def select_candidate(
    candidates: pd.DataFrame, model_input: pd.DataFrame, modelling: ModellingParams
) -> tuple[Pipeline, dict[str, Any], dict[str, dict[str, float]], pd.DataFrame]:
    """Guards, rank aggregation, stability: the winning (unfitted) model, the
    report, its metrics and the ranked candidates."""
    selection = modelling.selection
    reasons, rejected = _guard_rejections(candidates, selection)
    passing = reasons == ""
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
    ranked = rank_candidates(candidates.loc[passing]).assign(rejected_by="")
    ranked, winner_index, model = _walk_down(ranked, model_input, modelling)
    unstable = ranked["rejected_by"] != ""
    rejected[STABILITY_GUARD] = ranked.loc[unstable, "candidate_id"].tolist()
    stable = ranked.loc[~unstable]
    winner = stable.loc[winner_index]
    table = _ranked_table(candidates, reasons, ranked)
    nxt = [
        _summary(row) for _, row in stable.iloc[1 : 1 + selection.runners_up].iterrows()
    ]
    why = [
        f"{winner['candidate_id']} has the best mean rank ({winner['mean_rank']:.2f}) "
        f"among the {int(passing.sum())} of {len(candidates)} candidates passing the "
        "guards that are intrinsically stable: "
        + ", ".join(
            f"{metric} {winner[metric]:.4g} (rank {int(winner[f'rank_{metric}'])})"
            for metric in METRICS
        ),
        f"{int(winner['n_clusters'])} segments, the smallest holding "
        f"{winner['smallest_cluster_share']:.1%} of the persons",
        f"stable: seed ARI median {winner['seed_ari_median']:.3f}, bootstrap ARI "
        f"median {winner['bootstrap_ari_median']:.3f} (threshold "
        f"{selection.stability.min_ari:g})",
    ]
    if rejected[STABILITY_GUARD]:
        why.append(
            "better ranked but unstable: " + ", ".join(rejected[STABILITY_GUARD])
        )
    if nxt:
        why.append(
            f"next came {nxt[0]['candidate_id']} (mean rank {nxt[0]['mean_rank']:.2f})"
        )
    summary = _summary(winner)
    report = {
        "winner": {**summary, "features": features_of(model)},
        "features": features_of(model),
        "why": why,
        "runners_up": nxt,
        "rule": {
            "guards": [label for label, _ in _guards(selection)]
            + [
                f"{STABILITY_GUARD}: seed and bootstrap ARI medians >= "
                f"{selection.stability.min_ari:g}, checked down the ranking"
            ],
            "ranking": "mean of the ranks on silhouette (higher better), "
            "calinski_harabasz (higher better) and davies_bouldin (lower better)",
            "tie_break": "higher silhouette, then fewer clusters, then candidate id",
        },
        "rejected_by_guard": rejected,
        "n_candidates": len(candidates),
        "n_passing": int(passing.sum()) - len(rejected[STABILITY_GUARD]),
    }
    metrics = {
        f"selected.{name}": {"value": float(winner[name]), "step": 0}
        for name in (
            *METRICS,
            "n_clusters",
            "noise_share",
            "smallest_cluster_share",
            "seed_ari_median",
            "bootstrap_ari_median",
        )
    }
    logger.info("selected %s", "; ".join(why))
    return model, report, metrics, table


def _ranked_table(
    candidates: pd.DataFrame, reasons: pd.Series, ranked: pd.DataFrame
) -> pd.DataFrame:
    """Every candidate: the passing ones by position, then the rejected."""
    stable = ranked.loc[ranked["rejected_by"] == ""]
    position = pd.Series(np.arange(1, len(stable) + 1), index=stable.index)
    extra = [
        *(f"rank_{m}" for m in METRICS),
        "mean_rank",
        "seed_ari_median",
        "bootstrap_ari_median",
    ]
    table = candidates.join(ranked[extra])
    table["rejected_by"] = reasons
    table.loc[ranked.index, "rejected_by"] = ranked["rejected_by"]
    table["passes_guards"] = table["rejected_by"] == ""
    table["position"] = position.reindex(table.index).astype("Int64")
    rejected = table.loc[table.index.difference(stable.index)].sort_values(
        "candidate_id", kind="mergesort"
    )
    return pd.concat([table.loc[stable.index], rejected]).reset_index(drop=True)
