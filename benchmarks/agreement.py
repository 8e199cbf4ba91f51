"""How two samples' retraining contracts agree, under each reference-date rule.

The runs of ``bench_sample_size.py`` keep what each reference date measured (persons,
seed and bootstrap medians, period, every pair's period); a rule says which dates a
contract is read from, and :func:`contract` reads it with the pipeline's own
``stability.recommendation.contract_over``, so the rule before the pipeline's can be
read from the same measurements.
"""

from __future__ import annotations

import itertools
import statistics
from typing import Any

from bench_real_sample import inside

from olist_segmentation.pipelines.stability.nodes import gate
from olist_segmentation.pipelines.stability.params import StabilityParams
from olist_segmentation.pipelines.stability.recommendation import contract_over

#: Which reference dates a contract is read from: the pipeline's rule
#: (``stability.nodes.gate``), the rule before issue 15 and the seeds alone, each as
#: the threshold (a ``StabilityParams`` field) below which a median leaves a date out.
RULES = {
    "pipeline": {
        "seed_ari_median": "intrinsic_ari_threshold",
        "bootstrap_ari_median": "ari_threshold",
    },
    "before": {
        "seed_ari_median": "intrinsic_ari_threshold",
        "bootstrap_ari_median": "intrinsic_ari_threshold",
    },
    "seeds_only": {"seed_ari_median": "intrinsic_ari_threshold"},
}


def left_out(origin: dict, rule: str, params: StabilityParams) -> bool:
    if rule == "pipeline":
        return gate(origin["seed_ari_median"], origin["bootstrap_ari_median"], params)[
            "unstable"
        ]
    return any(
        origin[median] < getattr(params, threshold)
        for median, threshold in RULES[rule].items()
    )


def describe(rule: str, params: StabilityParams) -> str:
    return "a date is left out when " + " or ".join(
        f"{median} < {getattr(params, threshold)}"
        for median, threshold in RULES[rule].items()
    )


def contract(run: dict, rule: str, params: StabilityParams) -> dict[str, Any]:
    """The contract ``rule`` reads from a run's reference dates
    (``recommendation.contract_over``)."""
    origins = [
        o
        | {
            "period_days": round(o["period_weeks"] * 7),
            "unstable": left_out(o, rule, params),
        }
        for o in run["origins"]
    ]
    found = contract_over(origins, params)
    interval = None if found is None else found[1]
    return {
        "period_weeks": None if found is None else round(found[0] / 7, 1),
        "interval_weeks": interval,
        "width_weeks": None if interval is None else interval[1] - interval[0],
        "stable_dates": [o["t0"] for o in origins if not o["unstable"]],
    }


def agreement(a: dict, b: dict) -> dict[str, Any]:
    a_in_b = bool(inside(a["period_weeks"], b["interval_weeks"]))
    b_in_a = bool(inside(b["period_weeks"], a["interval_weeks"]))
    return {
        "periods": [a["period_weeks"], b["period_weeks"]],
        "intervals": [a["interval_weeks"], b["interval_weeks"]],
        "both": a_in_b and b_in_a,
        "one_way": a_in_b != b_in_a,
        "same_stable_dates": a["stable_dates"] == b["stable_dates"],
    }


def by_size(runs: list[dict], rule: str) -> list[dict]:
    """Per (data, size) under ``rule``: widths, dates read, periods, and the
    agreement of every two disjoint samples of the same draw."""
    out = []
    for (data, size), grouped in itertools.groupby(
        runs, lambda r: (r["data"], r["size"])
    ):
        group = list(grouped)
        read = [r["contracts"][rule] for r in group]
        pairs = [
            agreement(a["contracts"][rule], b["contracts"][rule])
            for _, same in itertools.groupby(group, lambda r: r["draw"])
            for a, b in itertools.combinations(list(same), 2)
            if a["disjoint"] and b["disjoint"]
        ]
        widths = [c["width_weeks"] for c in read if c["width_weeks"] is not None]
        out.append(
            {
                "data": data,
                "size": size,
                "runs": len(group),
                "persons_t0_median": statistics.median(
                    r["origins"][0]["n_persons"] for r in group
                ),
                "dates_read_per_run": [len(c["stable_dates"]) for c in read],
                "periods_weeks": [c["period_weeks"] for c in read],
                "width_weeks": widths,
                "width_weeks_median": statistics.median(widths) if widths else None,
                "disjoint_pairs": len(pairs),
                "agree_both_ways": sum(p["both"] for p in pairs),
                "agree_one_way": sum(p["one_way"] for p in pairs),
                "same_dates_read": sum(p["same_stable_dates"] for p in pairs),
                "pairs": pairs,
            }
        )
    return out


def evidence(rows: list[dict]) -> list[dict[str, Any]]:
    """``stability.sample_size.by_size``: the sizes with disjoint pairs, in the
    parameters' form (``parameters_stability.yml`` holds a copy, checked by
    ``tests/pipelines/stability/test_sample_size.py``)."""
    found = []
    for row in rows:
        if not row["disjoint_pairs"]:
            continue
        periods = [p for p in row["periods_weeks"] if p is not None]
        what = (
            f"{'halves' if row['size'] == 0.5 else 'quarters'} of the real sample"
            if row["data"] == "real"
            else f"synthetic default thinned to {row['size']:g}x the real sample"
        )
        found.append(
            {
                "data": what,
                "persons_t0": round(row["persons_t0_median"]),
                "pairs": row["disjoint_pairs"],
                "agreed": row["agree_both_ways"],
                "periods_weeks": [min(periods), max(periods)],
            }
        )
    return found
