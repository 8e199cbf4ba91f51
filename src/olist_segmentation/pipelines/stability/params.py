"""Typed parameters of the stability pipeline (``parameters_stability.yml``).

Kedro 1.7 validates them before the first node runs: every node takes
``params:stability`` annotated with :class:`StabilityParams`, so a typo or a value out
of bounds stops ``kedro run`` at once, naming the key.
"""

from __future__ import annotations

import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from olist_segmentation.pipelines.modelling.params import Workers


class MonitoringThresholds(BaseModel):
    """Signals that should trigger a retrain before the scheduled one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ari_loss: float = Field(0.15, gt=0, lt=1)
    psi: float = Field(0.1, gt=0)
    share_shift: float = Field(0.05, gt=0, le=1)
    new_person_share: float = Field(0.5, gt=0, le=1)
    recent_mix_shift: float = Field(0.075, gt=0, le=1)
    recent_mix_chance_quantile: float = Field(0.95, gt=0, lt=1)


class PublishedCurve(BaseModel):
    """A published ARI decay on real Olist data, drawn beside this project's curve."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=1)
    ari_by_horizon: dict[int, float]


class MeasuredAgreement(BaseModel):
    """Disjoint samples of one size, and how often their periods agreed
    (``benchmarks/bench_sample_size.py``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    data: str = Field(min_length=1)
    persons_t0: int = Field(ge=1)
    pairs: int = Field(ge=1)
    agreed: int = Field(ge=0)
    periods_weeks: tuple[float, float]

    @model_validator(mode="after")
    def _consistent(self) -> MeasuredAgreement:
        if self.agreed > self.pairs or self.periods_weeks[0] > self.periods_weeks[1]:
            raise ValueError(
                "stability.sample_size.by_size: agreed must be at most pairs and "
                f"periods_weeks ordered, got {self.agreed} of {self.pairs}, "
                f"{list(self.periods_weeks)}"
            )
        return self


class SampleSizeEvidence(BaseModel):
    """The measured agreement of disjoint samples by their persons at T0, and where
    it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=1)
    by_size: tuple[MeasuredAgreement, ...] = Field(min_length=1)


class StabilityParams(BaseModel):
    """Reference date, step, window, ARI threshold and the resampling budget."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    t0: datetime.date = datetime.date(2017, 9, 1)
    step_days: int = Field(14, ge=1)
    end_date: datetime.date | None = None
    window_days: int | None = Field(None, ge=1)
    min_persons_t0: int = Field(200, ge=2)
    origins: int = Field(4, ge=1)
    origin_step_days: int = Field(56, ge=1)
    min_horizon_days: int = Field(112, ge=1)
    ari_threshold: float = Field(0.8, gt=0, le=1)
    sustain_snapshots: int = Field(2, ge=1)
    bootstraps: int = Field(20, ge=2)
    band_quantiles: tuple[float, float] = (0.1, 0.9)
    intrinsic_seeds: int = Field(3, ge=2)
    intrinsic_ari_threshold: float = Field(0.9, gt=0, le=1)
    refit_n_init: int | None = Field(None, ge=1)
    n_jobs: Workers = -1
    psi_bins: int = Field(10, ge=2)
    rescoring_cadence_days: int = Field(7, ge=1)
    monitoring: MonitoringThresholds = MonitoringThresholds()
    published: PublishedCurve | None = None
    sample_size: SampleSizeEvidence | None = None

    @model_validator(mode="after")
    def _ordered_band(self) -> StabilityParams:
        low, high = self.band_quantiles
        if not 0 <= low < high <= 1:
            raise ValueError(
                f"stability.band_quantiles must be 0 <= low < high <= 1, got "
                f"{list(self.band_quantiles)}"
            )
        return self
