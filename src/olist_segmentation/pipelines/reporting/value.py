"""What each segment is still worth: ``segment_value`` and the holdout check of the
clv pipeline, in words and one table row per segment (docs/clv.md)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def _number(value: Any) -> float | None:
    return None if value is None or math.isnan(float(value)) else float(value)


def _models_sentence(segment_value: pd.DataFrame) -> str:
    purchase = str(segment_value["purchase_model"].iloc[0])
    spend = str(segment_value["spend_model"].iloc[0])
    if purchase == "none":
        return (
            "No purchase model could be fitted on this data, so no customer has an "
            "expected value (the run's log and customer_value say why)."
        )
    text = (
        f"P(alive) and purchases come from the {purchase} model, fitted on every "
        "customer's purchase history as of the segments' snapshot; "
    )
    if spend == "Gamma-Gamma":
        return text + "the value of a purchase from the Gamma-Gamma model."
    return text + (
        "the value of a purchase is the mean order value of all customers (too few "
        "repeat buyers to fit the Gamma-Gamma model): the same for everyone."
    )


def _holdout_sentence(check: dict[str, Any]) -> str:
    if not check.get("checked", True):
        return (
            f"The purchase model could not be checked on a holdout: {check['reason']}."
        )
    total = check["total"]
    verdict = "within" if check["within_tolerance"] else "outside"
    return (
        f"Checked as the field does: fitted on the purchases known by "
        f"{check['calibration_end'][:10]}, it predicted {total['predicted']:,.1f} "
        f"repeat purchases over the next {check['holdout_days']} days for "
        f"{total['actual']:,.0f} that happened ({verdict} the "
        f"{check['tolerance']:.0%} tolerance)."
    )


def value_content(
    segment_value: pd.DataFrame, clv_holdout_check: dict[str, Any]
) -> dict[str, Any]:
    """Per segment its expected value over 90 days, and how the figures were made."""
    rows = {
        int(row["segment"]): {
            "persons": int(row["persons"]),
            "p_alive_mean": _number(row["p_alive_mean"]),
            "expected_purchases_90d": _number(row["expected_purchases_90d"]),
            "expected_spend_90d": _number(row["expected_spend_90d"]),
            "expected_spend_90d_mean": _number(row["expected_spend_90d_mean"]),
            "expected_spend_share": _number(row["expected_spend_share"]),
        }
        for _, row in segment_value.iterrows()
    }
    return {
        "by_segment": rows,
        "models": _models_sentence(segment_value),
        "holdout": _holdout_sentence(clv_holdout_check),
        "spend_model": str(segment_value["spend_model"].iloc[0]),
    }
