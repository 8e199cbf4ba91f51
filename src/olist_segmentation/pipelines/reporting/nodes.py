"""The marketing report: one self-contained HTML page and its Markdown twin.

``build_report_content`` gathers everything the report says into one JSON-able dict
(where the data comes from, summary, segment cards, maintenance contract, model
choice, data quality); the two render nodes only lay it out. The HTML embeds every
plotly figure inline with plotly.js included once, so it opens offline in any
browser.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from .cards import segment_cards
from .maintenance import maintenance_content
from .params import ReportingParams
from .selection import selection_content
from .value import value_content

logger = logging.getLogger(__name__)

FIGURE_TITLES = {
    "segment_sizes": "Segment sizes",
    "segment_profiles": "Feature profile per segment",
    "segment_projection": "2-D projection of the customers",
    "stability_ari": "How fast segments go stale",
    "stability_shares": "Segment shares over time",
    "stability_drift": "Feature drift against the reference date",
}


def data_source(data_quality_report: dict[str, Any]) -> dict[str, Any]:
    """Synthetic or real, and for synthetic data where the Kaggle files go.

    A report without ``data_source`` (written before data engineering recorded it)
    counts as real: the report then claims nothing about its data.
    """
    source = data_quality_report.get("data_source", {})
    synthetic = source.get("kind") == "synthetic"
    return {
        "synthetic": synthetic,
        "reason": source.get("reason", ""),
        "files": sorted(data_quality_report["tables"]) if synthetic else [],
    }


def _quality_rows(data_quality_report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per Kaggle file: rows read and kept, the rules that touched rows."""
    return [
        {
            "table": table,
            "rows_read": report.get("rows_read"),
            "rows_kept": report.get("rows_kept"),
            "rules": [
                {"rule": rule, "count": int(entry["count"]), "action": entry["action"]}
                for rule, entry in report.get("rules", {}).items()
                if int(entry["count"]) > 0
            ],
        }
        for table, report in data_quality_report["tables"].items()
    ]


def _summary(
    cards: list[dict[str, Any]],
    selection: dict[str, Any],
    maintenance: dict[str, Any],
) -> str:
    n_persons = sum(c["size"] for c in cards)
    biggest = cards[0]
    features = ", ".join(f.replace("_", " ") for f in selection["features"])
    if maintenance["unstable"]:
        upkeep = (
            "No retraining period is recommended yet: the model is not stable "
            "against its own refits (see the maintenance contract)"
        )
    else:
        upkeep = (
            "Segments go stale as customers buy, review and drift: "
            f"{maintenance['headline'][0].lower()}{maintenance['headline'][1:]}, "
            "earlier if one of the monitoring signals below fires"
        )
    return (
        f"{n_persons:,} customers fall into {len(cards)} segments, found by "
        f"{selection['winner']['algorithm']} on {features}. The largest segment, "
        f"\u201c{biggest['name']}\u201d, holds {biggest['share']:.0%} of the "
        "customers. Each segment below comes with its traits in plain words and a "
        f"suggested action. {upkeep}."
    )


def build_report_content(
    *,
    segment_profiles: dict[str, Any],
    selection_report: dict[str, Any],
    ranked_candidates: pd.DataFrame,
    maintenance_recommendation: dict[str, Any],
    stability_snapshots: pd.DataFrame,
    data_quality_report: dict[str, Any],
    segment_value: pd.DataFrame,
    clv_holdout_check: dict[str, Any],
    params: ReportingParams,
) -> dict[str, Any]:
    """Everything the report says, as one JSON-able dict."""
    cards = segment_cards(segment_profiles, stability_snapshots, params)
    if not cards:
        raise ValueError("segment_profiles: key 'segments' is empty; nothing to report")
    value = value_content(segment_value, clv_holdout_check)
    for card in cards:
        card["value"] = value["by_segment"].get(card["segment"])
    selection = selection_content(
        selection_report, ranked_candidates, params.max_candidates
    )
    maintenance = maintenance_content(maintenance_recommendation, selection["features"])
    source = data_source(data_quality_report)
    content = {
        "title": params.title,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "data_source": source,
        "summary": _summary(cards, selection, maintenance),
        "cards": cards,
        "selection": selection,
        "maintenance": maintenance,
        "value": value,
        "data_quality": {
            "tables": _quality_rows(data_quality_report),
            "primary_rows": data_quality_report.get("primary_rows", {}),
        },
    }
    logger.info(
        "Report content (%s data): %d segment cards, %d candidates; %s",
        "synthetic" if source["synthetic"] else "real",
        len(cards),
        selection["n_total"],
        maintenance["headline"],
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
