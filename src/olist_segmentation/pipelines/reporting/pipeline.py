"""Reporting pipeline: everything above -> the HTML + Markdown report in 08_reporting."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from . import nodes


def create_pipeline(**kwargs) -> Pipeline:
    """Gather the report's content once, then render it as HTML and as Markdown."""
    return Pipeline(
        [
            Node(
                func=nodes.build_report_content,
                inputs={
                    "segment_profiles": "segment_profiles",
                    "selection_report": "selection_report",
                    "ranked_candidates": "ranked_candidates",
                    "maintenance_recommendation": "maintenance_recommendation",
                    "stability_snapshots": "stability_snapshots",
                    "data_quality_report": "data_quality_report",
                    "segment_value": "segment_value",
                    "clv_holdout_check": "clv_holdout_check",
                    "params": "params:reporting",
                },
                outputs="report_content",
                name="build_report_content",
            ),
            Node(
                func=nodes.render_html_report,
                inputs={
                    "report_content": "report_content",
                    "segment_sizes_plot": "segment_sizes_plot",
                    "segment_profiles_plot": "segment_profiles_plot",
                    "segment_projection_plot": "segment_projection_plot",
                    "stability_ari_plot": "stability_ari_plot",
                    "stability_shares_plot": "stability_shares_plot",
                    "stability_drift_plot": "stability_drift_plot",
                },
                outputs="segmentation_report_html",
                name="render_html_report",
            ),
            Node(
                func=nodes.render_markdown_report,
                inputs="report_content",
                outputs="segmentation_report_md",
                name="render_markdown_report",
            ),
        ],
        tags=["reporting"],
    )
