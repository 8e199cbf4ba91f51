"""The marketing report: one self-contained HTML page and its Markdown twin.

``build_report_content`` gathers everything the report says into one JSON-able dict
(summary, segment cards, model choice, maintenance contract, data quality); the two
render nodes only lay it out. The HTML embeds every plotly figure inline with
plotly.js included once, so it opens offline in any browser.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from olist_segmentation.params import reject_unknown
from olist_segmentation.pipelines.modelling.nodes import METRICS, rank_candidates

logger = logging.getLogger(__name__)

FIGURE_TITLES = {
    "segment_sizes": "Segment sizes",
    "segment_profiles": "Feature profile per segment",
    "segment_projection": "2-D projection of the customers",
    "stability_ari": "How fast segments go stale",
    "stability_shares": "Segment shares over time",
    "stability_drift": "Feature drift against the reference date",
}


@dataclasses.dataclass(frozen=True)
class ReportingParams:
    """``reporting`` parameters."""

    title: str = "Olist customer segments"
    max_candidates: int = 12
    sparkline_width: int = 160
    sparkline_height: int = 36

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ReportingParams:
        """Build from the YAML mapping, failing on an unknown key."""
        reject_unknown(raw, cls, "reporting")
        return cls(**raw)


def _share_history(
    stability_snapshots: pd.DataFrame, segment: int
) -> list[dict[str, Any]]:
    column = f"share_final_{segment}"
    if column not in stability_snapshots.columns:
        return []
    return [
        {"date": str(d)[:10], "share": float(s)}
        for d, s in zip(
            stability_snapshots["date"], stability_snapshots[column], strict=True
        )
    ]


def _sparkline(history: list[dict[str, Any]], width: int, height: int) -> str:
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


def _trend_sentence(history: list[dict[str, Any]]) -> str:
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


def _segment_cards(
    segment_profiles: dict[str, Any],
    stability_snapshots: pd.DataFrame,
    params: ReportingParams,
) -> list[dict[str, Any]]:
    cards = []
    for profile in segment_profiles["segments"]:
        segment = int(profile["segment"])
        history = _share_history(stability_snapshots, segment)
        cards.append(
            {
                "segment": segment,
                "name": profile["name"],
                "size": int(profile["size"]),
                "share": float(profile["share"]),
                "traits": list(profile["traits"]),
                "action": profile["action"],
                "trend": _trend_sentence(history),
                "sparkline": _sparkline(
                    history, params.sparkline_width, params.sparkline_height
                ),
            }
        )
    return sorted(cards, key=lambda c: -c["size"])


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.3f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def _candidates_table(
    candidates: pd.DataFrame, selection_report: dict[str, Any], limit: int
) -> dict[str, Any]:
    """The best candidates passing the guards, ranked as the selection ranked them."""
    rejected = selection_report["rejected_by_guard"]
    rejected_ids = {cid for ids in rejected.values() for cid in ids}
    passing = candidates[~candidates["candidate_id"].isin(rejected_ids)]
    ranked = rank_candidates(passing).head(limit)
    columns = [
        "candidate_id",
        "n_clusters",
        "noise_share",
        "smallest_cluster_share",
        *METRICS,
        "mean_rank",
        "fit_seconds",
    ]
    per_algorithm = (
        pd.DataFrame(
            {
                "candidates": candidates.groupby("algorithm").size(),
                "passing": passing.groupby("algorithm").size(),
            }
        )
        .fillna(0)
        .astype(int)
    )
    return {
        "n_total": len(candidates),
        "n_passing": len(passing),
        "winner": selection_report["winner"]["candidate_id"],
        "columns": columns,
        "rows": [
            [_format_value(v) for v in row]
            for row in ranked[columns].itertuples(index=False)
        ],
        "per_algorithm": [
            {
                "algorithm": str(a),
                "candidates": int(r.candidates),
                "passing": int(r.passing),
            }
            for a, r in per_algorithm.iterrows()
        ],
        "guards": [
            {"guard": label, "rejected": len(ids)} for label, ids in rejected.items()
        ],
    }


def _quality_rows(data_quality_report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per Kaggle file: rows read and kept, the rules that touched rows."""
    rows = []
    for table, report in data_quality_report["tables"].items():
        rows.append(
            {
                "table": table,
                "rows_read": report.get("rows_read"),
                "rows_kept": report.get("rows_kept"),
                "rules": [
                    {
                        "rule": rule,
                        "count": int(entry["count"]),
                        "action": entry["action"],
                    }
                    for rule, entry in report.get("rules", {}).items()
                    if int(entry["count"]) > 0
                ],
            }
        )
    return rows


def _summary(
    cards: list[dict[str, Any]],
    selected_spec: dict[str, Any],
    recommendation: dict[str, Any],
) -> str:
    n_persons = sum(c["size"] for c in cards)
    biggest = cards[0]
    period = recommendation["retrain_period_weeks"]
    bound = "at least " if recommendation["censored"] else ""
    if not recommendation["recommended"]:
        validity = (
            "no retraining period can be given: the model disagrees with itself "
            "across seeds and resamples"
        )
    elif recommendation["retrain_period_days"] == 0:
        validity = (
            f"the model already disagrees with a fresh one after "
            f"{recommendation['step_days']} days, so we propose retraining at every "
            f"step of {recommendation['step_days']} days"
        )
    else:
        validity = (
            f"the model stays reliable for {bound}{period:g} weeks (agreement with a "
            f"fresh model at or above {recommendation['ari_threshold']}), so we "
            f"propose retraining every {period:g} weeks"
        )
    return (
        f"{n_persons:,} customers fall into {len(cards)} segments, found by "
        f"{selected_spec['algorithm']} on {len(selected_spec['features'])} behaviour "
        f"features. The largest segment, \u201c{biggest['name']}\u201d, holds "
        f"{biggest['share']:.0%} of the customers. Each segment below comes with its "
        "traits in plain words and a suggested action. Segments go stale as customers "
        f"buy, review and drift: {validity}, earlier if one of the monitoring signals "
        "below fires."
    )


def build_report_content(
    *,
    segment_profiles: dict[str, Any],
    selection_report: dict[str, Any],
    candidates: pd.DataFrame,
    selected_spec: dict[str, Any],
    maintenance_recommendation: dict[str, Any],
    stability_snapshots: pd.DataFrame,
    data_quality_report: dict[str, Any],
    params: dict[str, Any],
) -> dict[str, Any]:
    """Everything the report says, as one JSON-able dict."""
    p = ReportingParams.from_dict(params)
    cards = _segment_cards(segment_profiles, stability_snapshots, p)
    if not cards:
        raise ValueError("segment_profiles: key 'segments' is empty; nothing to report")
    rec = maintenance_recommendation
    content = {
        "title": p.title,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "summary": _summary(cards, selected_spec, rec),
        "cards": cards,
        "selection": {
            "spec": selected_spec,
            "report": selection_report,
            "candidates": _candidates_table(
                candidates, selection_report, p.max_candidates
            ),
        },
        "maintenance": rec,
        "data_quality": {
            "tables": _quality_rows(data_quality_report),
            "primary_rows": data_quality_report.get("primary_rows", {}),
        },
    }
    logger.info(
        "Report content: %d segment cards, %d candidates, retrain every %s weeks",
        len(cards),
        len(candidates),
        rec["retrain_period_weeks"],
    )
    return content


def _environment() -> Any:
    import jinja2  # noqa: PLC0415

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader(
            "olist_segmentation.pipelines.reporting", "templates"
        ),
        autoescape=jinja2.select_autoescape(["html", "html.j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.globals["count"] = _count
    return environment


def _count(value: Any) -> str:
    """A row count with thousands separators; a dash when unknown."""
    return "\u2014" if value is None else f"{int(value):,}"


def render_html_report(
    *,
    report_content: dict[str, Any],
    segment_sizes_plot: Any,
    segment_profiles_plot: Any,
    segment_projection_plot: Any,
    stability_ari_plot: Any,
    stability_shares_plot: Any,
    stability_drift_plot: Any,
) -> str:
    """The report as one self-contained HTML page (plotly.js inline, once)."""
    import plotly.io as pio  # noqa: PLC0415
    from plotly.offline import get_plotlyjs  # noqa: PLC0415

    figures = {
        "segment_sizes": segment_sizes_plot,
        "segment_profiles": segment_profiles_plot,
        "segment_projection": segment_projection_plot,
        "stability_ari": stability_ari_plot,
        "stability_shares": stability_shares_plot,
        "stability_drift": stability_drift_plot,
    }
    embedded = {
        key: pio.to_html(
            figure,
            full_html=False,
            include_plotlyjs=False,
            div_id=f"figure-{key}",
            config={"displaylogo": False, "responsive": True},
        )
        for key, figure in figures.items()
    }
    html = (
        _environment()
        .get_template("report.html.j2")
        .render(
            content=report_content,
            figures=embedded,
            figure_titles=FIGURE_TITLES,
            plotlyjs=get_plotlyjs(),
        )
    )
    logger.info("HTML report rendered: %.1f MB", len(html) / 1e6)
    return html


def render_markdown_report(report_content: dict[str, Any]) -> str:
    """The report's Markdown twin (figures summarised in tables)."""
    return (
        _environment()
        .get_template("report.md.j2")
        .render(content=report_content, figure_titles=FIGURE_TITLES)
    )
