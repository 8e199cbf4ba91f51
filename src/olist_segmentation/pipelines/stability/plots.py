"""Plots of the stability analysis (plotly figures, saved by the catalog)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .params import StabilityParams


def plot_ari_over_time(
    stability_snapshots: pd.DataFrame, maintenance_recommendation: dict[str, Any]
) -> Any:
    """ARI (frozen M0 vs refit) over the horizon: the median with its bootstrap band,
    the single refit, the published real-data curve, the threshold and the period
    with its interval."""
    import plotly.graph_objects as go  # noqa: PLC0415

    rec = maintenance_recommendation
    later = stability_snapshots[stability_snapshots["horizon_days"] > 0]
    weeks = later["horizon_days"] / 7
    # the band exists while T0's curves are unsettled (stability/curves.py)
    banded = later.dropna(subset=["ari_low", "ari_high"])
    band_weeks = banded["horizon_days"] / 7
    fig = go.Figure()
    fig.add_scatter(
        x=pd.concat([band_weeks, band_weeks[::-1]]),
        y=pd.concat([banded["ari_high"], banded["ari_low"][::-1]]),
        fill="toself",
        fillcolor="rgba(31,119,180,0.2)",
        line={"width": 0},
        hoverinfo="skip",
        name="band (bootstrap persons and seeds)",
    )
    fig.add_scatter(
        x=weeks,
        y=later["ari_median"],
        mode="lines+markers",
        name="persons known at T0 (median)",
        line={"color": "rgb(31,119,180)"},
    )
    fig.add_scatter(
        x=weeks,
        y=later["ari_cohort"],
        mode="markers",
        name="one refit (the model's own seed, all persons)",
        marker={"symbol": "x", "color": "rgb(31,119,180)"},
    )
    fig.add_scatter(
        x=weeks,
        y=later["ari_new"],
        mode="lines+markers",
        name="persons new since T0",
        line={"dash": "dot", "color": "gray"},
    )
    if rec["published"] is not None:
        published = rec["published"]["ari_by_horizon"]
        fig.add_scatter(
            x=[int(h) / 7 for h in published],
            y=list(published.values()),
            mode="lines+markers",
            name=f"published: {rec['published']['source']}",
            line={"dash": "dashdot", "color": "darkorange"},
        )
    fig.add_hline(
        y=rec["ari_threshold"],
        line_dash="dash",
        line_color="red",
        annotation_text=f"threshold {rec['ari_threshold']}",
    )
    intrinsic = rec["intrinsic_stability"]
    fig.add_hline(
        y=intrinsic["seed_ari_median"],
        line_dash="dot",
        line_color="gray",
        annotation_text="same data, another seed (median)",
        annotation_position="bottom right",
    )
    if rec["recommended"]:
        low, high = rec["retrain_period_interval_weeks"]
        fig.add_vrect(x0=low, x1=high, fillcolor="green", opacity=0.1, line_width=0)
        fig.add_vline(
            x=rec["retrain_period_weeks"],
            line_dash="dot",
            line_color="green",
            annotation_text=f"retrain every {rec['retrain_period_weeks']:g} weeks",
        )
    fig.update_layout(
        title=f"How fast segments go stale: ARI of the model frozen at {rec['t0']} "
        "against a refit",
        xaxis_title="weeks since training (T0)",
        yaxis_title="adjusted Rand index",
        yaxis_range=[min(0.0, float(later["ari_low"].min())), 1.02],
        template="plotly_white",
    )
    return fig


def plot_feature_drift(
    stability_snapshots: pd.DataFrame, params: StabilityParams
) -> Any:
    """Population stability index of every model feature against T0."""
    import plotly.graph_objects as go  # noqa: PLC0415

    later = stability_snapshots[stability_snapshots["horizon_days"] > 0]
    fig = go.Figure()
    for column in [c for c in later.columns if c.startswith("psi_") and c != "psi_max"]:
        fig.add_scatter(
            x=later["date"], y=later[column], mode="lines", name=column[len("psi_") :]
        )
    fig.add_hline(
        y=params.monitoring.psi,
        line_dash="dash",
        line_color="red",
        annotation_text=f"retrain signal PSI {params.monitoring.psi}",
    )
    fig.update_layout(
        title="Feature drift against T0 (population stability index)",
        xaxis_title="snapshot date",
        yaxis_title="PSI",
        template="plotly_white",
    )
    return fig


def plot_segment_shares(stability_snapshots: pd.DataFrame) -> Any:
    """Segment shares under the frozen M0, the share of persons new since T0 and the
    mix shift of the persons who joined since the previous snapshot."""
    import plotly.graph_objects as go  # noqa: PLC0415

    fig = go.Figure()
    for column in [c for c in stability_snapshots.columns if c.startswith("share_m0_")]:
        fig.add_scatter(
            x=stability_snapshots["date"],
            y=stability_snapshots[column],
            mode="lines",
            stackgroup="m0",
            name=f"segment {column[len('share_m0_') :]}",
        )
    fig.add_scatter(
        x=stability_snapshots["date"],
        y=stability_snapshots["new_person_share"],
        mode="lines",
        name="new since T0",
        line={"dash": "dot", "color": "black"},
    )
    fig.add_scatter(
        x=stability_snapshots["date"],
        y=stability_snapshots["recent_mix_shift"],
        mode="lines+markers",
        name="mix shift of recent joiners",
        line={"dash": "dash", "color": "firebrick"},
    )
    fig.update_layout(
        title="Segment shares under the model frozen at T0",
        xaxis_title="snapshot date",
        yaxis_title="share of persons",
        yaxis_tickformat=".0%",
        template="plotly_white",
    )
    return fig
