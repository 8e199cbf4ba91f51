"""The stability parameters: typos and values out of bounds fail, naming the key."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from olist_segmentation.pipelines.stability.params import StabilityParams

CONF = Path(__file__).resolve().parents[3] / "conf/base/parameters_stability.yml"


def test_the_configured_parameters_validate():
    params = StabilityParams.model_validate(
        yaml.safe_load(CONF.read_text())["stability"]
    )
    assert params.t0 == datetime.date(2017, 9, 1)
    assert params.intrinsic_ari_threshold == 0.9
    assert params.window_days is None
    assert params.published.ari_by_horizon[42] == 0.80


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ({"stepdays": 14}, "stepdays"),
        ({"monitoring": {"psy": 0.2}}, "monitoring.psy"),
        ({"ari_threshold": 1.5}, "ari_threshold"),
        ({"bootstraps": 1}, "bootstraps"),
        ({"t0": "not a date"}, "t0"),
    ],
)
def test_a_typo_or_a_value_out_of_bounds_names_the_key(raw, names):
    with pytest.raises(ValidationError, match=names.replace(".", r"\.")):
        StabilityParams.model_validate(raw)


def test_band_quantiles_must_be_ordered():
    with pytest.raises(ValidationError, match="band_quantiles"):
        StabilityParams(band_quantiles=(0.9, 0.1))
