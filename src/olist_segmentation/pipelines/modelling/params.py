"""Typed ``modelling`` parameters (conf/base/parameters_modelling.yml).

Each dataclass fails on an unknown key, naming the file and the section, so a typo
stops the run at the first node instead of being silently ignored.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from olist_segmentation.params import reject_unknown

from .segmenter import ALGORITHMS, SCALERS

FILE = "parameters_modelling.yml"


def _build(cls: type, section: str, values: dict[str, Any]) -> Any:
    reject_unknown(values, cls, section)
    return cls(**values)


@dataclasses.dataclass(frozen=True)
class SelectionParams:
    """Guards a candidate must pass, then rank aggregation over three metrics."""

    min_clusters: int = 3
    max_clusters: int = 8
    min_cluster_share: float = 0.02
    max_noise_share: float = 0.10
    runners_up: int = 3


@dataclasses.dataclass(frozen=True)
class ProfileParams:
    """Segment profiles, names and figures."""

    n_traits: int = 3
    projection_sample_size: int = 3000


@dataclasses.dataclass(frozen=True)
class CandidateSpace:
    """One algorithm's candidates: fixed parameters x the grid (a product)."""

    algorithm: str
    grid: dict[str, list[Any]]
    fixed: dict[str, Any] = dataclasses.field(default_factory=dict)
    fit_sample_size: int | None = None

    def __post_init__(self) -> None:
        if self.algorithm not in ALGORITHMS:
            raise ValueError(
                f"{FILE}: candidates algorithm {self.algorithm!r} is not one of {ALGORITHMS}"
            )
        empty = [key for key, values in self.grid.items() if not values]
        if empty or not self.grid:
            raise ValueError(
                f"{FILE}: candidates.{self.algorithm}.grid has no values for {empty or 'any key'}"
            )


@dataclasses.dataclass(frozen=True)
class ModellingParams:
    """The ``modelling`` section."""

    features: list[str]
    log_features: list[str] = dataclasses.field(default_factory=list)
    scaler: str = "standard"
    weights: dict[str, float] = dataclasses.field(default_factory=dict)
    seed: int = 42
    evaluation_sample_size: int = 20000
    silhouette_sample_size: int = 5000
    selection: SelectionParams = dataclasses.field(default_factory=SelectionParams)
    profile: ProfileParams = dataclasses.field(default_factory=ProfileParams)
    candidates: dict[str, CandidateSpace] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.scaler not in SCALERS:
            raise ValueError(
                f"{FILE}: modelling.scaler {self.scaler!r} is not one of {SCALERS}"
            )
        stray = sorted(set(self.log_features) - set(self.features))
        if stray:
            raise ValueError(
                f"{FILE}: modelling.log_features {stray} are not in modelling.features"
            )

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ModellingParams:
        """Parse the ``modelling`` section, nested sections included."""
        values = dict(values)
        if "selection" in values:
            values["selection"] = _build(
                SelectionParams, "modelling.selection", values["selection"]
            )
        if "profile" in values:
            values["profile"] = _build(
                ProfileParams, "modelling.profile", values["profile"]
            )
        values["candidates"] = {
            name: candidate_space(space, name)
            for name, space in (values.get("candidates") or {}).items()
        }
        return _build(cls, "modelling", values)

    def base_spec(self) -> dict[str, Any]:
        """The spec keys shared by every candidate (feature set, transform, seed)."""
        return {
            "features": list(self.features),
            "log_features": list(self.log_features),
            "scaler": self.scaler,
            "weights": dict(self.weights),
            "seed": int(self.seed),
        }


def candidate_space(values: dict[str, Any], name: str) -> CandidateSpace:
    """Parse one ``modelling.candidates.<name>`` section."""
    return _build(CandidateSpace, f"modelling.candidates.{name}", values)
