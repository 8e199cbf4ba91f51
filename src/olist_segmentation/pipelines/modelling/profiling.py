"""Segment profiles that marketing can act on: sizes, medians, names, traits, actions.

A trait is a feature on which a segment differs from the whole base. How much it
differs is the effect size: the difference between the segment's mean and the
base's mean, in units of the base's standard deviation, measured after the model's
own log transform (so a few huge baskets do not dominate). The most distinctive
traits (largest absolute effect) give the segment its name, its three traits in
plain words and its suggested action, from the vocabulary below.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import numpy as np
import pandas as pd

from .params import ModellingParams
from .segmenter import signed_log1p

logger = logging.getLogger(__name__)

KEY = "person_key"
# A trait below this absolute effect size is not distinctive enough to name.
MIN_EFFECT = 0.25


@dataclasses.dataclass(frozen=True)
class Trait:
    """How one direction of one feature reads in a name, a sentence and an action."""

    word: str
    # "adj" (before the noun), "noun", "suffix" (after the noun), or "plain": a
    # sentence only, adding no word to the name and no action.
    kind: str
    text: str  # format fields: seg, base (the feature's statistic), ratio
    action: str
    # A noun's form before another noun ("big-spending boleto payers").
    adjective: str = ""


# (feature, "high" | "low") -> Trait. Features absent here get a generic sentence.
VOCABULARY: dict[tuple[str, str], Trait] = {
    ("recency_days", "high"): Trait(
        "dormant",
        "adj",
        "last order {seg:.0f} days before the snapshot (base {base:.0f})",
        "win-back campaign with a time-limited coupon",
    ),
    ("recency_days", "low"): Trait(
        "recent",
        "adj",
        "ordered recently: {seg:.0f} days before the snapshot (base {base:.0f})",
        "cross-sell while the purchase is fresh: complementary products",
    ),
    ("frequency", "high"): Trait(
        "repeat buyers",
        "noun",
        "{seg:.2f} delivered orders on average (base {base:.2f})",
        "loyalty programme: points, early access to promotions",
        "repeat",
    ),
    ("monetary", "high"): Trait(
        "big spenders",
        "noun",
        "spent {seg:.0f} BRL in total (median; base {base:.0f})",
        "premium assortment and VIP service",
        "big-spending",
    ),
    ("monetary", "low"): Trait(
        "small-basket buyers",
        "noun",
        "spent {seg:.0f} BRL in total (median; base {base:.0f})",
        "bundles and free-shipping thresholds to lift the basket",
        "small-basket",
    ),
    ("avg_order_value", "high"): Trait(
        "big spenders",
        "noun",
        "{seg:.0f} BRL per order (median; base {base:.0f})",
        "premium assortment and VIP service",
        "big-spending",
    ),
    ("avg_order_value", "low"): Trait(
        "small-basket buyers",
        "noun",
        "{seg:.0f} BRL per order (median; base {base:.0f})",
        "bundles and free-shipping thresholds to lift the basket",
        "small-basket",
    ),
    ("review_score_mean", "low"): Trait(
        "disappointed",
        "adj",
        "mean review score {seg:.2f} (base {base:.2f})",
        "service recovery: apology, goodwill voucher and a follow-up call",
    ),
    ("review_score_mean", "high"): Trait(
        "delighted",
        "adj",
        "mean review score {seg:.2f} (base {base:.2f})",
        "ask for reviews and referrals",
    ),
    ("bad_review_share", "high"): Trait(
        "disappointed",
        "adj",
        "{seg:.0%} of their reviews are bad (base {base:.0%})",
        "service recovery: apology, goodwill voucher and a follow-up call",
    ),
    ("delivery_delay_days_mean", "high"): Trait(
        "hit by late deliveries",
        "suffix",
        "deliveries {seg:+.1f} days against the estimate (base {base:+.1f})",
        "proactive delivery updates, a goodwill voucher, and a carrier review",
    ),
    ("late_share", "high"): Trait(
        "hit by late deliveries",
        "suffix",
        "{seg:.0%} of their orders arrived late (base {base:.0%})",
        "proactive delivery updates, a goodwill voucher, and a carrier review",
    ),
    ("delivery_days_mean", "high"): Trait(
        "with slow deliveries",
        "suffix",
        "{seg:.0f} days from purchase to delivery (median; base {base:.0f})",
        "offer faster shipping options and nearer sellers",
    ),
    ("distance_km_mean", "high"): Trait(
        "remote",
        "adj",
        "{seg:.0f} km from their sellers (median; base {base:.0f})",
        "promote regional sellers and shipping discounts",
    ),
    ("installments_mean", "high"): Trait(
        "instalment-paying",
        "adj",
        "{seg:.1f} instalments on average (base {base:.1f})",
        "interest-free instalment offers on higher-ticket items",
    ),
    ("share_boleto", "high"): Trait(
        "boleto payers",
        "noun",
        "{seg:.0%} of their spend paid by boleto (base {base:.0%})",
        "boleto/Pix discounts and reminders before the slip expires",
        "boleto-paying",
    ),
    ("share_voucher", "high"): Trait(
        "voucher-driven",
        "adj",
        "{seg:.0%} of their spend paid by voucher (base {base:.0%})",
        "targeted vouchers, watching the margin",
    ),
    ("share_debit_card", "high"): Trait(
        "debit-card",
        "adj",
        "{seg:.0%} of their spend paid by debit card (base {base:.0%})",
        "cash-back offers on debit payments",
    ),
    ("n_categories", "high"): Trait(
        "multi-category",
        "adj",
        "{seg:.1f} distinct categories on average (base {base:.1f})",
        "cross-category recommendations",
    ),
    ("tenure_days", "high"): Trait(
        "long-standing",
        "adj",
        "first order {seg:.0f} days before the snapshot (median; base {base:.0f})",
        "anniversary rewards",
    ),
    ("tenure_days", "low"): Trait(
        "new",
        "adj",
        "first order {seg:.0f} days before the snapshot (median; base {base:.0f})",
        "onboarding journey towards a second purchase",
    ),
    ("freight_share", "high"): Trait(
        "freight-sensitive",
        "adj",
        "freight is {seg:.0%} of their spend (base {base:.0%})",
        "free-shipping thresholds",
    ),
    ("share_boleto", "low"): Trait(
        "",
        "plain",
        "pay by card or voucher: {seg:.0%} of their spend by boleto (base {base:.0%})",
        "",
    ),
    ("share_voucher", "low"): Trait(
        "",
        "plain",
        "{seg:.0%} of their spend paid by voucher (base {base:.0%})",
        "",
    ),
    ("late_share", "low"): Trait(
        "",
        "plain",
        "delivered on time: {seg:.0%} of their orders late (base {base:.0%})",
        "",
    ),
    ("installments_mean", "low"): Trait(
        "",
        "plain",
        "pay in few instalments: {seg:.1f} on average (base {base:.1f})",
        "",
    ),
    ("items_per_order", "high"): Trait(
        "multi-item",
        "adj",
        "{seg:.1f} items per order on average (base {base:.1f})",
        "bundle offers",
    ),
}
# Features whose plain-words statistic is the mean (shares and counts); the others
# use the median.
MEAN_FEATURES = {
    "frequency",
    "share_credit_card",
    "share_boleto",
    "share_voucher",
    "share_debit_card",
    "review_score_mean",
    "bad_review_share",
    "late_share",
    "review_share",
    "installments_mean",
    "n_categories",
    "items_per_order",
    "freight_share",
    "delivery_delay_days_mean",
}
DEFAULT_ACTION = "keep in the regular newsletter; test offers to find what moves them"


def _statistic(values: pd.Series, feature: str) -> float:
    return float(values.mean() if feature in MEAN_FEATURES else values.median())


def _trait_sentence(feature: str, direction: str, seg: float, base: float) -> str:
    trait = VOCABULARY.get((feature, direction))
    ratio = seg / base if base else float("nan")
    if trait is None:
        return f"{direction} {feature.replace('_', ' ')}: {seg:.3g} (base {base:.3g})"
    return trait.text.format(seg=seg, base=base, ratio=ratio)


def _name(traits: list[tuple[str, str]]) -> str:
    """Adjectives of the two strongest traits + a noun + a suffix, e.g. "dormant big
    spenders hit by late deliveries"; a second noun reads as its adjective form
    ("big-spending boleto payers"); the noun is "customers" when no trait gives one,
    and a segment with nothing but that is "mainstream customers"."""
    words = [VOCABULARY[t] for t in traits if t in VOCABULARY]
    noun = next((w.word for w in words if w.kind == "noun"), "customers")
    adjectives: list[str] = []
    for word in words[:2]:
        if word.kind == "adj":
            adjective = word.word
        elif word.kind == "noun" and word.word != noun:
            adjective = word.adjective
        else:
            continue
        if adjective and adjective not in adjectives:
            adjectives.append(adjective)
    suffix = next((w.word for w in words[:2] if w.kind == "suffix"), "")
    if not adjectives and not suffix and noun == "customers":
        return "mainstream customers"
    return " ".join(part for part in (*adjectives, noun, suffix) if part)


def profile_segments(
    customer_features: pd.DataFrame,
    training_segments: pd.DataFrame,
    modelling: ModellingParams,
) -> tuple[dict[str, Any], pd.DataFrame, dict[str, str]]:
    """Profiles (JSON), the same as a wide table (CSV), and segment id -> name."""
    settings = modelling
    features = [c for c in customer_features.columns if c != KEY]
    merged = training_segments[[KEY, "segment"]].merge(
        customer_features, on=KEY, how="left", validate="one_to_one"
    )
    values = merged[features].astype("float64")
    # Effect sizes in the model's space: log transform where the model logs.
    logged = values.copy()
    for column in settings.log_features:
        logged[column] = signed_log1p(logged[column].to_numpy())
    base_mean = logged.mean()
    base_std = logged.std(ddof=0).replace(0.0, np.nan)
    base_median = values.median()
    n_persons = len(merged)

    segments = []
    names: dict[str, str] = {}
    for segment, index in merged.groupby("segment", sort=True).groups.items():
        own = values.loc[index]
        effect = ((logged.loc[index].mean() - base_mean) / base_std).fillna(0.0)
        ranked = (
            effect[settings.features]
            .abs()
            .sort_values(ascending=False, kind="mergesort")
        )
        picked = [f for f in ranked.index if ranked[f] >= MIN_EFFECT][
            : settings.profile.n_traits
        ]
        directions = [(f, "high" if effect[f] > 0 else "low") for f in picked]
        name = _name(directions) if directions else "typical customers"
        traits = [
            _trait_sentence(f, d, _statistic(own[f], f), _statistic(values[f], f))
            for f, d in directions
        ]
        action = next(
            (
                VOCABULARY[t].action
                for t in directions
                if t in VOCABULARY and VOCABULARY[t].kind != "plain"
            ),
            DEFAULT_ACTION,
        )
        medians = own.median()
        segments.append(
            {
                "segment": int(segment),
                "name": name,
                "size": len(index),
                "share": len(index) / n_persons,
                "traits": traits,
                "action": action,
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
    _make_unique(segments)
    names = {str(s["segment"]): s["name"] for s in segments}
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
        "n_persons": n_persons,
        "features": features,
        "modelled_features": list(settings.features),
        "base": {
            f: {"median": _clean(base_median[f]), "mean": _clean(values[f].mean())}
            for f in features
        },
        "segments": segments,
    }
    return profiles, profiles_table(profiles), names


def _make_unique(segments: list[dict[str, Any]]) -> None:
    """Two segments with one name: the smaller ones get their segment id appended."""
    seen: dict[str, int] = {}
    for s in sorted(segments, key=lambda s: (-s["size"], s["segment"])):
        if s["name"] in seen:
            s["name"] = f"{s['name']} ({s['segment']})"
        seen[s["name"]] = s["segment"]


def _clean(value: Any) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def profiles_table(profiles: dict[str, Any]) -> pd.DataFrame:
    """One row per segment: size, share, name, traits, action, median and ratio."""
    rows = []
    for s in profiles["segments"]:
        row = {
            "segment": s["segment"],
            "segment_name": s["name"],
            "size": s["size"],
            "share": s["share"],
            "action": s["action"],
        }
        for number in range(3):
            row[f"trait_{number + 1}"] = (
                s["traits"][number] if number < len(s["traits"]) else ""
            )
        for feature, stats in s["features"].items():
            row[f"median_{feature}"] = stats["median"]
            row[f"ratio_{feature}"] = stats["ratio_to_base"]
        rows.append(row)
    return pd.DataFrame(rows)
