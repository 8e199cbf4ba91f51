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


class CustomerValue(BaseModel):
    """A customer's expected value over the next 90 days (docs/clv.md): null where
    no purchase model could be fitted; ``purchase_model`` and ``spend_model`` name
    what gave the figures (``mean order value``: too few repeat buyers for
    Gamma-Gamma), ``fallback_reason`` why a model was not used."""

    p_alive: float | None = Field(description="probability of still being a customer")
    expected_purchases_90d: float | None
    expected_order_value: float | None = Field(description="BRL, items + freight")
    expected_spend_90d: float | None = Field(description="BRL, undiscounted")
    purchase_model: str
    spend_model: str
    fallback_reason: str | None


class ScoredCustomer(CustomerValue):
    """A customer of an order-history request, its segment, its features and its
    expected value as of the request's date."""

    customer_id: str
    segment: int
    segment_name: str
    features: dict[str, float | None]


class OrdersResponse(BaseModel):
    """Scored customers in request order, and the date their features are as of."""

    as_of: datetime
    customers: list[ScoredCustomer]


class KnownCustomer(CustomerValue):
    """A customer of the served run's data, the segment that run gave them and
    their expected value as of the run's snapshot."""

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
    p_alive_mean: float | None
    expected_purchases_90d: float | None
    expected_spend_90d: float | None
    expected_spend_90d_mean: float | None
    expected_spend_share: float | None


class Signal(BaseModel):
    """A monitoring signal of the stability analysis."""

    name: str
    threshold: float
    first_fired_days: int | None
    max_observed: float


class MeasuredAgreement(BaseModel):
    """Disjoint samples of one size: how many pairs agreed, the periods they gave."""

    data: str
    persons_t0: int
    pairs: int
    agreed: int
    periods_weeks: list[float]


class SampleSizeNote(BaseModel):
    """What disjoint samples of about this run's size gave (``stability.sample_size``)."""

    persons_t0: int
    nearest: MeasuredAgreement
    agree_from_persons_t0: int | None
    clause: str
    source: str


class RetrainingContract(BaseModel):
    """The maintenance contract as the report states it (``reporting.contract``)."""

    headline: str
    recommended: bool
    period_weeks: float | None
    interval_weeks: list[float] | None
    censored: bool
    sample_size: SampleSizeNote | None
    signals: list[Signal]
    triggers: list[str]


class SegmentList(BaseModel):
    """Every segment of the served run, with the run's retraining advice."""

    model_version: str
    data_source: dict[str, str]
    retraining: str
    contract: RetrainingContract
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
