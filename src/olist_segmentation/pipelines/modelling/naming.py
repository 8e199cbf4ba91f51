"""Segment names and actions in the words of RFM marketing, from effect sizes.

A segment's effect sizes (one per modelled feature, see ``profiling.py``) place it
on recency ("recent" / "dormant"), frequency ("repeat" / "one-time") and monetary
value ("high" / "low"): the RFM archetype gives the base name and the action
(``vocabulary.ARCHETYPES``). Late deliveries and bad reviews add a phrase after the
name and put service recovery first. Two segments that would share a name are told
apart by the feature on which each differs most from the others ("... paying by
boleto"), so every name is distinct.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from .trait_words import TRAITS
from .vocabulary import (
    ARCHETYPES,
    EXPERIENCES,
    FREQUENCY,
    LATE,
    MONETARY,
    NEUTRAL,
    RECENCY,
    UNHAPPY,
)

# Features the base name already speaks of.
IN_THE_NAME = frozenset({RECENCY, FREQUENCY, *MONETARY, *LATE, *UNHAPPY})


class Portrait(NamedTuple):
    """What naming needs to know about one segment."""

    segment: int
    size: int
    effect: pd.Series  # feature -> effect size (modelled features only)
    # Share of the segment's persons with two orders or more, and of the base's
    # (NaN where frequency is unknown).
    repeat_share: float
    base_repeat_share: float


class Named(NamedTuple):
    """A segment's name and suggested action."""

    name: str
    action: str


def direction(value: float) -> str:
    """``high`` for a positive effect, ``low`` otherwise."""
    return "high" if value > 0 else "low"


def _distinct(effect: pd.Series, features: tuple[str, ...], threshold: float) -> str:
    """The direction of the strongest of ``features`` at or above ``threshold``."""
    present = effect.reindex([f for f in features if f in effect.index]).dropna()
    if present.empty or present.abs().max() < threshold:
        return ""
    return direction(present[present.abs().idxmax()])


def rfm_levels(portrait: Portrait, threshold: float) -> tuple[str, str, str]:
    """(recency, frequency, monetary) levels of a segment, "" when unremarkable."""
    recency = {"high": "dormant", "low": "recent", "": ""}[
        _distinct(portrait.effect, (RECENCY,), threshold)
    ]
    frequency = ""
    monetary = _distinct(portrait.effect, MONETARY, threshold)
    if FREQUENCY in portrait.effect.index:
        # "repeat buyers" only where most of the segment are: a few repeat buyers
        # in a segment are its sub-group, not its name.
        if portrait.effect[FREQUENCY] >= threshold and portrait.repeat_share >= 0.5:
            frequency = "repeat"
        elif portrait.repeat_share <= portrait.base_repeat_share and not monetary:
            frequency = "one-time"
    return recency, frequency, monetary


def _hits(effect: pd.Series, wanted: dict[str, str], threshold: float) -> bool:
    return any(
        feature in effect.index
        and abs(effect[feature]) >= threshold
        and direction(effect[feature]) == side
        for feature, side in wanted.items()
    )


def base_name(portrait: Portrait, threshold: float) -> Named:
    """The RFM archetype, with the delivery and satisfaction experience after it."""
    levels = rfm_levels(portrait, threshold)
    archetype = ARCHETYPES.get(levels, NEUTRAL)
    late = _hits(portrait.effect, LATE, threshold)
    unhappy = _hits(portrait.effect, UNHAPPY, threshold)
    if late or unhappy:
        experience = EXPERIENCES[(late, unhappy)]
        if archetype is NEUTRAL:
            return Named(f"customers {experience.name}", experience.action)
        return Named(
            f"{archetype.name} {experience.name}",
            f"{experience.action}; once recovered: {archetype.action}",
        )
    # Neither recency nor value nor repeat buying sets the segment apart: its
    # strongest other trait does ("one-time buyers paying by boleto").
    if not any(levels[::2]) and levels[1] != "repeat":
        qualified = _qualifier(portrait, threshold)
        if qualified is not None:
            trait = TRAITS[qualified]
            noun = "customers" if archetype is NEUTRAL else archetype.name
            return Named(f"{noun} {trait.qualifier}", trait.action or archetype.action)
    return Named(archetype.name, archetype.action)


def _qualifier(portrait: Portrait, threshold: float) -> tuple[str, str] | None:
    """The strongest trait outside the name's vocabulary that has a qualifier, at
    or above ``threshold``."""
    order = portrait.effect.drop(index=list(IN_THE_NAME), errors="ignore").abs()
    for feature in order.sort_values(ascending=False, kind="mergesort").index:
        key = (feature, direction(portrait.effect[feature]))
        trait = TRAITS.get(key)
        if trait and trait.qualifier and order[feature] >= threshold:
            return key
    return None


def _separating(portrait: Portrait, others: list[Portrait]) -> tuple[str, str] | None:
    """The trait on which ``portrait`` differs most from ``others``, in the direction
    it also differs from the base, that has a qualifier and is not already in the
    name (recency, frequency, value, delivery and satisfaction are)."""
    rest = pd.concat([o.effect for o in others], axis=1).mean(axis=1)
    gap = (portrait.effect - rest.reindex(portrait.effect.index)).dropna()
    gap = gap.drop(index=[f for f in IN_THE_NAME if f in gap.index])
    for feature in gap.abs().sort_values(ascending=False, kind="mergesort").index:
        side = direction(gap[feature])
        trait = TRAITS.get((feature, side))
        same_side = direction(portrait.effect[feature]) == side
        if trait and trait.qualifier and same_side and portrait.effect[feature] != 0:
            return feature, side
    return None


def _with_qualifier(named: Named, feature: str, side: str) -> Named:
    trait = TRAITS[(feature, side)]
    joiner = ", " if any(e.name in named.name for e in EXPERIENCES.values()) else " "
    action = f"{named.action}; {trait.action}" if trait.action else named.action
    return Named(f"{named.name}{joiner}{trait.qualifier}", action)


def name_segments(portraits: list[Portrait], threshold: float) -> dict[int, Named]:
    """A distinct name and an action for every segment."""
    named = {p.segment: base_name(p, threshold) for p in portraits}
    by_id = {p.segment: p for p in portraits}
    groups: dict[str, list[int]] = {}
    for segment, entry in named.items():
        groups.setdefault(entry.name, []).append(segment)
    for members in groups.values():
        if len(members) < 2:
            continue
        for segment in members:
            others = [by_id[m] for m in members if m != segment]
            separating = _separating(by_id[segment], others)
            if separating is not None:
                named[segment] = _with_qualifier(named[segment], *separating)
    seen: dict[str, int] = {}
    for portrait in sorted(portraits, key=lambda p: (-p.size, p.segment)):
        name = named[portrait.segment].name
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            named[portrait.segment] = named[portrait.segment]._replace(
                name=f"{name} ({seen[name]})"
            )
    return named
