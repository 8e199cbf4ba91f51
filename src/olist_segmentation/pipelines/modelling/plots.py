"""Plotly figures of the segments (saved by ``plotly.JSONDataset``, previewed by
kedro-viz). plotly is imported inside the functions: Kedro start-up stays fast."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.preprocessing import StandardScaler

from .model_ops import features_of
from .profiling import rank_scale


def plot_segment_sizes(segment_profiles: dict[str, Any]) -> Any:
    """Bar chart: persons per segment, labelled with the share."""
    import plotly.graph_objects as go  # noqa: PLC0415

    segments = segment_profiles["segments"]
    figure = go.Figure(
        go.Bar(
            x=[s["size"] for s in segments],
            y=[f"{s['segment']}: {s['name']}" for s in segments],
            orientation="h",
            text=[f"{s['share']:.1%}" for s in segments],
            textposition="auto",
        )
    )
    figure.update_layout(
        title="Customers per segment",
        xaxis_title="persons",
        yaxis={"autorange": "reversed"},
        margin={"l": 280},
    )
    return figure


def plot_segment_profiles(segment_profiles: dict[str, Any]) -> Any:
    """Heatmap: effect size (``profiling``'s rank scale) of every feature per segment;
    hover shows the median and its ratio to the base."""
    import plotly.graph_objects as go  # noqa: PLC0415

    segments = segment_profiles["segments"]
    features = segment_profiles["features"]
    effect = [[s["features"][f]["effect"] for f in features] for s in segments]
    hover = [
        [
            f"median {s['features'][f]['median']}<br>"
            f"ratio to base {s['features'][f]['ratio_to_base']}"
            for f in features
        ]
        for s in segments
    ]
    figure = go.Figure(
        go.Heatmap(
            z=effect,
            x=features,
            y=[f"{s['segment']}: {s['name']}" for s in segments],
            text=hover,
            hovertemplate="%{y}<br>%{x}: effect %{z:.2f}<br>%{text}<extra></extra>",
            colorscale="RdBu",
            reversescale=True,
            zmid=0,
            colorbar={"title": "effect (sd)"},
        )
    )
    figure.update_layout(
        title="Segment profiles: difference to the whole base (percentile ranks, "
        "in standard deviations)",
        margin={"l": 280},
    )
    return figure


def plot_segment_projection(
    model_input: pd.DataFrame,
    segmentation_model: BaseEstimator,
    segment_names: dict[str, str],
    sample_size: int,
    seed: int,
) -> Any:
    """2-D PCA of the modelled features on the profiles' rank scale, on a
    fixed-seed sample, coloured by segment."""
    import plotly.graph_objects as go  # noqa: PLC0415
    from sklearn.decomposition import PCA  # noqa: PLC0415

    features = features_of(segmentation_model)
    size = min(sample_size, len(model_input))
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.choice(len(model_input), size=size, replace=False))
    ranks = rank_scale(model_input[features]).iloc[rows]
    space = StandardScaler().fit_transform(ranks.fillna(0.5))
    pca = PCA(n_components=2, random_state=seed).fit(space)
    points = pca.transform(space)
    segments = segmentation_model.predict(model_input.iloc[rows])
    figure = go.Figure()
    for segment in np.unique(segments):
        mask = segments == segment
        figure.add_trace(
            go.Scattergl(
                x=points[mask, 0],
                y=points[mask, 1],
                mode="markers",
                marker={"size": 4, "opacity": 0.6},
                name=f"{segment}: {segment_names.get(str(segment), '')}",
            )
        )
    explained = pca.explained_variance_ratio_
    figure.update_layout(
        title=f"Segments in 2-D (PCA of the {len(features)} modelled features as "
        f"percentile ranks, {size} persons sampled)",
        xaxis_title=f"PC1 ({explained[0]:.0%} of variance)",
        yaxis_title=f"PC2 ({explained[1]:.0%} of variance)",
    )
    return figure
