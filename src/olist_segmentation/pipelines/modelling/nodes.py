"""Modelling nodes: model input, fit, assign, predict (candidates.py and selection.py
hold the candidate search)."""

from __future__ import annotations

import logging

import pandas as pd
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from .model_ops import predict_in_batches
from .params import ModellingParams

logger = logging.getLogger(__name__)

KEY = "person_key"


# -- model input ----------------------------------------------------------------
def prepare_model_input(
    customer_features: pd.DataFrame, modelling: ModellingParams
) -> pd.DataFrame:
    """``person_key`` and the modelled features, missing values filled by the median.

    The feature table leaves a feature missing where there is no evidence (no review
    yet, no payment row, no coordinates). The model would impute the same
    medians itself; filling here gives scoring clients complete rows.
    """
    missing = [c for c in (KEY, *modelling.features) if c not in customer_features]
    if missing:
        raise ValueError(
            f"customer_features: missing column(s) {missing} named in "
            "parameters_modelling.yml modelling.features"
        )
    frame = customer_features[[KEY, *modelling.features]].copy()
    gaps = frame[modelling.features].isna().sum()
    medians = frame[modelling.features].median().fillna(0.0)
    frame[modelling.features] = frame[modelling.features].fillna(medians)
    for column, count in gaps[gaps > 0].items():
        logger.info(
            "model_input: %s missing for %d of %d persons, filled with the median %.3g",
            column,
            count,
            len(frame),
            medians[column],
        )
    return frame


# -- fit and assign -----------------------------------------------------------------
def fit_segmentation_model(
    model_input: pd.DataFrame, selected_model: Pipeline
) -> Pipeline:
    """Refit the selected model on every person."""
    return clone(selected_model).fit(model_input)


def assign_training_segments(
    model_input: pd.DataFrame, segmentation_model: Pipeline
) -> pd.DataFrame:
    """``person_key`` and ``segment`` of every person the model was fitted on,
    assigned in batches (:func:`.model_ops.predict_in_batches`)."""
    return pd.DataFrame(
        {
            KEY: model_input[KEY].to_numpy(),
            "segment": predict_in_batches(segmentation_model, model_input),
        }
    )


def predict_segments(
    model_input: pd.DataFrame,
    segmentation_model: Pipeline,
    segment_names: dict[str, str],
) -> pd.DataFrame:
    """Inference: ``person_key``, ``segment`` and ``segment_name`` of feature rows,
    assigned in batches."""
    segments = predict_in_batches(segmentation_model, model_input)
    names = pd.Series(segments).astype(str).map(segment_names)
    unnamed = sorted(set(segments[names.isna().to_numpy()].tolist()))
    if unnamed:
        raise ValueError(f"segment_names: no name for segment(s) {unnamed}")
    frame = pd.DataFrame({"segment": segments, "segment_name": names.to_numpy()})
    if KEY in model_input:
        frame.insert(0, KEY, model_input[KEY].to_numpy())
    return frame


def build_customer_segments(
    predicted_segments: pd.DataFrame, id_map: pd.DataFrame
) -> pd.DataFrame:
    """``customer_unique_id`` (Olist hex id), ``segment``, ``segment_name``."""
    persons = id_map.loc[
        id_map["id_kind"] == "customer_unique_id", ["key", "olist_id"]
    ].set_index("key")["olist_id"]
    hex_ids = persons.reindex(predicted_segments[KEY].to_numpy())
    unmatched = int(hex_ids.isna().sum())
    if unmatched:
        raise ValueError(
            f"id_map: {unmatched} person_key(s) of the segments have no "
            "customer_unique_id row"
        )
    return pd.DataFrame(
        {
            "customer_unique_id": hex_ids.astype(str).to_numpy(),
            "segment": predicted_segments["segment"].astype("int64").to_numpy(),
            "segment_name": predicted_segments["segment_name"].astype(str).to_numpy(),
        }
    )
