"""Nodes of the clv pipeline: how much each customer is still worth, as of the
snapshot of the segments (``feature_engineering.snapshot_date``).

``summarise_purchase_history`` -> ``fit_purchase_model`` / ``fit_spend_model`` ->
``predict_customer_value``; ``summarise_value_by_segment`` puts it beside the
segments, ``check_purchase_model_on_holdout`` validates the purchase model by date.

No node stops the run on a sample too small for a model: a fit that fails (or a
Gamma-Gamma guard that refuses) logs a warning with the reason and hands on a
``models.Fallback``, which ``customer_value`` names in its ``purchase_model``,
``spend_model`` and ``fallback_reason`` columns (docs/clv.md); a holdout check that
cannot be made says why in ``clv_holdout_check``.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd

from olist_segmentation.pipelines.feature_engineering.nodes import resolve_snapshot
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)

from . import models
from .history import known_transactions, summarise
from .holdout import holdout_check
from .params import ClvParams

logger = logging.getLogger(__name__)

KEY = models.KEY
PERSON_ID = "customer_unique_id"
VALUE_COLUMNS = (
    "p_alive",
    "expected_purchases_90d",
    "expected_order_value",
    "expected_spend_90d",
    "purchase_model",
    "spend_model",
    "fallback_reason",
)


def summarise_purchase_history(
    primary_orders: pd.DataFrame, feature_params: FeatureEngineeringParams
) -> pd.DataFrame:
    """``purchase_history``: frequency, recency, T (weeks) and mean repeat value of
    every person with a delivered order known at the snapshot (``history.py``)."""
    snapshot = resolve_snapshot(primary_orders, feature_params.snapshot_date)
    history = summarise(known_transactions(primary_orders, snapshot), snapshot)
    logger.info(
        "purchase history as of %s: %d persons, %d with a repeat purchase",
        snapshot,
        len(history),
        int((history["frequency"] > 0).sum()),
    )
    return history


def _first_line(error: Exception) -> str:
    """An error's message without what follows its first line (pymc appends its
    starting values)."""
    return str(error).strip().splitlines()[0]


def fit_purchase_model(purchase_history: pd.DataFrame, params: ClvParams) -> Any:
    """``clv_purchase_model``: the BG/NBD-family model (``clv.purchase_model``),
    fitted by MAP; its ``InferenceData``, or a ``Fallback`` (no purchase figures)
    saying why the fit failed."""
    try:
        return models.fit_purchase_model(purchase_history, params.purchase_model)
    except models.FIT_ERRORS as error:
        reason = f"no purchase model: {_first_line(error)}"
        logger.warning("%s; P(alive), purchases and spend are left empty", reason)
        return models.Fallback(models.NO_PURCHASE_MODEL, reason)


def fit_spend_model(purchase_history: pd.DataFrame, params: ClvParams) -> Any:
    """``clv_spend_model``: the Gamma-Gamma model fitted by MAP on the repeat buyers;
    its ``InferenceData``, or, when it cannot be fitted (fewer repeat buyers than
    ``clv.min_repeat_buyers``, or a failed fit), a ``Fallback`` giving everyone the
    population's mean order value."""
    try:
        return models.fit_spend_model(purchase_history, params.min_repeat_buyers)
    except models.FIT_ERRORS as error:
        order_value = models.mean_order_value(purchase_history)
        reason = (
            f"spend from the mean order value ({order_value:.2f}): {_first_line(error)}"
        )
        logger.warning(reason)
        return models.Fallback(models.MEAN_ORDER_VALUE, reason, order_value)


def _olist_ids(person_keys: pd.Series, id_map: pd.DataFrame) -> pd.Series:
    persons = id_map.loc[id_map["id_kind"] == PERSON_ID, ["key", "olist_id"]]
    hex_ids = persons.set_index("key")["olist_id"].reindex(person_keys.to_numpy())
    unmatched = int(hex_ids.isna().sum())
    if unmatched:
        raise ValueError(
            f"id_map: {unmatched} person_key(s) of purchase_history have no "
            f"{PERSON_ID} row"
        )
    return hex_ids.astype(str)


def predict_customer_value(
    purchase_history: pd.DataFrame,
    clv_purchase_model: Any,
    clv_spend_model: Any,
    id_map: pd.DataFrame,
) -> pd.DataFrame:
    """``customer_value``: one row per person of ``purchase_history``, with
    ``person_key``, ``customer_unique_id`` and ``VALUE_COLUMNS`` (docs/clv.md)."""
    value = models.customer_value(clv_purchase_model, clv_spend_model, purchase_history)
    value.insert(1, PERSON_ID, _olist_ids(value[KEY], id_map).to_numpy())
    logger.info(
        "customer value of %d persons (%s, %s): mean P(alive) %.3f, %.1f purchases "
        "and %.0f expected over the next %d days",
        len(value),
        value["purchase_model"].iloc[0],
        value["spend_model"].iloc[0],
        value["p_alive"].mean(),
        value["expected_purchases_90d"].sum(),
        value["expected_spend_90d"].sum(),
        models.HORIZON_DAYS,
    )
    return value


def summarise_value_by_segment(
    customer_value: pd.DataFrame, customer_segments: pd.DataFrame
) -> pd.DataFrame:
    """``segment_value``: per segment, its persons, mean P(alive), expected purchases
    and spend over the next 90 days (total and mean per person), its share of the
    expected spend, and the models that gave them. Both tables must hold the same
    persons (the snapshot's)."""
    merged = customer_segments.merge(
        customer_value, on=PERSON_ID, how="outer", indicator=True
    )
    unmatched = merged["_merge"].value_counts()
    if unmatched.get("left_only", 0) or unmatched.get("right_only", 0):
        raise ValueError(
            f"customer_segments and customer_value hold different persons: "
            f"{unmatched.get('left_only', 0)} segmented without a value, "
            f"{unmatched.get('right_only', 0)} valued without a segment "
            "(were they computed at the same snapshot?)"
        )
    summary = (
        merged.groupby(["segment", "segment_name"], sort=True, observed=True)
        .agg(
            persons=(PERSON_ID, "size"),
            p_alive_mean=("p_alive", "mean"),
            expected_purchases_90d=("expected_purchases_90d", "sum"),
            expected_spend_90d=("expected_spend_90d", "sum"),
            expected_spend_90d_mean=("expected_spend_90d", "mean"),
            purchase_model=("purchase_model", "first"),
            spend_model=("spend_model", "first"),
        )
        .reset_index()
    )
    summary["expected_spend_share"] = (
        summary["expected_spend_90d"] / summary["expected_spend_90d"].sum()
    )
    return summary


def check_purchase_model_on_holdout(
    primary_orders: pd.DataFrame,
    feature_params: FeatureEngineeringParams,
    params: ClvParams,
) -> dict[str, Any]:
    """``clv_holdout_check``: the purchase model refitted on a calibration period
    and its predictions compared with the holdout's purchases (``holdout.py``)."""
    snapshot = resolve_snapshot(primary_orders, feature_params.snapshot_date)
    try:
        check = holdout_check(
            primary_orders, snapshot, params.purchase_model, params.holdout
        )
    except models.FIT_ERRORS as error:
        logger.warning("no holdout check: %s", _first_line(error))
        return {
            "checked": False,
            "reason": _first_line(error),
            "purchase_model": params.purchase_model,
            "holdout_days": params.holdout.days,
            "tolerance": params.holdout.tolerance,
            "within_tolerance": None,
        }
    total = check["total"]
    log = logger.info if check["within_tolerance"] else logger.warning
    log(
        "holdout check (%s, %d days to %s): %.1f repeat purchases predicted, %.0f "
        "actual (relative error %s, tolerance %.0f%%)",
        check["purchase_model"],
        check["holdout_days"],
        check["holdout_end"],
        total["predicted"],
        total["actual"],
        total["relative_error"],
        100 * check["tolerance"],
    )
    return check
