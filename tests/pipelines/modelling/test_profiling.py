"""Unit tests of segment profiles, names, traits and figures."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from olist_segmentation.pipelines.modelling.nodes import prepare_model_input
from olist_segmentation.pipelines.modelling.plots import (
    plot_segment_profiles,
    plot_segment_projection,
    plot_segment_sizes,
)
from olist_segmentation.pipelines.modelling.profiling import (
    DEFAULT_ACTION,
    _name,
    profile_segments,
)
from olist_segmentation.pipelines.modelling.segmenter import build_model

from .features_factory import FEATURES, LOG_FEATURES, make_features, modelling_params


@pytest.fixture(scope="module")
def profiled():
    features = make_features(100)
    # the planted groups as segments: 0 recent small, 1 dormant big, 2 late unhappy,
    # 3 repeat
    segments = features[["person_key"]].assign(segment=features["group"])
    profiles, table, names = profile_segments(
        features.drop(columns="group"), segments, modelling_params()
    )
    return features, segments, profiles, table, names


def test_profiles_have_size_share_medians_and_ratios(profiled):
    features, _, profiles, table, names = profiled
    assert profiles["n_persons"] == len(features)
    sizes = [s["size"] for s in profiles["segments"]]
    assert sizes == [100, 100, 100, 100]
    assert sum(s["share"] for s in profiles["segments"]) == pytest.approx(1.0)
    dormant = profiles["segments"][1]
    monetary = dormant["features"]["monetary"]
    assert monetary["median"] == pytest.approx(
        features.loc[features["group"] == 1, "monetary"].median()
    )
    assert monetary["ratio_to_base"] == pytest.approx(
        monetary["median"] / features["monetary"].median()
    )
    assert list(table["segment"]) == [0, 1, 2, 3]
    assert {"segment_name", "size", "share", "trait_1", "action"} <= set(table)
    assert "median_monetary" in table and "ratio_monetary" in table
    json.dumps(profiles)  # JSON-able, no NaN
    assert "NaN" not in json.dumps(profiles)
    assert names == {str(s["segment"]): s["name"] for s in profiles["segments"]}


def test_names_traits_and_actions_follow_the_planted_groups(profiled):
    _, _, profiles, _, names = profiled
    assert names["0"].startswith("recent")
    assert "big spenders" in names["1"]
    assert "disappointed" in names["2"] or "late deliveries" in names["2"]
    assert "repeat buyers" in names["3"] or "boleto payers" in names["3"]
    assert len(set(names.values())) == 4
    for segment in profiles["segments"]:
        assert len(segment["traits"]) == 3
        assert segment["action"]
    late = profiles["segments"][2]
    assert any(
        "review score" in t or "against the estimate" in t for t in late["traits"]
    )


def test_name_composition():
    assert (
        _name([("recency_days", "high"), ("frequency", "low")]) == "dormant customers"
    )
    assert (
        _name([("recency_days", "low"), ("monetary", "high")]) == "recent big spenders"
    )
    assert (
        _name([("review_score_mean", "low"), ("delivery_delay_days_mean", "high")])
        == "disappointed customers hit by late deliveries"
    )


def test_duplicate_names_get_the_segment_id():
    features = make_features(50)
    # split the recent-small group in two segments that read the same
    group = features["group"]
    segment = group.where(group != 0, 0).mask(
        (group == 0) & (features.index % 2 == 0), 4
    )
    segments = features[["person_key"]].assign(segment=segment)
    _, _, names = profile_segments(
        features.drop(columns="group"), segments, modelling_params()
    )
    assert len(set(names.values())) == len(names)


def test_figures(profiled):
    features, segments, profiles, _, names = profiled
    sizes = plot_segment_sizes(profiles)
    assert list(sizes.data[0].x) == [100, 100, 100, 100]
    heatmap = plot_segment_profiles(profiles)
    assert len(heatmap.data[0].z) == 4
    assert list(heatmap.data[0].x) == profiles["features"]
    model_input = prepare_model_input(features, modelling_params())
    model = build_model(
        algorithm="kmeans",
        params={"n_clusters": 4},
        features=FEATURES,
        log_features=LOG_FEATURES,
        transform="log_standard",
        seed=0,
        fit_sample_size=None,
    ).fit(model_input)
    projection = plot_segment_projection(
        model_input, segments, model, names, modelling_params()
    )
    assert len(projection.data) == 4
    assert sum(len(trace.x) for trace in projection.data) == 200
    assert pd.notna(projection.layout.xaxis.title.text)


def test_name_without_distinctive_words_is_mainstream():
    assert _name([("share_credit_card", "high")]) == "mainstream customers"


def test_low_shares_read_as_plain_sentences_without_name_or_action():
    base = make_features(100).drop(columns="group")
    base["share_boleto"] = [1.0] * 100 + [0.0] * 300
    segments = base[["person_key"]].assign(segment=[0] * 100 + [1] * 300)
    params = modelling_params(features=["share_boleto"], log_features=[])
    profiles, _, names = profile_segments(base, segments, params)
    card = profiles["segments"][1]
    assert card["traits"] == [
        "pay by card or voucher: 0% of their spend by boleto (base 25%)"
    ]
    assert names["1"] == "mainstream customers"
    assert card["action"] == DEFAULT_ACTION
    assert profiles["segments"][0]["traits"] == [
        "100% of their spend paid by boleto (base 25%)"
    ]


def test_a_second_noun_reads_as_an_adjective():
    assert (
        _name([("share_boleto", "high"), ("avg_order_value", "high")])
        == "big-spending boleto payers"
    )
    assert (
        _name([("share_boleto", "high"), ("avg_order_value", "low")])
        == "small-basket boleto payers"
    )
    assert _name([("frequency", "high"), ("share_boleto", "high")]) == (
        "boleto-paying repeat buyers"
    )
