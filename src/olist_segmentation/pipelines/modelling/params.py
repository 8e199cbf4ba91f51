"""Typed ``modelling`` parameters (conf/base/parameters_modelling.yml).

The nodes' ``params:`` arguments are annotated with these models, so Kedro validates
them before any node runs: a misspelled or out-of-range key stops the run, naming it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

Algorithm = Literal["kmeans", "gmm", "dbscan", "hdbscan"]
# log_*: sign(x) * log1p(|x|) of log_features, then StandardScaler / RobustScaler;
# quantile_*: scikit-learn's QuantileTransformer (rank-based) to a normal / uniform.
Transform = Literal["log_standard", "log_robust", "quantile_normal", "quantile_uniform"]


def _workers(n_jobs: int) -> int:
    if n_jobs == 0:
        raise ValueError("n_jobs must be -1 (every core) or a number of workers >= 1")
    return n_jobs


#: joblib workers for independent fits (:func:`.model_ops.side_by_side`).
Workers = Annotated[int, Field(ge=-1), AfterValidator(_workers)]


class Strict(BaseModel):
    """Unknown keys are errors; values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class StabilityGuard(Strict):
    """The winner must partition the persons the same way under other seeds and on
    bootstrap resamples: the median ARI of each against the candidate as fitted."""

    seeds: list[int] = Field(default=[1, 2, 3], min_length=1)
    n_bootstrap: int = Field(default=3, ge=1)
    min_ari: float = Field(default=0.9, ge=-1.0, le=1.0)
    max_candidates: int = Field(default=5, ge=1)


class SelectionParams(Strict):
    """Guards a candidate must pass, rank aggregation over three metrics, stability."""

    min_clusters: int = Field(default=4, ge=2)
    max_clusters: int = Field(default=8, ge=2)
    min_cluster_share: float = Field(default=0.03, ge=0.0, lt=1.0)
    max_noise_share: float = Field(default=0.10, ge=0.0, le=1.0)
    runners_up: int = Field(default=3, ge=0)
    stability: StabilityGuard = StabilityGuard()

    @model_validator(mode="after")
    def _ordered(self) -> SelectionParams:
        if self.min_clusters > self.max_clusters:
            raise ValueError("selection needs min_clusters <= max_clusters")
        return self


class ProfileParams(Strict):
    """Segment profiles, names and figures."""

    n_traits: int = Field(default=3, ge=1)
    projection_sample_size: int = Field(default=3000, ge=10)


class CandidateSpace(Strict):
    """One algorithm's candidates: ``fixed`` parameters x the ``grid`` (a product)."""

    algorithm: Algorithm
    grid: dict[str, list[Any]] = Field(min_length=1)
    fixed: dict[str, Any] = {}
    fit_sample_size: int | None = Field(default=None, ge=10)

    @model_validator(mode="after")
    def _values(self) -> CandidateSpace:
        empty = [key for key, values in self.grid.items() if not values]
        if empty:
            raise ValueError(
                f"candidates.{self.algorithm}.grid has no values for {empty}"
            )
        return self


class ModellingParams(Strict):
    """The ``modelling`` section."""

    features: list[str] = Field(min_length=1)
    log_features: list[str] = []
    transforms: list[Transform] = Field(default=["quantile_normal"], min_length=1)
    seed: int = 42
    evaluation_sample_size: int = Field(default=20000, ge=10)
    silhouette_sample_size: int = Field(default=5000, ge=10)
    n_jobs: Workers = -1
    selection: SelectionParams = SelectionParams()
    profile: ProfileParams = ProfileParams()
    candidates: dict[str, CandidateSpace] = {}

    @model_validator(mode="after")
    def _consistent(self) -> ModellingParams:
        stray = sorted(set(self.log_features) - set(self.features))
        if stray:
            raise ValueError(f"log_features {stray} are not in features")
        # One namespaced pipeline per algorithm reads candidates.<its name>.
        misnamed = [k for k, space in self.candidates.items() if k != space.algorithm]
        if misnamed:
            raise ValueError(f"candidates {misnamed}: the key must be its algorithm")
        return self
