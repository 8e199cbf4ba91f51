"""Typed parameters of the stability pipeline (``parameters_stability.yml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from olist_segmentation.params import reject_unknown


@dataclass(frozen=True)
class MonitoringThresholds:
    """Signals that should trigger a retrain before the scheduled one."""

    psi: float = 0.2
    share_shift: float = 0.05
    new_person_share: float = 0.5
    recent_mix_shift: float = 0.075


@dataclass(frozen=True)
class StabilityParams:
    """Reference date, step, ARI threshold and the intrinsic-stability budget."""

    t0: str = "2017-09-01"
    step_days: int = 14
    end_date: str | None = None
    min_persons_t0: int = 200
    ari_threshold: float = 0.8
    intrinsic_seeds: int = 3
    intrinsic_bootstraps: int = 3
    intrinsic_ari_threshold: float = 0.8
    psi_bins: int = 10
    monitoring: MonitoringThresholds = field(default_factory=MonitoringThresholds)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> StabilityParams:
        """Build from the YAML mapping; an unknown key or a bad value fails early."""
        reject_unknown(raw, cls, "stability")
        values = dict(raw)
        monitoring = values.pop("monitoring", {}) or {}
        reject_unknown(monitoring, MonitoringThresholds, "stability.monitoring")
        params = cls(**values, monitoring=MonitoringThresholds(**monitoring))
        params.validate()
        return params

    def validate(self) -> None:
        """Check ranges: a wrong value names the parameter and the rule."""
        pd.Timestamp(self.t0)
        if self.end_date is not None:
            pd.Timestamp(self.end_date)
        rules = {
            "stability.step_days must be >= 1": self.step_days >= 1,
            "stability.ari_threshold must be in (0, 1]": 0 < self.ari_threshold <= 1,
            "stability.intrinsic_ari_threshold must be in (0, 1]": 0
            < self.intrinsic_ari_threshold
            <= 1,
            "stability.intrinsic_seeds must be >= 2": self.intrinsic_seeds >= 2,
            "stability.intrinsic_bootstraps must be >= 0": self.intrinsic_bootstraps
            >= 0,
            "stability.psi_bins must be >= 2": self.psi_bins >= 2,
            "stability.min_persons_t0 must be >= 2": self.min_persons_t0 >= 2,
        }
        broken = [rule for rule, ok in rules.items() if not ok]
        if broken:
            raise ValueError("; ".join(broken))
