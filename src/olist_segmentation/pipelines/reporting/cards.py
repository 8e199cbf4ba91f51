"""Segment cards: name, size, traits, action, sub-groups and the share over time."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .params import ReportingParams


def share_history(
    stability_snapshots: pd.DataFrame, segment: int
) -> list[dict[str, Any]]:
    """The segment's share at each snapshot under the final model, oldest first."""
    column = f"share_final_{segment}"
    if column not in stability_snapshots.columns:
        return []
    return [
        {"date": str(d)[:10], "share": float(s)}
        for d, s in zip(
            stability_snapshots["date"], stability_snapshots[column], strict=True
        )
    ]


def sparkline(history: list[dict[str, Any]], width: int, height: int) -> str:
    """An inline SVG polyline of the share over time (no script needed)."""
    if len(history) < 2:
        return ""
    shares = [h["share"] for h in history]
    low, high = min(shares), max(shares)
    span = (high - low) or 1.0
    points = " ".join(
        f"{width * i / (len(shares) - 1):.1f},"
        f"{height - 2 - (height - 4) * (s - low) / span:.1f}"
        for i, s in enumerate(shares)
    )
    return (
        f'<svg class="sparkline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="share from {shares[0]:.1%} to {shares[-1]:.1%}">'
        f'<polyline fill="none" stroke="#2a6fdb" stroke-width="2" points="{points}"/>'
        "</svg>"
    )


def trend_sentence(history: list[dict[str, Any]]) -> str:
    """How the share moved over the snapshots, in one sentence."""
    if len(history) < 2:
        return "No history over time is available for this segment."
    first, last = history[0], history[-1]
    change = last["share"] - first["share"]
    if abs(change) < 0.01:
        verb = "stayed stable"
    elif change > 0:
        verb = "grew"
    else:
        verb = "shrank"
    return (
        f"Its share {verb} from {first['share']:.1%} on {first['date']} "
        f"to {last['share']:.1%} on {last['date']}."
    )


def subgroup_sentence(subgroup: dict[str, Any]) -> str:
    """E.g. "12 repeat buyers (at least two delivered orders): 1.1% of this
    segment, 35% of all repeat buyers"."""
    return (
        f"{subgroup['size']:,} {subgroup['name']} ({subgroup['definition']}): "
        f"{subgroup['share_of_segment']:.1%} of this segment, "
        f"{subgroup['share_of_subgroup']:.0%} of all {subgroup['name']}"
    )


def segment_cards(
    segment_profiles: dict[str, Any],
    stability_snapshots: pd.DataFrame,
    params: ReportingParams,
) -> list[dict[str, Any]]:
    """One card per segment, largest first."""
    cards = []
    for profile in segment_profiles["segments"]:
        segment = int(profile["segment"])
        history = share_history(stability_snapshots, segment)
        cards.append(
            {
                "segment": segment,
                "name": profile["name"],
                "size": int(profile["size"]),
                "share": float(profile["share"]),
                "traits": list(profile["traits"]),
                "action": profile["action"],
                "subgroups": [
                    {
                        "summary": subgroup_sentence(subgroup),
                        "traits": list(subgroup["traits"]),
                    }
                    for subgroup in profile["subgroups"]
                ],
                "trend": trend_sentence(history),
                "sparkline": sparkline(
                    history, params.sparkline_width, params.sparkline_height
                ),
            }
        )
    return sorted(cards, key=lambda c: -c["size"])
