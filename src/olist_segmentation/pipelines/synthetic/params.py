"""Typed ``params:synthetic`` (``conf/base/parameters_synthetic.yml``).

Kedro builds :class:`SyntheticParams` from the ``synthetic`` key before any node
runs (every node's ``params`` argument is annotated with it), so a misspelled or
out-of-range parameter stops ``kedro run`` at once, naming the key.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from olist_segmentation.domain import MODELLED_PAYMENT_TYPES

Share = Field(ge=0.0, le=1.0)


class Persona(BaseModel):
    """Behaviour of one planted persona. Money in BRL, delays in days
    (delivered − estimated)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    share_before: float = Share
    share_after: float = Share
    repeat_share: float = Share
    item_price_median: float = Field(gt=0.0)
    item_price_sigma: float = Field(ge=0.0)
    extra_items_rate: float = Share
    payment_mix: dict[str, float]
    high_instalment_share: float = Share
    multi_payment_share: float = Share
    delay_mean: float = Field(lt=1.0)
    delay_sd: float = Field(gt=0.0)
    late_factor: float = Field(ge=0.0)
    unhappy_share: float = Share
    remote_share: float = Share
    promo_affinity: float = Field(gt=0.0)

    @field_validator("payment_mix")
    @classmethod
    def _every_payment_type(cls, mix: dict[str, float]) -> dict[str, float]:
        if set(mix) != set(MODELLED_PAYMENT_TYPES) or min(mix.values()) < 0:
            raise ValueError(
                f"keys must be {list(MODELLED_PAYMENT_TYPES)} with weights >= 0, got {mix}"
            )
        return mix


class RepeatGaps(BaseModel):
    """Time from a repeat buyer's order to their next: the same day (a split
    basket) with ``same_day_share``, otherwise log-normal days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    same_day_share: float = Share
    median_days: float = Field(gt=0.0)
    log_sd: float = Field(ge=0.0)


class SyntheticParams(BaseModel):
    """All parameters of the generator, with the random streams of its nodes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seed: int = Field(ge=0)
    scale: float = Field(gt=0.0)
    block_scale: float = Field(gt=0.0)
    overwrite: bool
    persona_shift_date: str
    last_delivered_purchase: str
    personas: dict[str, Persona] = Field(min_length=1)
    repeat_gaps: RepeatGaps
    promo_days: list[str]

    @model_validator(mode="after")
    def _some_weight_in_every_mix(self) -> SyntheticParams:
        for column in ("share_before", "share_after", "repeat_share"):
            if sum(getattr(p, column) for p in self.personas.values()) <= 0:
                raise ValueError(f"personas: all {column} are 0")
        return self

    # Which block of persons and orders these parameters draw (see ``blocks``).
    _block: int = PrivateAttr(default=0)

    def rng(self, stream: int) -> np.random.Generator:
        """An independent generator for one node (and block)."""
        key = [self.seed, stream] + ([self._block] if self._block else [])
        return np.random.default_rng(key)

    @property
    def n_blocks(self) -> int:
        """How many equal blocks of at most ``block_scale`` make ``scale``."""
        return max(1, math.ceil(round(self.scale / self.block_scale, 9)))

    def blocks(self) -> Iterator[SyntheticParams]:
        """The parameters of each block, each with its own random streams. Block 0
        draws from the streams of the whole data set, so a scale up to
        ``block_scale`` is one block drawn exactly as without blocks."""
        for index in range(self.n_blocks):
            block = self.model_copy(update={"scale": self.scale / self.n_blocks})
            block._block = index
            yield block

    def count(self, real: float, rng: np.random.Generator) -> int:
        """``real`` scaled, rounded stochastically so small counts survive on average."""
        value = real * self.scale
        return int(np.floor(value) + (rng.random() < value - np.floor(value)))

    def persona_array(self, attribute: str) -> np.ndarray:
        """One attribute of every persona, in persona-code order."""
        return np.array([getattr(p, attribute) for p in self.personas.values()])
