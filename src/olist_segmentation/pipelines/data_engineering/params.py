"""Typed parameters of the data_engineering pipeline (``parameters_data_engineering.yml``).

Kedro instantiates ``DataEngineeringParams`` from the ``data_engineering`` key
before any node runs (the node's ``params`` argument is annotated with it), so a
misspelled or mistyped parameter fails early.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, model_validator


class BoundingBox(BaseModel):
    """Inclusive latitude/longitude box; geolocation rows outside it are dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lat_min: float
    lat_max: float
    lng_min: float
    lng_max: float

    @model_validator(mode="after")
    def _ordered(self) -> BoundingBox:
        if not (self.lat_min < self.lat_max and self.lng_min < self.lng_max):
            raise ValueError("bounding box needs lat_min < lat_max, lng_min < lng_max")
        return self


class DataEngineeringParams(BaseModel):
    """All parameters of the pipeline."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    brazil_bounding_box: BoundingBox
