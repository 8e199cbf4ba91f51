"""Unit tests of the report content and its HTML and Markdown renderings."""

from __future__ import annotations

import json
import re

import pytest
from kedro.validation.exceptions import ParameterValidationError
from kedro.validation.parameter_validator import ParameterValidator
from pydantic import ValidationError

from olist_segmentation.pipelines.reporting import create_pipeline, nodes
from olist_segmentation.pipelines.reporting.params import ReportingParams
from olist_segmentation.pipelines.stability.periods import headline

from .conftest import KAGGLE_FILES

PLOTS = (
    "segment_sizes_plot",
    "segment_profiles_plot",
    "segment_projection_plot",
    "stability_ari_plot",
    "stability_shares_plot",
    "stability_drift_plot",
)
BANNER = "Built from the embedded synthetic data, not from real Olist customers."


def content_of(inputs: dict) -> dict:
    return nodes.build_report_content(
        segment_profiles=inputs["segment_profiles"],
        selection_report=inputs["selection_report"],
        ranked_candidates=inputs["ranked_candidates"],
        maintenance_recommendation=inputs["maintenance_recommendation"],
        stability_snapshots=inputs["stability_snapshots"],
        data_quality_report=inputs["data_quality_report"],
        segment_value=inputs["segment_value"],
        clv_holdout_check=inputs["clv_holdout_check"],
        params=inputs["params:reporting"],
    )


def html_of(inputs: dict, content: dict) -> str:
    return nodes.render_html_report(
        report_content=content, **{name: inputs[name] for name in PLOTS}
    )


def with_recommendation(inputs: dict, **changes) -> dict:
    rec = {**inputs["maintenance_recommendation"], **changes}
    return {**inputs, "maintenance_recommendation": rec}


def test_cards_carry_traits_actions_subgroups_and_trend(report_inputs):
    content = content_of(report_inputs)
    json.dumps(content)  # JSON-able for the versioned report_content
    cards = content["cards"]
    assert [c["name"] for c in cards] == [
        "recent one-time buyers",
        "customers unhappy after a late delivery",
        "loyal big spenders",
    ]
    assert cards[0]["share"] == pytest.approx(5200 / 8000)
    assert cards[0]["trend"] == (
        "Its share grew from 55.0% on 2017-09-01 to 65.0% on 2018-02-02."
    )
    assert cards[1]["trend"].startswith("Its share shrank from 35.0%")
    assert "stayed stable" in cards[2]["trend"]
    assert cards[0]["sparkline"].startswith("<svg")
    assert cards[0]["subgroups"] == [
        {
            "summary": "52 repeat buyers (at least two delivered orders): 1.0% of "
            "this segment, 65% of all repeat buyers",
            "traits": ["spent 310 BRL in total (median; rest of the segment 95)"],
        }
    ]
    assert cards[1]["subgroups"] == []
    assert content["summary"].startswith(
        "8,000 customers fall into 3 segments, found by kmeans on recency days, "
        "frequency, monetary, review score mean, late share."
    )
    assert "retrain every 6 weeks (likely between 4 and 8 weeks)" in content["summary"]


def test_selection_reads_the_ranking_it_is_given(report_inputs):
    selection = content_of(report_inputs)["selection"]
    # gmm_k4_full has the best silhouette and ties kmeans_k4 on mean rank: a
    # re-ranking with the tie-break would put it second
    assert [row[1] for row in selection["rows"]] == [
        "kmeans_k5",
        "kmeans_k4",
        "gmm_k4_full",
    ]
    assert [row[0] for row in selection["rows"]] == ["1", "2", "3"]
    assert selection["columns"][:4] == [
        "position",
        "candidate_id",
        "algorithm",
        "transform",
    ]
    assert selection["features"] == report_inputs["selection_report"]["features"]
    assert selection["winner"]["metrics"] == [
        "silhouette 0.410 (from -1 to 1, higher: segments better separated)",
        "Calinski-Harabasz 5,100 (higher: tighter segments further apart)",
        "Davies-Bouldin 0.900 (lower: segments less alike)",
    ]
    assert selection["runners_up"] == ["kmeans_k4", "gmm_k4_full"]
    assert selection["why"] == [report_inputs["selection_report"]["why"]]
    reasons = ["best mean rank", "stable: seed ARI median 0.998"]
    listed = {**report_inputs["selection_report"], "why": reasons}
    assert (
        content_of({**report_inputs, "selection_report": listed})["selection"]["why"]
        == reasons
    )
    assert (selection["n_total"], selection["n_passing"]) == (4, 3)
    assert selection["per_algorithm"][0] == {
        "algorithm": "dbscan",
        "candidates": 1,
        "passing": 0,
    }
    assert selection["guards"][0] == {
        "guard": "n_clusters between 4 and 8",
        "rejected": 1,
    }
    limited = {**report_inputs, "params:reporting": ReportingParams(max_candidates=1)}
    assert len(content_of(limited)["selection"]["rows"]) == 1


def test_maintenance_separates_rescoring_from_retraining(report_inputs):
    m = content_of(report_inputs)["maintenance"]
    assert m["recommended"] is True
    assert m["headline"] == "Retrain every 6 weeks (likely between 4 and 8 weeks)"
    assert m["rescoring"] == {
        "title": "Re-score every 7 days",
        "text": "About 2.4 s for 4,300 customers: every 7 days, recompute the "
        "features as of the day and apply the frozen model (no refit). At each "
        "re-scoring about 3.1% of the customers change segment, with no retraining.",
    }
    assert m["measured"].endswith(
        "on the same customers, features over the trailing window of 365 days."
    )
    assert "every 6 weeks" in m["retraining"]
    assert "below 0.8" in m["retraining"]
    assert m["curve"][2] == {
        "weeks": "6",
        "ari": "0.840",
        "band": "0.800\u20130.870",
        "published": "0.80",
    }
    assert m["comparison"].startswith(
        "Over 2 to 12 weeks this project's agreement is above the published one"
    )
    assert "(mean difference +0.04)" in m["comparison"]
    assert "at or above the 0.9" in m["intrinsic"]


def test_a_model_sensitive_to_resamples_gets_its_period_and_says_so(report_inputs):
    rec = report_inputs["maintenance_recommendation"]
    intrinsic = {**rec["intrinsic_stability"], "bootstrap_ari_median": 0.868}
    m = content_of(with_recommendation(report_inputs, intrinsic_stability=intrinsic))[
        "maintenance"
    ]
    assert m["recommended"]
    assert "and refitted on resamples of the customers at 0.868" in m["intrinsic"]
    assert "at or above the 0.9 a reliable period needs" not in m["intrinsic"]
    assert "would give partly other segments" in m["intrinsic"]


def test_unstable_model_gets_no_period_and_the_reason(report_inputs):
    rec = report_inputs["maintenance_recommendation"]
    intrinsic = {
        **rec["intrinsic_stability"],
        "seed_ari_median": 0.61,
        "unstable": True,
    }
    caveat = "No retraining period is recommended: the model's settings are unstable"
    unstable = with_recommendation(
        report_inputs,
        intrinsic_stability=intrinsic,
        recommended=False,
        retrain_period_days=None,
        retrain_period_weeks=None,
        retrain_period_interval_weeks=None,
        headline="No retraining period is recommended",
        schedule=caveat,
        caveat=caveat,
    )
    content = content_of(unstable)
    m = content["maintenance"]
    assert m["recommended"] is False
    assert m["headline"] == "No retraining period is recommended"
    assert "median ARI of 0.610" in m["retraining"]
    assert "below the 0.9 a reliable period needs" in m["retraining"]
    assert "No retraining period is recommended yet" in content["summary"]
    assert "6 weeks" not in content["summary"]
    html = html_of(report_inputs, content)
    assert '<p class="period none">No retraining period is recommended</p>' in html
    assert "Retrain every 6 weeks" not in html
    markdown = nodes.render_markdown_report(content)
    assert "**No retraining period is recommended.**" in markdown
    assert rec["schedule"] not in markdown
    assert caveat not in markdown  # said once, in plain words


def test_older_recommendation_without_the_new_keys_still_reports(report_inputs):
    rec = {
        key: value
        for key, value in report_inputs["maintenance_recommendation"].items()
        if key
        not in {
            "ari_band_by_horizon",
            "retrain_period_interval_weeks",
            "rescoring",
            "published",
        }
    }
    content = content_of({**report_inputs, "maintenance_recommendation": rec})
    unpublished = content_of(with_recommendation(report_inputs, published=None))
    assert unpublished["maintenance"]["comparison"] is None
    m = content["maintenance"]
    assert m["headline"] == rec["headline"]
    assert (m["rescoring"], m["comparison"], m["published_source"]) == (
        None,
        None,
        None,
    )
    assert m["curve"][0] == {
        "weeks": "2",
        "ari": "0.950",
        "band": None,
        "published": None,
    }
    html = html_of(report_inputs, content)
    assert 'id="rescoring"' not in html
    assert "<th>published</th>" not in html


def test_censored_and_point_intervals_read_plainly(report_inputs):
    censored = with_recommendation(report_inputs, censored=True)
    assert content_of(censored)["maintenance"]["retraining"].startswith(
        "Retrain, that is fit the model again on fresh data, every 6 weeks or less "
        "often: over the 6 weeks observed, a freshly trained model kept agreeing with "
        "the frozen one (adjusted Rand index at or above 0.8;"
    )
    rescoring = {
        **report_inputs["maintenance_recommendation"]["rescoring"],
        "moved_share_per_step_median": 0.0002,
    }
    still = content_of(with_recommendation(report_inputs, rescoring=rescoring))
    assert (
        "At each re-scoring under 0.1% of the customers"
        in (still["maintenance"]["rescoring"]["text"])
    )


def test_period_shorter_than_one_step_reads_as_every_step(report_inputs):
    content = content_of(
        with_recommendation(
            report_inputs,
            retrain_period_days=0,
            retrain_period_weeks=0.0,
            retrain_period_interval_weeks=None,
            headline=headline(0.0, None, False, 14),
        )
    )
    assert "retrain at every step of 14 days" in content["summary"]
    assert "0 weeks" not in content["summary"]
    html = html_of(report_inputs, content)
    assert '<p class="period">Retrain at every step of 14 days</p>' in html


def test_synthetic_data_is_said_in_the_first_lines(synthetic_inputs):
    content = content_of(synthetic_inputs)
    assert content["data_source"]["files"] == KAGGLE_FILES
    html = html_of(synthetic_inputs, content)
    body = html[html.index("<body>") :]
    assert body.index('id="synthetic-banner"') < body.index("<header>")
    banner = body[: body.index("<header>")]
    assert BANNER in banner
    assert "<code>data/01_raw/</code>" in banner
    assert "<code>make run</code>" in banner
    for name in KAGGLE_FILES:
        assert f"<code>{name}</code>" in banner
    assert "<title>[synthetic data] Test segments</title>" in html
    markdown = nodes.render_markdown_report(content)
    lines = markdown.splitlines()
    assert lines[0] == "# Test segments"
    assert lines[2].startswith(f"> **{BANNER}**")
    assert "`data/01_raw/`" in lines[2] and "`make run`" in lines[2]
    assert all(f"`{name}`" in lines[2] for name in KAGGLE_FILES)
    assert lines[3] == ""  # the quote ends before the next line


@pytest.mark.parametrize("source", [{"kind": "real", "reason": "x"}, None])
def test_real_or_unknown_data_says_nothing_of_the_kind(report_inputs, source):
    quality = dict(report_inputs["data_quality_report"])
    quality.pop("data_source")
    if source is not None:
        quality["data_source"] = source
    content = content_of({**report_inputs, "data_quality_report": quality})
    assert content["data_source"]["synthetic"] is False
    assert content["data_source"]["files"] == []
    html = html_of(report_inputs, content)
    markdown = nodes.render_markdown_report(content)
    for text in (html[html.index("</head>") :], markdown):
        assert "synthetic" not in text.lower()


def test_parameters_are_typed_and_a_typo_names_the_key(report_inputs):
    validator = ParameterValidator({"reporting": create_pipeline()})
    validated = validator.validate_raw_params({"reporting": {"title": "T"}})
    assert validated["reporting"] == ReportingParams(title="T")
    with pytest.raises(ParameterValidationError, match=r"(?s)'reporting'.*titel"):
        validator.validate_raw_params({"reporting": {"titel": "x"}})
    with pytest.raises(ValidationError, match="max_candidates"):
        ReportingParams(max_candidates=0)


def test_empty_profiles_stop_the_report(report_inputs):
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
    assert "Retrain every 6 weeks (likely between 4 and 8 weeks)" in html
    assert '<tr class="selected"><td>1</td><td>kmeans_k5</td>' in html
    assert "n_clusters between 4 and 8: rejected 1" in html
    assert "<li>kmeans_k5 has the best mean rank (1.33)" in html
    assert "<strong>Sub-group:</strong> 52 repeat buyers" in html
    assert "<th>likely range</th><th>published</th>" in html
    # text from the inputs is escaped
    assert "Action for &lt;loyal big spenders&gt; &amp; co" in html


def test_markdown_twin_carries_the_same_content(report_inputs):
    content = content_of(report_inputs)
    markdown = nodes.render_markdown_report(content)
    assert markdown.startswith("# Test segments\n")
    assert markdown.count("\n### ") == 3
    assert "\n### loyal big spenders\n" in markdown  # the name as the app shows it
    assert "**Suggested action:** Action for <loyal big spenders> & co" in markdown
    assert "**Retrain every 6 weeks (likely between 4 and 8 weeks).**" in markdown
    assert "| 6 | 0.840 | 0.800\u20130.870 | 0.80 |" in markdown
    assert "- **Re-score every 7 days (frequent, cheap):** About 2.4 s" in markdown
    assert "| olist_orders_dataset.csv | 99,441 | 99,441 |" in markdown
    assert "| 1 | kmeans_k5 | kmeans | quantile |" in markdown
    assert "**Why it won:**\n\n- kmeans_k5 has the best mean rank" in markdown
    assert "<div" not in markdown
    assert "Caveat" not in markdown


def test_caveat_reaches_both_renderings(report_inputs):
    caveat = "Part of the ARI drop is the fit landing in another optimum"
    content = content_of(with_recommendation(report_inputs, caveat=caveat))
    assert f'<p class="flag">{caveat}</p>' in html_of(report_inputs, content)
    assert f"**Caveat:** {caveat}" in nodes.render_markdown_report(content)


def test_the_period_over_reference_dates_names_those_left_out(report_inputs):
    rec = report_inputs["maintenance_recommendation"]
    shaky = {
        **rec["intrinsic_stability"],
        "bootstrap_ari_median": 0.84,
        "unstable": True,
    }

    def origin(t0, weeks, unstable=False):
        return {
            "t0": t0,
            "n_persons": 1450,
            "unstable": unstable,
            "period_weeks": weeks,
        }

    later = with_recommendation(
        report_inputs,
        intrinsic_stability=shaky,
        recommended=True,
        retrain_period_weeks=8.0,
        headline=headline(8.0, [4.0, 8.0], False, 14),
        origins=[
            origin("2017-09-01", 4.0, unstable=True),
            origin("2017-10-27", 8.0),
            origin("2017-12-22", 12.0),
        ],
    )
    m = content_of(later)["maintenance"]
    # T0's instability does not withhold a period the later dates give
    assert m["recommended"] is True
    assert m["headline"] == "Retrain every 8 weeks (likely between 4 and 8 weeks)"
    assert m["measured"].endswith(
        "the period is the median of 8 weeks from 2017-10-27, 12 weeks from "
        "2017-12-22; left out, the model not being stable on the customers known "
        "then: 2017-09-01 (1,450 customers)."
    )


def test_a_cheap_rescoring_shows_its_cost_not_zero(report_inputs):
    rescoring = report_inputs["maintenance_recommendation"]["rescoring"]
    cheap = with_recommendation(
        report_inputs, rescoring={**rescoring, "cost_seconds": 0.0267}
    )
    text = content_of(cheap)["maintenance"]["rescoring"]["text"]
    assert text.startswith("About 0.027 s for 4,300 customers")


def test_each_segment_shows_its_expected_value(report_inputs):
    content = content_of(report_inputs)
    json.dumps(content)
    by_name = {c["name"]: c["value"] for c in content["cards"]}
    assert by_name["loyal big spenders"]["expected_spend_90d"] == 21000.0
    assert "Gamma-Gamma model" in content["value"]["models"]
    assert "predicted 18.9 repeat purchases" in content["value"]["holdout"]
    html = html_of(report_inputs, content)
    table = html[html.index('id="segment-value"') :].split("</table>")[0]
    assert table.count("<tr>") == 4
    assert "loyal big spenders" in table and "21,000" in table
    assert "BRL 21,000 expected" in html
    markdown = nodes.render_markdown_report(content)
    assert "| loyal big spenders | 700 | 0.610 | 105.0 | 21,000 | 30.00 |" in markdown


def test_the_spend_fallback_and_a_skipped_holdout_are_said(report_inputs):
    fallback = report_inputs["segment_value"].assign(spend_model="mean order value")
    skipped = {"checked": False, "reason": "clv.holdout.days = 180: no order"}
    content = content_of(
        {**report_inputs, "segment_value": fallback, "clv_holdout_check": skipped}
    )
    assert "too few repeat buyers" in content["value"]["models"]
    assert (
        "could not be checked on a holdout: clv.holdout.days"
        in (content["value"]["holdout"])
    )
