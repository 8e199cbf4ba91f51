"""Segment profiles that marketing can act on: sizes, medians, names, traits,
actions, and the small groups of interest inside each segment.

A trait is a feature on which a segment differs from the whole base. How much it
differs is the effect size, measured on a rank scale of this module's own: every
feature becomes its percentile rank in the base, and the effect is the difference
between the segment's mean rank and the base's, in units of the base's standard
deviation of ranks. Ranks make a few huge baskets weigh like any other high value,
and do not depend on how the model transforms its inputs: the profile reads only
the modelled feature names from the model (``model_ops.features_of``).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .model_ops import features_of
from .naming import Portrait, direction, name_segments
from .trait_words import MEAN_FEATURES, SUBGROUPS, TRAITS, Subgroup
from .vocabulary import FREQUENCY

logger = logging.getLogger(__name__)

KEY = "person_key"
# A trait below this absolute effect size (rank scale) is not distinctive enough to
# name or list.
MIN_EFFECT = 0.25
# A sub-group is described inside a segment from this many persons on, and while it
# is less than half the segment (more would make it the segment itself).
MIN_SUBGROUP_PERSONS = 5
SUBGROUP_TRAITS = 2


def rank_scale(values: pd.DataFrame) -> pd.DataFrame:
    """Every column as its percentile rank in the frame (ties share their mean rank)."""
    return values.rank(pct=True, method="average")


def effect_sizes(ranks: pd.DataFrame, rows: pd.Index, reference: pd.Index) -> pd.Series:
    """Mean rank of ``rows`` minus that of ``reference``, in base standard deviations."""
    spread = ranks.std(ddof=0).replace(0.0, np.nan)
    return ((ranks.loc[rows].mean() - ranks.loc[reference].mean()) / spread).fillna(0.0)


def statistic(values: pd.Series, feature: str) -> float:
    """The plain-words statistic of a feature: mean for shares and counts, else median."""
    return float(values.mean() if feature in MEAN_FEATURES else values.median())


def trait_sentence(
    feature: str, side: str, seg: float, base: float, ref: str = "base"
) -> str:
    """One trait in plain words, e.g. "spent 310 BRL in total (median; base 107)"."""
    trait = TRAITS.get((feature, side))
    if trait is None:
        return f"{side} {feature.replace('_', ' ')}: {seg:.3g} ({ref} {base:.3g})"
    return trait.text.format(seg=seg, base=base, ref=ref)


def _traits(
    effect: pd.Series,
    own: pd.DataFrame,
    reference: pd.DataFrame,
    limit: int,
    ref: str = "base",
) -> list[str]:
    ranked = effect.abs().sort_values(ascending=False, kind="mergesort")
    picked = [f for f in ranked.index if ranked[f] >= MIN_EFFECT][:limit]
    return [
        trait_sentence(
            f,
            direction(effect[f]),
            statistic(own[f], f),
            statistic(reference[f], f),
            ref,
        )
        for f in picked
    ]


def _subgroup(
    subgroup: Subgroup,
    index: pd.Index,
    values: pd.DataFrame,
    ranks: pd.DataFrame,
    modelled: list[str],
) -> dict[str, Any] | None:
    """The sub-group inside one segment: size, shares, what sets it apart."""
    column = values.loc[index, subgroup.feature]
    inside = column.index[column >= subgroup.minimum]
    if len(inside) < MIN_SUBGROUP_PERSONS or len(inside) * 2 > len(index):
        return None
    rest = index.difference(inside)
    apart = [f for f in modelled if f != subgroup.feature]
    effect = effect_sizes(ranks[apart], inside, rest)
    total = int((values[subgroup.feature] >= subgroup.minimum).sum())
    return {
        "name": subgroup.name,
        "definition": subgroup.definition,
        "size": len(inside),
        "share_of_segment": len(inside) / len(index),
        "share_of_subgroup": len(inside) / total,
        "traits": _traits(
            effect,
            values.loc[inside],
            values.loc[rest],
            SUBGROUP_TRAITS,
            "rest of the segment",
        ),
    }


def _clean(value: Any) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def profile_segments(
    customer_features: pd.DataFrame,
    training_segments: pd.DataFrame,
    segmentation_model: BaseEstimator,
    n_traits: int,
) -> tuple[dict[str, Any], pd.DataFrame, dict[str, str]]:
    """Profiles (JSON), the same as a wide table (CSV), and segment id -> name;
    each segment lists its ``n_traits`` most distinctive traits."""
    modelled = features_of(segmentation_model)
    features = [c for c in customer_features.columns if c != KEY]
    merged = training_segments[[KEY, "segment"]].merge(
        customer_features, on=KEY, how="left", validate="one_to_one"
    )
    values = merged[features].astype("float64")
    ranks = rank_scale(values)
    base_median = values.median()
    repeat_base = (
        float((values[FREQUENCY] > 1).mean()) if FREQUENCY in values else np.nan
    )
    groups = merged.groupby("segment", sort=True).groups
    effects = {
        s: effect_sizes(ranks, index, values.index) for s, index in groups.items()
    }
    portraits = [
        Portrait(
            segment=int(segment),
            size=len(index),
            effect=effects[segment][modelled],
            repeat_share=float((values.loc[index, FREQUENCY] > 1).mean())
            if FREQUENCY in values
            else np.nan,
            base_repeat_share=repeat_base,
        )
        for segment, index in groups.items()
    ]
    named = name_segments(portraits, MIN_EFFECT)
    segments = []
    for segment, index in groups.items():
        own = values.loc[index]
        effect = effects[segment]
        medians = own.median()
        segments.append(
            {
                "segment": int(segment),
                "name": named[int(segment)].name,
                "size": len(index),
                "share": len(index) / len(merged),
                "traits": _traits(effect[modelled], own, values, n_traits),
                "action": named[int(segment)].action,
                "subgroups": [
                    found
                    for subgroup in SUBGROUPS
                    if subgroup.feature in values
                    and (found := _subgroup(subgroup, index, values, ranks, modelled))
                ],
                "features": {
                    f: {
                        "median": _clean(medians[f]),
                        "mean": _clean(own[f].mean()),
                        "ratio_to_base": _clean(
                            medians[f] / base_median[f] if base_median[f] else np.nan
                        ),
                        "effect": _clean(effect[f]),
                    }
                    for f in features
                },
            }
        )
    for s in segments:
        logger.info(
            "segment %d '%s': %d persons (%.1f%%); %s",
            s["segment"],
            s["name"],
            s["size"],
            100 * s["share"],
            "; ".join(s["traits"]),
        )
    profiles = {
        "n_persons": len(merged),
        "features": features,
        "modelled_features": modelled,
        "effect_scale": "difference of mean percentile ranks, in base standard "
        "deviations of ranks",
        "base": {
            f: {"median": _clean(base_median[f]), "mean": _clean(values[f].mean())}
            for f in features
        },
        "subgroups": [
            {
                "name": subgroup.name,
                "definition": subgroup.definition,
                "size": int((values[subgroup.feature] >= subgroup.minimum).sum()),
                "share": float((values[subgroup.feature] >= subgroup.minimum).mean()),
            }
            for subgroup in SUBGROUPS
            if subgroup.feature in values
        ],
        "segments": segments,
    }
    return (
        profiles,
        profiles_table(profiles, n_traits),
        {str(s["segment"]): s["name"] for s in segments},
    )


def profiles_table(profiles: dict[str, Any], n_traits: int) -> pd.DataFrame:
    """One row per segment: size, share, name, traits, action, sub-groups, medians and
    ratios."""
    rows = []
    for s in profiles["segments"]:
        row = {
            "segment": s["segment"],
            "segment_name": s["name"],
            "size": s["size"],
            "share": s["share"],
            "action": s["action"],
        }
        for number in range(n_traits):
            row[f"trait_{number + 1}"] = (
                s["traits"][number] if number < len(s["traits"]) else ""
            )
        row["subgroups"] = "; ".join(
            f"{g['size']} {g['name']} ({g['share_of_segment']:.1%})"
            for g in s["subgroups"]
        )
        for feature, stats in s["features"].items():
            row[f"median_{feature}"] = stats["median"]
            row[f"ratio_{feature}"] = stats["ratio_to_base"]
        rows.append(row)
    return pd.DataFrame(rows)
