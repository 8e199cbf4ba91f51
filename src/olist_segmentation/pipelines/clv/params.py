"""Typed parameters of the clv pipeline (``parameters_clv.yml``).

Kedro 1.7 validates them before the first node runs (every node takes ``params:clv``
annotated with :class:`ClvParams`), so a typo or a value out of bounds stops
``kedro run`` at once, naming the key.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class HoldoutParams(BaseModel):
    """The calibration/holdout check: the last ``days`` of purchases are held out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    days: int = Field(180, ge=7, description="length of the holdout period")
    tolerance: float = Field(
        0.2, gt=0, le=1, description="|predicted - actual| / actual over the holdout"
    )


class ClvParams(BaseModel):
    """``clv`` parameters: which purchase model, and the guards of the spend model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    purchase_model: Literal["beta_geo", "modified_beta_geo"] = Field(
        "beta_geo",
        description="BG/NBD, or MBG/NBD (a one-time buyer may have left)",
    )
    min_repeat_buyers: int = Field(
        10,
        ge=2,
        description="persons with a repeat purchase Gamma-Gamma needs; with fewer, "
        "spend is the mean order value times the expected purchases",
    )
    holdout: HoldoutParams = HoldoutParams()
