"""Unit tests of the report content and its HTML and Markdown renderings."""

from __future__ import annotations

import json
import re

import pytest

from olist_segmentation.pipelines.reporting import nodes


def content_of(inputs: dict) -> dict:
    return nodes.build_report_content(
        segment_profiles=inputs["segment_profiles"],
        selection_report=inputs["selection_report"],
        candidates=inputs["candidates"],
        selected_spec=inputs["selected_spec"],
        maintenance_recommendation=inputs["maintenance_recommendation"],
        stability_snapshots=inputs["stability_snapshots"],
        data_quality_report=inputs["data_quality_report"],
        params=inputs["params:reporting"],
    )


def html_of(inputs: dict, content: dict) -> str:
    return nodes.render_html_report(
        report_content=content,
        **{
            name: inputs[name]
            for name in (
                "segment_sizes_plot",
                "segment_profiles_plot",
                "segment_projection_plot",
                "stability_ari_plot",
                "stability_shares_plot",
                "stability_drift_plot",
            )
        },
    )


def test_content_cards_summary_and_contract(report_inputs):
    content = content_of(report_inputs)
    json.dumps(content)  # JSON-able for the versioned report_content
    cards = content["cards"]
    assert [c["name"] for c in cards] == [
        "Recent one-time buyers",
        "Disappointed by late deliveries",
        "Loyal big spenders",
    ]
    assert cards[0]["share"] == pytest.approx(5200 / 8000)
    assert cards[0]["trend"] == (
        "Its share grew from 55.0% on 2017-09-01 to 65.0% on 2018-02-02."
    )
    assert cards[1]["trend"].startswith("Its share shrank from 35.0%")
    assert "stayed stable" in cards[2]["trend"]
    assert cards[0]["sparkline"].startswith("<svg")
    rec = content["maintenance"]
    assert rec["retrain_period_days"] == 70  # ARI falls below 0.8 after 10 weeks
    assert "8,000 customers fall into 3 segments" in content["summary"]
    assert "retraining every 10 weeks" in content["summary"]
    table = content["selection"]["candidates"]
    assert table["n_total"] == 4
    assert table["n_passing"] == 3
    assert len(table["rows"]) == 3
    assert table["winner"] == "kmeans_k3"
    assert [row[0] for row in table["rows"]] == [
        "kmeans_k3",
        "kmeans_k4",
        "gmm_k3_full",
    ]
    assert table["per_algorithm"][0] == {
        "algorithm": "dbscan",
        "candidates": 1,
        "passing": 0,
    }
    assert table["guards"][0] == {"guard": "n_clusters between 3 and 8", "rejected": 1}
    quality = content["data_quality"]["tables"]
    assert quality[0]["rules"] == [
        {
            "rule": "delivered_without_delivery_date",
            "count": 8,
            "action": "kept with status delivered; is_delivered false",
        }
    ]


def test_content_rejects_unknown_parameter_and_empty_profiles(report_inputs):
    with pytest.raises(ValueError, match="unknown key.*'titel'"):
        content_of({**report_inputs, "params:reporting": {"titel": "x"}})
    with pytest.raises(ValueError, match="segment_profiles: key 'segments' is empty"):
        content_of({**report_inputs, "segment_profiles": {"segments": []}})


def test_html_is_self_contained_with_every_section(report_inputs):
    content = content_of(report_inputs)
    html = html_of(report_inputs, content)
    # plotly.js exactly once, inline; nothing fetched from the network
    assert html.count("plotly.js v") == 1
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=\"http", html)
    assert html.count('class="card segment-card"') == 3
    for key in nodes.FIGURE_TITLES:
        assert f'id="figure-{key}"' in html
    for section in (
        "summary",
        "segments",
        "maintenance",
        "model-choice",
        "data-quality",
    ):
        assert f'<section id="{section}">' in html
    assert "Retrain every 10 weeks" in html
    assert '<tr class="selected"><td>kmeans_k3</td>' in html
    assert "n_clusters between 3 and 8: rejected 1" in html
    # text from the inputs is escaped
    assert "Action for &lt;Loyal big spenders&gt; &amp; co" in html


def test_markdown_twin_carries_the_same_content(report_inputs):
    content = content_of(report_inputs)
    markdown = nodes.render_markdown_report(content)
    assert markdown.startswith("# Test segments\n")
    assert markdown.count("\n### ") == 3
    assert "**Suggested action:** Action for <Loyal big spenders> & co" in markdown
    assert "**Retrain every 10 weeks.**" in markdown
    assert "| 10 | 0.802 |" in markdown
    assert "| olist_orders_dataset.csv | 99,441 | 99,441 |" in markdown
    assert "<div" not in markdown
    assert "Caveat" not in markdown


def test_unstable_spec_caveat_reaches_both_renderings(report_inputs):
    content = content_of(report_inputs)
    caveat = "The selected specification is unstable against its own seed"
    content["maintenance"] = {**content["maintenance"], "caveat": caveat}
    assert f'<p class="flag">{caveat}</p>' in html_of(report_inputs, content)
    assert f"**Caveat:** {caveat}" in nodes.render_markdown_report(content)


def test_period_shorter_than_one_step_reads_as_every_step(report_inputs):
    rec = report_inputs["maintenance_recommendation"]
    immediate = {**rec, "retrain_period_days": 0, "retrain_period_weeks": 0.0}
    content = content_of({**report_inputs, "maintenance_recommendation": immediate})
    assert "retraining at every step of 14 days" in content["summary"]
    assert "0 weeks" not in content["summary"]
    html = html_of(report_inputs, content)
    assert '<p class="period">Retrain at every step of 14 days</p>' in html
    markdown = nodes.render_markdown_report(content)
    assert "**Retrain at every step of 14 days.**" in markdown
