"""What disjoint samples of as many customers gave: the figures and the headline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from olist_segmentation.pipelines.reporting.contract import retraining_contract
from olist_segmentation.pipelines.stability.params import StabilityParams
from olist_segmentation.pipelines.stability.periods import headline
from olist_segmentation.pipelines.stability.recommendation import (
    recommend_maintenance,
)
from olist_segmentation.pipelines.stability.sample_size import sample_size_note

from .test_recommendation import CURVES, INTRINSIC, NO_ORIGINS, table


def evidence(*rows) -> dict:
    return {
        "source": "benchmarks/results/sample_size.json",
        "by_size": [
            {
                "data": data,
                "persons_t0": persons,
                "pairs": pairs,
                "agreed": agreed,
                "periods_weeks": periods,
            }
            for data, persons, pairs, agreed, periods in rows
        ],
    }


ROOT = Path(__file__).resolve().parents[3]
RESULTS = ROOT / "benchmarks" / "results" / "sample_size.json"
MEASURED = evidence(
    ("quarters", 230, 30, 28, (2, 6)),
    ("halves", 450, 5, 5, (4, 8)),
    ("synthetic 1x", 950, 28, 20, (6, 10)),
    ("synthetic 4x", 3841, 10, 10, (8, 8)),
)


def test_the_parameters_hold_what_the_benchmark_measured():
    # the figures the headline reads are the benchmark's, not prose: re-running
    # benchmarks/bench_sample_size.py and not copying its rows fails here
    config = yaml.safe_load((ROOT / "conf/base/parameters_stability.yml").read_text())
    params = StabilityParams(**config["stability"])
    measured = json.loads(RESULTS.read_text())["sample_size_parameter"]
    assert params.sample_size is not None
    assert params.sample_size.source == "benchmarks/results/sample_size.json"
    assert [r.model_dump(mode="json") for r in params.sample_size.by_size] == measured


def test_the_nearest_size_and_the_size_from_which_every_pair_agreed():
    params = StabilityParams(sample_size=MEASURED).sample_size
    # 900 persons at T0: nearest is 950 (log distance), not 450
    note = sample_size_note(900, params)
    assert note["nearest"]["persons_t0"] == 950
    # 450 agreed in every pair, 950 did not: "from" is the smallest size from which
    # every larger one agreed too
    assert note["agree_from_persons_t0"] == 3841
    assert note["clause"] == (
        "disjoint samples of about 950 customers at the first reference date gave "
        "6-10 weeks, each inside the other's interval in 20 of 28 pairs; from about "
        "3,800, in every pair"
    )
    assert note["nearest"]["data"] == "synthetic 1x"
    # at the size that agreed, no "from"; one period for every sample
    big = sample_size_note(5000, params)
    assert big["clause"] == (
        "disjoint samples of about 3,800 customers at the first reference date all "
        "gave 8 weeks, each inside the other's interval in 10 of 10 pairs"
    )
    # no size agreed in every pair
    none = StabilityParams(
        sample_size=evidence(("halves", 450, 5, 3, (4, 12)))
    ).sample_size
    assert sample_size_note(450, none)["clause"].endswith(
        "; no size measured agreed in every pair"
    )
    assert sample_size_note(900, None) is None


def test_measured_rows_are_checked():
    with pytest.raises(ValidationError, match="agreed must be at most pairs"):
        StabilityParams(sample_size=evidence(("halves", 450, 5, 6, (4, 8))))
    with pytest.raises(ValidationError, match="periods_weeks ordered"):
        StabilityParams(sample_size=evidence(("halves", 450, 5, 5, (8, 4))))


def test_the_headline_carries_the_note_in_its_parentheses():
    note = "disjoint samples of about 950 customers gave 6-10 weeks"
    assert headline(8.0, [4.0, 8.0], False, 14, note) == (
        "Retrain every 8 weeks (likely between 4 and 8 weeks; disjoint samples of "
        "about 950 customers gave 6-10 weeks)"
    )
    assert headline(8.0, [8.0, 8.0], False, 14, note) == (
        f"Retrain every 8 weeks ({note})"
    )
    assert headline(0.0, [0.0, 2.0], False, 14, note) == (
        f"Retrain at every step of 14 days ({note})"
    )
    assert headline(None, None, False, 14, note) == (
        "No retraining period is recommended"
    )


def contract_with(params: StabilityParams) -> dict:
    """The recommendation of the published decay, 900 persons at T0."""
    curve = table([1.0, 0.93, 0.88, 0.80, 0.73, 0.63, 0.57])
    return recommend_maintenance(curve, INTRINSIC, NO_ORIGINS, CURVES, params)


def test_the_contract_says_it_with_the_figures_it_comes_from():
    rec = contract_with(StabilityParams(step_days=14, sample_size=MEASURED))
    assert rec["sample_size"]["persons_t0"] == INTRINSIC["n_persons"] == 900
    assert rec["headline"].startswith(
        "Retrain every 6 weeks (likely between 4 and 6 weeks; disjoint samples of "
        "about 950 customers"
    )
    contract = retraining_contract(rec)
    assert contract["headline"] == rec["headline"]
    assert contract["sample_size"]["nearest"]["agreed"] == 20
    plain = contract_with(StabilityParams(step_days=14))
    assert plain["sample_size"] is None
    assert plain["headline"] == "Retrain every 6 weeks (likely between 4 and 6 weeks)"
