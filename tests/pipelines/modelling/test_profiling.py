"""Unit tests of segment profiles, RFM names, actions, sub-groups and figures.

The profile reads from the model only its feature names (``model_ops.features_of``);
these tests give it a stand-in model that names them, so that they hold whatever
estimator the modelling pipeline fits.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from olist_segmentation.pipelines.modelling import naming, plots, profiling
from olist_segmentation.pipelines.modelling.vocabulary import ARCHETYPES, NEUTRAL

from .features_factory import FEATURES, make_features


class NamedFeatures:
    """Stands for a fitted model: only its feature names are read."""

    def __init__(self, features: list[str]) -> None:
        self.features = list(features)


class PlantedModel(NamedFeatures):
    """Names its features and predicts the planted segment of each person."""

    def __init__(self, features: list[str], segments: pd.DataFrame) -> None:
        super().__init__(features)
        self.segments = segments.set_index("person_key")["segment"]

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.segments.loc[frame["person_key"]].to_numpy()


@pytest.fixture(autouse=True)
def features_from_stand_in(monkeypatch):
    def features_of(model: NamedFeatures) -> list[str]:
        return model.features

    monkeypatch.setattr(profiling, "features_of", features_of)
    monkeypatch.setattr(plots, "features_of", features_of)


def profile(features: pd.DataFrame, segments: pd.DataFrame, modelled=FEATURES):
    return profiling.profile_segments(features, segments, NamedFeatures(modelled), 3)


@pytest.fixture(scope="module")
def planted():
    """Four planted groups as segments, of unequal sizes: the first 40 persons of
    the 'recent small' group are left out of the training segments."""
    features = make_features(100)
    left_out = features.index[features["group"] == 0][:40]
    segments = (
        features.drop(index=left_out)[["person_key", "group"]]
        .rename(columns={"group": "segment"})
        .reset_index(drop=True)
    )
    return features.drop(columns="group"), segments


def test_profiles_count_the_persons_of_the_training_segments(planted):
    features, segments = planted
    profiles, table, names = profile(features, segments)
    assert profiles["n_persons"] == 360
    assert [s["size"] for s in profiles["segments"]] == [60, 100, 100, 100]
    assert [s["share"] for s in profiles["segments"]] == pytest.approx(
        [60 / 360, 100 / 360, 100 / 360, 100 / 360]
    )
    dormant = profiles["segments"][1]["features"]["monetary"]
    kept = features[features["person_key"].isin(segments["person_key"])]
    in_segment = segments.loc[segments["segment"] == 1, "person_key"]
    assert dormant["median"] == pytest.approx(
        features.loc[features["person_key"].isin(in_segment), "monetary"].median()
    )
    assert dormant["ratio_to_base"] == pytest.approx(
        dormant["median"] / kept["monetary"].median()
    )
    assert list(table["segment"]) == [0, 1, 2, 3]
    assert list(table["segment_name"]) == [s["name"] for s in profiles["segments"]]
    assert table.loc[1, "median_monetary"] == pytest.approx(dormant["median"])
    assert "NaN" not in json.dumps(profiles)
    assert names == {str(s["segment"]): s["name"] for s in profiles["segments"]}
    assert profiles["modelled_features"] == FEATURES


def test_names_and_actions_follow_the_planted_groups(planted):
    features, segments = planted
    profiles, _, names = profile(features, segments)
    assert names == {
        "0": "recent small-basket buyers",
        "1": "at-risk big spenders",
        "2": "dormant small-basket buyers unhappy after a late delivery",
        "3": "loyal big spenders",
    }
    actions = [s["action"] for s in profiles["segments"]]
    assert actions[1] == ARCHETYPES[("dormant", "", "high")].action
    assert actions[2].startswith("service recovery within a week")
    assert len(set(actions)) == 4
    kept = segments.merge(features, on="person_key")
    late = kept[kept["segment"] == 2]
    assert profiles["segments"][2]["traits"][:2] == [
        f"mean review score {late['review_score_mean'].mean():.2f} "
        f"(base {kept['review_score_mean'].mean():.2f})",
        f"deliveries {late['delivery_delay_days_mean'].mean():+.1f} days against "
        f"the estimate (base {kept['delivery_delay_days_mean'].mean():+.1f})",
    ]


def test_effects_do_not_depend_on_how_a_feature_is_transformed(planted):
    features, segments = planted
    skewed = features.assign(
        monetary=np.exp(features["monetary"] / 50.0),
        recency_days=np.log(features["recency_days"]),
    )
    skewed.loc[0, "monetary"] = 1e12  # one huge basket
    before, _, _ = profile(features, segments)
    after, _, _ = profile(skewed, segments)
    for b, a in zip(before["segments"], after["segments"], strict=True):
        for feature in ("monetary", "recency_days"):
            assert a["features"][feature]["effect"] == pytest.approx(
                b["features"][feature]["effect"], abs=0.02
            )
        assert a["name"] == b["name"]


def test_only_modelled_features_name_and_describe(planted):
    features, segments = planted
    profiles, _, names = profile(features, segments, ["share_boleto"])
    assert names["3"] == "customers paying by boleto"
    assert profiles["segments"][3]["traits"] == [
        "90% of their spend paid by boleto (base 32%)"
    ]
    assert profiles["segments"][3]["action"].startswith("boleto/Pix discounts")
    # segment 1 pays by boleto less than the base: a plain sentence, no boleto name
    assert "boleto" not in names["1"]
    assert profiles["segments"][1]["traits"][0].startswith("pay by card or voucher")


def test_repeat_buyers_inside_a_segment_are_a_described_subgroup():
    features = make_features(100).drop(columns="group")
    repeat = features["frequency"] > 1
    # 12 repeat buyers join the first 100 one-time buyers in segment 0; the other
    # repeat buyers are segment 1, the other one-time buyers segment 2
    one_time = features.index[~repeat][:100]
    joined = features.index[repeat][:12]
    segment = pd.Series(2, index=features.index)
    segment[repeat] = 1
    segment[one_time.union(joined)] = 0
    segments = features[["person_key"]].assign(segment=segment.to_numpy())
    modelled = ["recency_days", "monetary", "review_score_mean"]
    profiles, table, _ = profile(features, segments, modelled)
    found = profiles["segments"][0]["subgroups"]
    assert [(g["name"], g["size"]) for g in found] == [("repeat buyers", 12)]
    assert found[0]["share_of_segment"] == pytest.approx(12 / 112)
    assert found[0]["share_of_subgroup"] == pytest.approx(12 / int(repeat.sum()))
    assert found[0]["traits"]
    assert all("rest of the segment" in t for t in found[0]["traits"])
    # segment 1 is all repeat buyers: the segment itself, not a sub-group
    assert profiles["segments"][1]["subgroups"] == []
    assert profiles["segments"][2]["subgroups"] == []
    assert profiles["subgroups"][0]["size"] == int(repeat.sum())
    assert table.loc[0, "subgroups"] == "12 repeat buyers (10.7%)"


def portrait(segment: int, size: int, repeat_share: float = 0.0, **effect: float):
    """A segment of ``size`` persons in a base where 3% are repeat buyers."""
    return naming.Portrait(
        segment, size, pd.Series(effect, dtype=float), repeat_share, 0.03
    )


@pytest.mark.parametrize(
    ("effect", "repeat_share", "expected"),
    [
        (
            {"recency_days": -1.0, "frequency": 0.0, "monetary": 0.8},
            0.0,
            "recent big spenders",
        ),
        (
            {"recency_days": 1.0, "frequency": 0.0, "monetary": 0.8},
            0.0,
            "at-risk big spenders",
        ),
        (
            {"recency_days": 1.0, "frequency": -0.1, "monetary": 0.1},
            0.0,
            "dormant one-time buyers",
        ),
        (
            {"recency_days": -0.6, "frequency": 2.0, "monetary": 0.1},
            0.6,
            "loyal repeat buyers",
        ),
        (
            {"recency_days": 0.1, "frequency": 0.0, "monetary": 0.1},
            0.05,
            "mainstream customers",
        ),
        (
            {"recency_days": 0.0, "late_share": 3.0, "review_score_mean": -1.0},
            0.0,
            "customers unhappy after a late delivery",
        ),
        (
            {"recency_days": -0.9, "monetary": 0.5, "late_share": 2.0},
            0.0,
            "recent big spenders hit by late deliveries",
        ),
        (
            {"frequency": -0.1, "share_boleto": 2.0, "late_share": -0.3},
            0.0,
            "one-time buyers paying by boleto",
        ),
        (
            # 15% repeat buyers: a strong frequency effect, yet not the name
            {"frequency": 1.6, "share_voucher": 2.0},
            0.15,
            "customers paying with vouchers",
        ),
        (
            {"monetary": -0.7, "bad_review_share": 1.2},
            0.0,
            "small-basket buyers unhappy with their orders",
        ),
    ],
)
def test_rfm_names(effect, repeat_share, expected):
    named = naming.base_name(portrait(0, 10, repeat_share, **effect), 0.25)
    assert named.name == expected
    assert named.action


def test_a_name_two_segments_share_is_told_apart_then_numbered():
    same = {"recency_days": -1.0, "monetary": 0.9}
    portraits = [
        portrait(0, 50, **same, share_boleto=1.5, installments_mean=-0.5),
        portrait(1, 40, **same, share_boleto=-0.1, installments_mean=1.2),
        portrait(2, 30, **same, share_boleto=0.0, installments_mean=0.0),
        portrait(3, 20, **same, share_boleto=0.0, installments_mean=0.0),
    ]
    named = naming.name_segments(portraits, 0.25)
    assert named[0].name == "recent big spenders paying by boleto"
    assert named[1].name == "recent big spenders paying in instalments"
    assert named[1].action.endswith(
        "interest-free instalment offers on higher-ticket items"
    )
    assert named[2].name == "recent big spenders"
    assert named[3].name == "recent big spenders (2)"
    assert naming.base_name(portrait(4, 1), 0.25) == NEUTRAL


def test_figures(planted):
    features, segments = planted
    profiles, _, names = profile(features, segments)
    sizes = plots.plot_segment_sizes(profiles)
    assert list(sizes.data[0].x) == [60, 100, 100, 100]
    heatmap = plots.plot_segment_profiles(profiles)
    assert list(heatmap.data[0].x) == profiles["features"]
    assert (
        heatmap.data[0].z[1][profiles["features"].index("monetary")]
        == (profiles["segments"][1]["features"]["monetary"]["effect"])
    )
    model_input = features[features["person_key"].isin(segments["person_key"])]
    projection = plots.plot_segment_projection(
        model_input.reset_index(drop=True),
        PlantedModel(FEATURES, segments),
        names,
        200,
        7,
    )
    assert [trace.name for trace in projection.data] == [
        f"{s}: {names[str(s)]}" for s in range(4)
    ]
    assert sum(len(trace.x) for trace in projection.data) == 200
    assert "7 modelled features" in projection.layout.title.text
