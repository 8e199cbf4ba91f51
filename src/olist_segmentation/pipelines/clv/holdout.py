"""The field's check of a purchase model: calibration and holdout split by date.

The holdout ends at the last purchase of an order known at the snapshot (later
purchase days have no delivered order yet, so they would count as silence) and lasts
``holdout.days``. The purchase model is fitted on what was known at the calibration
end (the rule of ``history.known_transactions``); its expected purchases over the
holdout are compared with the purchase days each of those persons actually had in it
(delivered orders known at the snapshot), per calibration frequency (0, 1, 2+) and
in total. Persons whose first purchase falls in the holdout are not predicted, as in
pymc-marketing's ``rfm_train_test_split``, which does the split.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .history import known_transactions
from .models import KEY, WEEK_DAYS, expected_purchases, fit_purchase_model, pymc_clv
from .params import HoldoutParams

TOP_BUCKET = 2


def _bucket_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    labels = frame["frequency"].clip(upper=TOP_BUCKET).astype(int)
    rows = []
    for bucket, group in frame.groupby(labels, sort=True):
        rows.append(
            {
                "calibration_frequency": (
                    f"{bucket}+" if bucket == TOP_BUCKET else str(bucket)
                ),
                "persons": len(group),
                "actual": round(float(group["actual"].sum()), 3),
                "predicted": round(float(group["predicted"].sum()), 3),
                "actual_mean": round(float(group["actual"].mean()), 5),
                "predicted_mean": round(float(group["predicted"].mean()), 5),
            }
        )
    return rows


def split_by_date(
    orders: pd.DataFrame, snapshot: pd.Timestamp, days: int
) -> tuple[pd.DataFrame, pd.Timestamp, pd.Timestamp]:
    """The calibration summary with each person's holdout purchase days
    (``actual``), the calibration end and the holdout end."""
    known = known_transactions(orders, snapshot)
    if known.empty:
        raise ValueError(
            f"primary_orders: no delivered order known at {snapshot}, no holdout check"
        )
    end = pd.Timestamp(known["purchase_ts"].max())
    calibration_end = end - pd.Timedelta(days=days)
    calibration = known_transactions(orders, calibration_end)
    if calibration.empty:
        raise ValueError(
            f"clv.holdout.days = {days}: no delivered order known at the calibration "
            f"end {calibration_end} (the holdout ends at {end})"
        )
    transactions = pd.concat(
        [calibration, known[known["purchase_ts"] > calibration_end]],
        ignore_index=True,
    )
    split = pymc_clv().rfm_train_test_split(
        transactions,
        KEY,
        "purchase_ts",
        train_period_end=calibration_end,
        test_period_end=end,
        time_unit="D",
        time_scaler=WEEK_DAYS,
    )
    frame = split.rename(columns={"customer_id": KEY, "test_frequency": "actual"})
    return (
        frame[[KEY, "frequency", "recency", "T", "actual"]],
        calibration_end,
        end,
    )


def holdout_check(
    orders: pd.DataFrame,
    snapshot: pd.Timestamp,
    purchase_model: str,
    holdout: HoldoutParams,
) -> dict[str, Any]:
    """Predicted vs actual repeat purchases over the holdout, by calibration
    frequency and in total, with whether the total is within ``holdout.tolerance``.

    ``actual_relative_sd`` is ``1 / sqrt(actual)``: the relative spread of a Poisson
    count that size, i.e. how far a perfect model's total may land from it by chance.
    """
    frame, calibration_end, end = split_by_date(orders, snapshot, holdout.days)
    idata = fit_purchase_model(frame, purchase_model)
    frame = frame.assign(predicted=expected_purchases(idata, frame, holdout.days))
    actual = float(frame["actual"].sum())
    predicted = float(frame["predicted"].sum())
    error = (predicted - actual) / actual if actual else math.inf
    return {
        "checked": True,
        "purchase_model": idata.attrs["model_type"],
        "calibration_end": str(calibration_end),
        "holdout_end": str(end),
        "holdout_days": holdout.days,
        "persons": len(frame),
        "repeat_buyers_in_calibration": int((frame["frequency"] > 0).sum()),
        "by_calibration_frequency": _bucket_rows(frame),
        "total": {
            "actual": round(actual, 3),
            "predicted": round(predicted, 3),
            "relative_error": round(error, 4) if actual else None,
            "actual_relative_sd": round(1 / np.sqrt(actual), 4) if actual else None,
        },
        "tolerance": holdout.tolerance,
        "within_tolerance": bool(abs(error) <= holdout.tolerance),
    }
