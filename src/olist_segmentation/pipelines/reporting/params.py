"""Typed parameters of the reporting pipeline (``parameters_reporting.yml``).

Kedro builds ``ReportingParams`` from the ``reporting`` key before any node runs
(the node's ``params`` argument is annotated with it): a misspelled key or a value
out of bounds stops the run at once, naming the key.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ReportingParams(BaseModel):
    """The ``reporting`` section."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(default="Olist customer segments", min_length=1)
    # Rows of the ranked candidates table shown in "How the model was chosen".
    max_candidates: int = Field(default=12, ge=1, le=200)
    # Size in pixels of the share-over-time sparkline on each segment card.
    sparkline_width: int = Field(default=160, ge=20, le=2000)
    sparkline_height: int = Field(default=36, ge=8, le=400)
