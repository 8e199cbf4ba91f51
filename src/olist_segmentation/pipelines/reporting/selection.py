"""How the model was chosen: the winner, its metrics and features, the guards, the
reasons (``why``: one sentence or a list of them) and the runners-up, as the
selection wrote them.

The selection ranks the candidates once (``ranked_candidates``, ``position`` 1 =
winner); the report only reads that order, it never ranks again.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

# metric -> how to read it, for the winner's line.
METRIC_WORDS = {
    "silhouette": "silhouette {value:.3f} (from -1 to 1, higher: segments better "
    "separated)",
    "calinski_harabasz": "Calinski-Harabasz {value:,.0f} (higher: tighter segments "
    "further apart)",
    "davies_bouldin": "Davies-Bouldin {value:.3f} (lower: segments less alike)",
}
COLUMNS = (
    "position",
    "candidate_id",
    "algorithm",
    "transform",
    "n_clusters",
    "smallest_cluster_share",
    "noise_share",
    *METRIC_WORDS,
    "mean_rank",
    "seed_ari_median",
    "bootstrap_ari_median",
)


def format_value(value: Any) -> str:
    """A table cell: floats to 3 decimals (thousands separated when large)."""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1000:
            return f"{value:.0f}"
        return f"{value:.3f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def selection_content(
    selection_report: dict[str, Any], ranked_candidates: pd.DataFrame, limit: int
) -> dict[str, Any]:
    """The winner, its metrics and features, the guards, the reasons, the ranking."""
    passing = ranked_candidates[ranked_candidates["position"].notna()].sort_values(
        "position", kind="mergesort"
    )
    rejected = selection_report["rejected_by_guard"]
    winner = selection_report["winner"]
    why = selection_report["why"]
    columns = [c for c in COLUMNS if c in ranked_candidates.columns]
    per_algorithm = (
        pd.DataFrame(
            {
                "candidates": ranked_candidates.groupby("algorithm").size(),
                "passing": passing.groupby("algorithm").size(),
            }
        )
        .fillna(0)
        .astype(int)
    )
    return {
        "winner": {
            "candidate_id": winner["candidate_id"],
            "algorithm": winner["algorithm"],
            "n_clusters": int(winner["n_clusters"]),
            "smallest_cluster_share": float(winner["smallest_cluster_share"]),
            "metrics": [
                words.format(value=float(winner[metric]))
                for metric, words in METRIC_WORDS.items()
            ],
        },
        "features": list(selection_report["features"]),
        "why": [why] if isinstance(why, str) else list(why),
        "rule": selection_report["rule"],
        "guards": [
            {"guard": label, "rejected": len(ids)} for label, ids in rejected.items()
        ],
        "runners_up": [r["candidate_id"] for r in selection_report["runners_up"]],
        "n_total": len(ranked_candidates),
        "n_passing": len(passing),
        "per_algorithm": [
            {
                "algorithm": str(a),
                "candidates": int(r.candidates),
                "passing": int(r.passing),
            }
            for a, r in per_algorithm.iterrows()
        ],
        "columns": columns,
        "rows": [
            [format_value(v) for v in row]
            for row in passing.head(limit)[columns].itertuples(index=False)
        ],
    }
