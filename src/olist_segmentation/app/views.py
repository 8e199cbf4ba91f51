"""What the marketing app shows, computed from one served run (no Streamlit here)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from olist_segmentation.serving.orders import CustomerHistory, features_from_orders
from olist_segmentation.serving.run import ServedRun
from olist_segmentation.serving.value import values_from_orders

DELIVERY_DAYS = 7.0
DAYS_BETWEEN_ORDERS = 30.0


@dataclasses.dataclass(frozen=True)
class WhatIf:
    """A customer described by a few fields, as the what-if form asks them."""

    orders: int
    days_since_last_order: float
    basket_brl: float
    freight_brl: float
    payment_type: str
    installments: int
    review_score: int
    days_late: float


def share_over_time(served: ServedRun) -> pd.DataFrame:
    """Share of each segment (named columns) at every stability snapshot, as the
    frozen model of the run assigns the persons known at that date."""
    snapshots = served.snapshots
    columns = {
        f"share_m0_{segment}": name for segment, name in served.segment_names.items()
    }
    present = [c for c in columns if c in snapshots]
    return (
        snapshots.set_index(pd.to_datetime(snapshots["date"]))[present]
        .rename(columns=columns)
        .rename_axis("snapshot")
    )


def synthetic_warning(served: ServedRun) -> str | None:
    """The banner to show when the run's data is the embedded synthetic default."""
    source = served.data_source
    if source.get("kind") == "real":
        return None
    if source.get("kind") == "synthetic":
        return (
            "These segments come from the embedded synthetic data, not from Olist's "
            f"customers ({source.get('reason', '')}). Put the Kaggle files in "
            "data/01_raw/ and run `make run` for real segments."
        )
    return f"The data source of this run is not recorded: {source.get('reason', '')}."


def segment_customers(served: ServedRun, segment: int) -> pd.DataFrame:
    """``customer_unique_id`` and segment name of every customer of ``segment``."""
    frame = served.customer_segments.reset_index()
    return frame.loc[frame["segment"] == segment].reset_index(drop=True)


def history_of(what: WhatIf, as_of: pd.Timestamp) -> CustomerHistory:
    """An order history matching ``what``: ``orders`` orders a month apart, the
    last ``days_since_last_order`` before ``as_of``, each delivered within a week."""
    orders = []
    for n in range(what.orders):
        gap = what.days_since_last_order + DAYS_BETWEEN_ORDERS * n
        purchase = as_of - pd.Timedelta(days=gap)
        delivered = purchase + pd.Timedelta(days=min(DELIVERY_DAYS, gap))
        basket = what.basket_brl + what.freight_brl
        orders.append(
            {
                "order_id": f"what-if-{n}",
                "purchase_timestamp": purchase.isoformat(),
                "delivered_timestamp": delivered.isoformat(),
                "estimated_delivery_date": (
                    delivered - pd.Timedelta(days=what.days_late)
                ).isoformat(),
                "items": [
                    {"price": what.basket_brl, "freight_value": what.freight_brl}
                ],
                "payments": [
                    {
                        "payment_type": what.payment_type,
                        "installments": what.installments,
                        "value": basket,
                    }
                ],
                "reviews": [
                    {"score": what.review_score, "timestamp": delivered.isoformat()}
                ],
            }
        )
    return CustomerHistory.model_validate({"customer_id": "what-if", "orders": orders})


def score_what_if(served: ServedRun, what: WhatIf) -> dict[str, Any]:
    """Segment and expected value of the customer ``what`` describes, as of the
    run's training date, through the pipelines' feature and clv code; with the
    features it gets."""
    history = history_of(what, served.as_of)
    features = features_from_orders([history], served.as_of, served.feature_params)
    segment = int(served.model.predict(features)[0])
    value = values_from_orders(
        [history], served.as_of, served.clv_purchase_model, served.clv_spend_model
    )
    return {
        "segment": segment,
        "segment_name": served.name_of(segment),
        "features": features.drop(columns="person_key").iloc[0].to_dict(),
        "value": value[0],
    }


def value_lines(value: dict[str, Any]) -> list[str]:
    """A customer's expected value in words, with the models that gave it."""
    if value["p_alive"] is None:
        return [f"No expected value: {value['fallback_reason']}."]
    lines = [
        f"P(alive): {value['p_alive']:.3f}",
        f"expected purchases, next 90 days: {value['expected_purchases_90d']:.3f}",
        f"expected spend, next 90 days: BRL {value['expected_spend_90d']:,.2f}",
        f"models: {value['purchase_model']}, {value['spend_model']}",
    ]
    if value["fallback_reason"]:
        lines.append(f"note: {value['fallback_reason']}")
    return lines


def contract_table(contract: dict[str, Any]) -> pd.DataFrame:
    """The monitoring signals of the retraining contract, one row each."""
    return pd.DataFrame(
        contract["signals"],
        columns=["name", "threshold", "first_fired_days", "max_observed"],
    ).set_index("name")
