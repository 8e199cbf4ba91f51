"""The scoring service: FastAPI over one served run (``serving.run``).

Scores with the fitted scikit-learn model itself (``model.predict``), not through
kedro-mlflow's ``KedroPipelineModel``, which runs a Kedro runner per call. Never
retrains and never writes. Every bad request gets a 4xx whose ``message`` names the
field and the problem (FastAPI's ``detail`` keeps the structured list).

No ``from __future__ import annotations`` here: FastAPI reads the request model of
``/score/features``, built from the served model's features, from the live annotation.
"""

import io
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import numpy as np
import pandas as pd
from fastapi import FastAPI, File, HTTPException, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, ORJSONResponse, Response

from olist_segmentation import __version__
from olist_segmentation.pipelines.clv.models import pymc_clv
from olist_segmentation.serving.batching import MicroBatcher
from olist_segmentation.serving.orders import features_from_orders
from olist_segmentation.serving.run import ServedRun
from olist_segmentation.serving.schemas import (
    MAX_ROWS,
    Health,
    KnownCustomer,
    OrdersRequest,
    OrdersResponse,
    RetrainingContract,
    ScoredCustomer,
    Segment,
    SegmentList,
    SegmentsResponse,
    SegmentSummary,
    feature_row_model,
    features_request_model,
)
from olist_segmentation.serving.value import values_from_orders

logger = logging.getLogger(__name__)


def _where(location: tuple[Any, ...]) -> str:
    """``("body", "rows", 0, "monetary")`` -> ``rows[0].monetary``."""
    text = ""
    for part in location[1:] if location[:1] == ("body",) else location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "body"


def _problem(error: dict[str, Any]) -> str:
    if error["type"] == "json_invalid":
        reason = error.get("ctx", {}).get("error", "")
        return f"body: not valid JSON at character {error['loc'][-1]} ({reason})"
    if tuple(error["loc"]) == ("body",) and error["type"] == "model_attributes_type":
        return f"body: {error['msg']}; send a JSON object as application/json"
    return f"{_where(tuple(error['loc']))}: {error['msg']}"


async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
    errors = error.errors()
    # Without the rejected input: it may be bytes that are no JSON at all.
    detail = [{k: v for k, v in e.items() if k != "input"} for e in errors]
    return JSONResponse(
        status_code=422,
        content={
            "message": "; ".join(_problem(e) for e in errors),
            "detail": jsonable_encoder(detail),
        },
    )


async def _refused(request: Request, error: HTTPException) -> JSONResponse:
    return JSONResponse(
        status_code=error.status_code,
        content={"message": error.detail, "detail": error.detail},
    )


def _segments(served: ServedRun, frame: pd.DataFrame) -> list[Segment]:
    ids = served.model.predict(frame)
    return [Segment(segment=int(s), segment_name=served.name_of(s)) for s in ids]


def _read_csv(content: bytes, features: list[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(io.BytesIO(content), encoding="utf-8")
    except UnicodeDecodeError as error:
        raise HTTPException(400, f"file: not UTF-8 text ({error.reason})") from error
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise HTTPException(400, f"file: not a readable CSV ({error})") from error
    missing = [name for name in features if name not in frame.columns]
    if missing:
        raise HTTPException(422, f"file: missing feature column(s) {missing}")
    if frame.empty:
        raise HTTPException(422, "file: no rows")
    if len(frame) > MAX_ROWS:
        raise HTTPException(413, f"file: {len(frame)} rows, at most {MAX_ROWS}")
    for name in features:
        numbers = pd.to_numeric(frame[name], errors="coerce")
        bad = frame[name].notna() & (numbers.isna() | np.isinf(numbers))
        if bad.any():
            line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
            raise HTTPException(
                422,
                f"file: column '{name}' has {int(bad.sum())} value(s) that are not "
                f"finite numbers (first on line {line}: {frame[name][bad].iloc[0]!r})",
            )
        frame[name] = numbers
    return frame


def create_app(served: ServedRun) -> FastAPI:
    """The service for ``served``; routes and schemas follow its model's features."""
    features = served.features
    row_model = feature_row_model(features)
    request_model = features_request_model(row_model)
    batcher = MicroBatcher(served.model.predict, features, MAX_ROWS)
    names = served.segment_names

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        pymc_clv()  # imported once here, not by the first /score/orders request
        await batcher.start()
        yield
        await batcher.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Olist customer segments",
        version=__version__,
        description=(
            f"Segments of model '{served.model_name}' version {served.model_version} "
            f"(Kedro run {served.save_version}). Batches: at most {MAX_ROWS} rows."
        ),
    )
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _refused)

    @app.get("/health", response_model=Health)
    async def health() -> Health:
        """The model version served and the run it comes from."""
        return Health(
            status="ok",
            model_name=served.model_name,
            model_version=served.model_version,
            mlflow_run_id=served.run_id,
            kedro_run=served.save_version,
            trained_as_of=served.as_of.to_pydatetime(),
            features=features,
            data_source=served.data_source,
        )

    @app.post("/score/features", response_model=SegmentsResponse)
    async def score_features(body: request_model) -> ORJSONResponse:
        """Segments of feature rows, in order (unknown values as null)."""
        matrix = np.array(
            [[getattr(row, name) for name in features] for row in body.rows],
            dtype="float64",
        )
        ids = await batcher.predict(matrix)
        # Serialised here: the answer is built from the model's own ids and names,
        # so FastAPI's second validation through SegmentsResponse is skipped.
        return ORJSONResponse(
            {"segments": [{"segment": int(s), "segment_name": names[s]} for s in ids]}
        )

    @app.post("/score/orders", response_model=OrdersResponse)
    def score_orders(body: OrdersRequest) -> OrdersResponse:
        """Segments and expected value of customers described by their orders,
        through the pipelines' feature and clv code, as of ``as_of`` (default: the
        end of the training data)."""
        as_of = pd.Timestamp(body.as_of) if body.as_of else served.as_of
        if as_of.tzinfo:
            as_of = as_of.tz_convert(None)
        rows = features_from_orders(body.customers, as_of, served.feature_params)
        scored = set(rows["person_key"].astype(int))
        unscored = [
            f"customers[{i}] ({c.customer_id})"
            for i, c in enumerate(body.customers)
            if i not in scored
        ]
        if unscored:
            raise HTTPException(
                422,
                f"{', '.join(unscored)}: no order delivered by {as_of.isoformat()}; "
                "a segment needs at least one",
            )
        segments = _segments(served, rows)
        value = values_from_orders(
            body.customers, as_of, served.clv_purchase_model, served.clv_spend_model
        )
        computed = rows.drop(columns="person_key")
        values = computed.astype(object).where(computed.notna(), None)
        return OrdersResponse(
            as_of=as_of.to_pydatetime(),
            customers=[
                ScoredCustomer(
                    customer_id=body.customers[i].customer_id,
                    segment=segment.segment,
                    segment_name=segment.segment_name,
                    features=values.iloc[position].to_dict(),
                    **value[i],
                )
                for position, (i, segment) in enumerate(
                    zip(rows["person_key"].astype(int), segments, strict=True)
                )
            ],
        )

    @app.post("/score/csv", response_class=Response)
    def score_csv(
        file: Annotated[UploadFile, File(description="CSV with the feature columns")],
    ) -> Response:
        """The uploaded CSV with ``segment`` and ``segment_name`` appended."""
        frame = _read_csv(file.file.read(), features)
        segments = _segments(served, frame)
        scored = frame.assign(
            segment=[s.segment for s in segments],
            segment_name=[s.segment_name for s in segments],
        )
        return Response(scored.to_csv(index=False), media_type="text/csv")

    @app.get("/customers/{customer_unique_id}", response_model=KnownCustomer)
    async def customer(customer_unique_id: str) -> KnownCustomer:
        """The segment the served run gave a known customer, and their value."""
        found = served.segment_of(customer_unique_id)
        if found is None:
            raise HTTPException(
                404,
                f"customer_unique_id '{customer_unique_id}' is not a customer of "
                f"the served run ({len(served.customer_segments)} customers)",
            )
        return KnownCustomer(
            customer_unique_id=customer_unique_id,
            **found,
            **served.value_of(customer_unique_id),
        )

    @app.get("/segments", response_model=SegmentList)
    async def segments() -> SegmentList:
        """Every segment with its size, traits, suggested action and expected
        value; the retraining contract as the report states it."""
        values = served.segment_values()
        return SegmentList(
            model_version=served.model_version,
            data_source=served.data_source,
            retraining=served.retraining_advice(),
            contract=RetrainingContract(**served.retraining_contract()),
            segments=[
                SegmentSummary(**s, **values[s["segment"]])
                for s in served.segment_summaries()
            ],
        )

    return app
