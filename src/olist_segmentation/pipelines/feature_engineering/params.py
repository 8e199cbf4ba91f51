"""Typed parameters of the feature_engineering pipeline (``parameters_feature_engineering.yml``).

Kedro instantiates ``FeatureEngineeringParams`` from the ``feature_engineering``
key before any node runs (the node's ``params`` argument is annotated with it), so
a misspelled or mistyped parameter fails early, naming the key.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FeatureEngineeringParams(BaseModel):
    """``feature_engineering`` parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    snapshot_date: str | None = Field(
        default=None,
        description="ISO date or timestamp; None means the last purchase in the data",
    )
    bad_review_max: int = Field(
        default=2, ge=1, le=4, description="a review score at or below it is bad"
    )
