"""Request and response bodies of the scoring service (they make its OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from olist_segmentation.pipelines.training.mlflow_packaging import MAX_ROWS
from olist_segmentation.serving.orders import MAX_CUSTOMERS, CustomerHistory

FeatureValue = Annotated[
    float | None,
    Field(
        allow_inf_nan=False,
        strict=True,
        description="a finite number; null when unknown (imputed like the pipeline's)",
    ),
]


def feature_row_model(features: list[str]) -> type[BaseModel]:
    """The model of one feature row: every feature the served model reads, no other."""
    fields: dict[str, Any] = {name: (FeatureValue, ...) for name in features}
    return create_model(
        "FeatureRow",
        __config__=ConfigDict(extra="forbid"),
        **fields,
    )


def features_request_model(row: type[BaseModel]) -> type[BaseModel]:
    """``{"rows": [<row>, ...]}`` with 1 to :data:`MAX_ROWS` rows."""
    return create_model(
        "FeaturesRequest",
        __config__=ConfigDict(extra="forbid"),
        rows=(list[row], Field(min_length=1, max_length=MAX_ROWS)),
    )


class Segment(BaseModel):
    """The segment of one scored row."""

    segment: int
    segment_name: str


class SegmentsResponse(BaseModel):
    """One segment per scored row, in the order of the request."""

    segments: list[Segment]


class OrdersRequest(BaseModel):
    """Customers described by their order history, scored as of ``as_of``."""

    model_config = ConfigDict(extra="forbid")
    customers: list[CustomerHistory] = Field(min_length=1, max_length=MAX_CUSTOMERS)
    as_of: datetime | None = Field(
        None,
        description="features as of this date; default: the end of the data the "
        "model was trained on",
    )


class ScoredCustomer(BaseModel):
    """A customer of an order-history request, its segment and its features."""

    customer_id: str
    segment: int
    segment_name: str
    features: dict[str, float | None]


class OrdersResponse(BaseModel):
    """Scored customers in request order, and the date their features are as of."""

    as_of: datetime
    customers: list[ScoredCustomer]


class KnownCustomer(BaseModel):
    """A customer of the served run's data and the segment that run gave them."""

    customer_unique_id: str
    segment: int
    segment_name: str


class SegmentSummary(BaseModel):
    """One segment as marketing reads it."""

    segment: int
    name: str
    size: int
    share: float
    traits: list[str]
    action: str


class SegmentList(BaseModel):
    """Every segment of the served run, with the run's retraining advice."""

    model_version: str
    data_source: dict[str, str]
    retraining: str
    segments: list[SegmentSummary]


class Health(BaseModel):
    """What is served."""

    status: str
    model_name: str
    model_version: str
    mlflow_run_id: str
    kedro_run: str
    trained_as_of: datetime
    features: list[str]
    data_source: dict[str, str]
