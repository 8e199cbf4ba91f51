"""Stability over time: a model frozen at T0 against refits at later snapshots.

Features are recomputed as of every snapshot date with the feature-engineering code,
never taken from the full history. The adjusted Rand index (ARI) compares, over the
same persons aligned by ``person_key``, the frozen model M0 with a refit Mk of the same
specification and seed on the snapshot's data.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from olist_segmentation.pipelines.feature_engineering.nodes import (
    build_customer_features,
)
from olist_segmentation.pipelines.feature_engineering.params import (
    FeatureEngineeringParams,
)
from olist_segmentation.pipelines.modelling.segmenter import make_segmenter

from .params import StabilityParams

logger = logging.getLogger(__name__)

_EPS = 1e-4


def plan_snapshots(orders: pd.DataFrame, params: dict[str, Any]) -> dict[str, Any]:
    """Snapshot dates T0 + k·step up to the end of the data (last delivered purchase)."""
    p = StabilityParams.from_dict(params)
    delivered = orders.loc[
        orders["is_delivered"], ["person_key", "purchase_ts", "delivered_customer_ts"]
    ]
    if delivered.empty:
        raise ValueError(
            "primary_orders: column is_delivered: no delivered order at all; "
            "the stability analysis needs delivered orders"
        )
    t0 = pd.Timestamp(p.t0)
    data_end = (
        pd.Timestamp(p.end_date)
        if p.end_date is not None
        else delivered["purchase_ts"].max().normalize() + pd.Timedelta(days=1)
    )
    n_t0 = delivered.loc[
        delivered["delivered_customer_ts"] <= t0, "person_key"
    ].nunique()
    if n_t0 < p.min_persons_t0:
        raise ValueError(
            f"primary_orders: column delivered_customer_ts: only {n_t0} persons have an "
            f"order delivered by stability.t0={t0.date()} (rule: at least "
            f"stability.min_persons_t0={p.min_persons_t0}); choose a later t0"
        )
    dates = list(pd.date_range(t0, data_end, freq=pd.Timedelta(days=p.step_days)))
    if len(dates) < 2:
        raise ValueError(
            f"primary_orders: column purchase_ts: data ends {data_end.date()}, leaving no "
            f"snapshot after stability.t0={t0.date()} with step {p.step_days} days"
        )
    logger.info(
        "Stability plan: T0 %s (%d persons), step %d days, %d later snapshots up to %s",
        t0.date(),
        n_t0,
        p.step_days,
        len(dates) - 1,
        data_end.date(),
    )
    return {
        "t0": t0.isoformat(),
        "step_days": p.step_days,
        "data_end": data_end.isoformat(),
        "dates": [d.isoformat() for d in dates],
    }


def features_as_of(
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    reviews: pd.DataFrame,
    snapshot: str | pd.Timestamp,
    feature_params: dict[str, Any],
) -> pd.DataFrame:
    """Customer features as of ``snapshot`` through the feature-engineering code.

    The settings of ``feature_engineering`` apply, except its snapshot date.
    """
    settings = FeatureEngineeringParams.model_validate(feature_params)
    return build_customer_features(
        orders,
        order_items,
        reviews,
        pd.Timestamp(snapshot),
        bad_review_max=settings.bad_review_max,
    )


def fit_spec(
    spec: dict[str, Any], features: pd.DataFrame, seed: int | None = None
) -> Any:
    """Fit a fresh segmenter of ``spec`` (optionally with another seed) on ``features``.

    The segmenter itself fits density clusterers on a fixed-seed sample of
    ``spec["fit_sample_size"]`` rows and then assigns every row.
    """
    run_spec = dict(spec) if seed is None else {**spec, "seed": seed}
    return make_segmenter(run_spec).fit(features)


def assign(model: Any, features: pd.DataFrame) -> pd.Series:
    """Segment of every person, indexed by ``person_key``."""
    labels = np.asarray(model.predict(features))
    return pd.Series(labels, index=features["person_key"].to_numpy(), name="segment")


def fit_reference_model(  # noqa: PLR0917 (a node: Kedro passes its inputs by position)
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    reviews: pd.DataFrame,
    selected_spec: dict[str, Any],
    plan: dict[str, Any],
    feature_params: dict[str, Any],
) -> tuple[Any, pd.DataFrame]:
    """Fit M0: the selected specification on features as of T0; it stays frozen."""
    start = time.perf_counter()
    features = features_as_of(orders, order_items, reviews, plan["t0"], feature_params)
    model = fit_spec(selected_spec, features)
    logger.info(
        "Reference model M0 (%s) fitted at T0 %s on %d persons in %.1f s",
        selected_spec["algorithm"],
        plan["t0"][:10],
        len(features),
        time.perf_counter() - start,
    )
    return model, features


def psi(reference: pd.Series, current: pd.Series, bins: int) -> float:
    """Population stability index of ``current`` against ``reference``.

    Bin edges are the reference's quantiles (fixed at T0); the outer bins are open,
    so values beyond the T0 range still count. Missing values form their own bin.
    """
    ref = reference.to_numpy(dtype=float)
    cur = current.to_numpy(dtype=float)
    finite = ref[~np.isnan(ref)]
    edges = (
        np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1))[1:-1])
        if finite.size
        else np.array([])
    )

    def shares(values: np.ndarray) -> np.ndarray:
        missing = np.isnan(values)
        counts = np.bincount(
            np.searchsorted(edges, values[~missing], side="right"),
            minlength=edges.size + 1,
        )
        full = np.append(counts, missing.sum()).astype(float)
        return np.clip(full / max(values.size, 1), _EPS, None)

    expected, actual = shares(ref), shares(cur)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def _shares(labels: pd.Series, segments: list[int], prefix: str) -> dict[str, float]:
    counts = labels.value_counts(normalize=True)
    return {f"{prefix}{s}": float(counts.get(s, 0.0)) for s in segments}


def _ari(left: pd.Series, right: pd.Series) -> float:
    """ARI over the persons both series hold, aligned by ``person_key``."""
    common = left.index.intersection(right.index)
    if common.size < 2:
        return float("nan")
    return float(adjusted_rand_score(left.loc[common], right.loc[common]))


def evaluate_snapshots(
    *,
    orders: pd.DataFrame,
    order_items: pd.DataFrame,
    reviews: pd.DataFrame,
    selected_spec: dict[str, Any],
    reference_model: Any,
    reference_features: pd.DataFrame,
    segmentation_model: Any,
    plan: dict[str, Any],
    params: dict[str, Any],
    feature_params: dict[str, Any],
) -> pd.DataFrame:
    """One row per snapshot: ARI frozen vs refit, new persons, drift, segment shares.

    ``ari_cohort`` is taken over the persons known at T0 (aligned by ``person_key``);
    ``ari_new`` over the persons new since T0, reported separately. ``share_m0_<s>``
    are the shares under the frozen M0, ``share_final_<s>`` under the production
    ``segmentation_model``, ``psi_<feature>`` the drift of each model feature.
    ``recent_mix_shift`` is the total variation distance between the M0 segment mix
    of the ``n_recent`` persons who joined since the previous snapshot and that of
    the persons who joined during the step before T0.
    """
    p = StabilityParams.from_dict(params)
    t0 = pd.Timestamp(plan["t0"])
    features_used = list(selected_spec["features"])
    reference_m0 = assign(reference_model, reference_features)
    reference_final = assign(segmentation_model, reference_features)
    m0_segments = sorted(int(s) for s in reference_m0.unique())
    final_segments = sorted(int(s) for s in reference_final.unique())
    reference_shares = _shares(reference_m0, m0_segments, "share_m0_")
    cohort = reference_m0.index
    previous = cohort
    # Baseline of the joiners' mix: the persons who joined during the step before T0
    # (a like-for-like group: recent joiners look alike on recency and tenure).
    delivered = orders.loc[
        orders["is_delivered"], ["person_key", "delivered_customer_ts"]
    ]
    joined = delivered.groupby("person_key")["delivered_customer_ts"].min()
    step = pd.Timedelta(days=p.step_days)
    t0_joiners = joined.index[joined > t0 - step].intersection(cohort)
    joiner_shares = _shares(reference_m0.loc[t0_joiners], m0_segments, "share_m0_")
    rows = []
    start = time.perf_counter()
    for k, date in enumerate(plan["dates"]):
        tick = time.perf_counter()
        features = (
            reference_features
            if k == 0
            else features_as_of(orders, order_items, reviews, date, feature_params)
        )
        features_seconds = time.perf_counter() - tick
        tick = time.perf_counter()
        refit = fit_spec(selected_spec, features)
        refit_seconds = time.perf_counter() - tick
        m0 = assign(reference_model, features)
        mk = assign(refit, features)
        final = assign(segmentation_model, features)
        is_new = ~m0.index.isin(cohort)
        shares_m0 = _shares(m0, m0_segments, "share_m0_")
        row = {
            "snapshot": k,
            "date": pd.Timestamp(date),
            "horizon_days": int((pd.Timestamp(date) - t0).days),
            "n_persons": len(features),
            "n_cohort": int((~is_new).sum()),
            "n_cohort_missing": int((~cohort.isin(m0.index)).sum()),
            "n_new": int(is_new.sum()),
            "new_person_share": float(is_new.mean()),
            "ari_cohort": _ari(m0[~is_new], mk[~is_new]),
            "ari_new": _ari(m0[is_new], mk[is_new]),
            "ari_all": _ari(m0, mk),
            "m0_label_churn": float(
                (
                    m0[~is_new].to_numpy()
                    != reference_m0.loc[m0.index[~is_new]].to_numpy()
                ).mean()
            ),
            "share_shift_max": max(
                abs(shares_m0[c] - reference_shares[c]) for c in reference_shares
            ),
            "features_seconds": features_seconds,
            "refit_seconds": refit_seconds,
        }
        drift = {
            f"psi_{f}": psi(reference_features[f], features[f], p.psi_bins)
            for f in features_used
        }
        row["psi_max"] = max(drift.values())
        # Mix of the persons who joined since the previous snapshot, under M0,
        # against the joiners of the step before T0 (total variation distance):
        # a new persona among new customers shows here first.
        recent = m0[~m0.index.isin(previous)]
        recent_shares = _shares(recent, m0_segments, "share_m0_")
        row["n_recent"] = len(recent)
        row["recent_mix_shift"] = (
            0.5 * sum(abs(recent_shares[c] - joiner_shares[c]) for c in joiner_shares)
            if len(recent) and len(t0_joiners)
            else float("nan")
        )
        previous = m0.index
        row |= drift | shares_m0 | _shares(final, final_segments, "share_final_")
        rows.append(row)
        logger.info(
            "Snapshot %d/%d %s: %d persons (%.0f%% new), ARI cohort %.3f, "
            "max PSI %.2f, elapsed %.1f s",
            k,
            len(plan["dates"]) - 1,
            str(date)[:10],
            row["n_persons"],
            100 * row["new_person_share"],
            row["ari_cohort"],
            row["psi_max"],
            time.perf_counter() - start,
        )
    return pd.DataFrame(rows)


def measure_intrinsic_stability(
    reference_features: pd.DataFrame,
    selected_spec: dict[str, Any],
    params: dict[str, Any],
) -> dict[str, Any]:
    """ARI of the specification against itself: other seeds and bootstrap refits at T0.

    Each refit assigns every T0 person and is compared with the fit of the spec's own
    seed. A specification whose median ARI falls below the intrinsic threshold is
    flagged unstable.
    """
    p = StabilityParams.from_dict(params)
    seed = int(selected_spec["seed"])
    base = assign(fit_spec(selected_spec, reference_features), reference_features)
    seed_ari = [
        _ari(
            base,
            assign(fit_spec(selected_spec, reference_features, s), reference_features),
        )
        for s in range(seed + 1, seed + p.intrinsic_seeds)
    ]
    rng = np.random.default_rng(seed)
    bootstrap_ari = []
    for _ in range(p.intrinsic_bootstraps):
        rows = rng.integers(0, len(reference_features), len(reference_features))
        model = fit_spec(selected_spec, reference_features.iloc[rows])
        bootstrap_ari.append(_ari(base, assign(model, reference_features)))
    medians = {
        "seed_ari_median": float(np.median(seed_ari)),
        "bootstrap_ari_median": float(np.median(bootstrap_ari))
        if bootstrap_ari
        else None,
    }
    failing = [
        name
        for name, value in medians.items()
        if value is not None and value < p.intrinsic_ari_threshold
    ]
    result = {
        "n_persons": len(reference_features),
        "seed_ari": seed_ari,
        "bootstrap_ari": bootstrap_ari,
        **medians,
        "min_ari": float(min(seed_ari + bootstrap_ari)),
        "threshold": p.intrinsic_ari_threshold,
        "unstable": bool(failing),
        "reason": (
            f"{' and '.join(failing)} below {p.intrinsic_ari_threshold}"
            if failing
            else "stable against its own seed and bootstrap resamples"
        ),
    }
    log = logger.warning if failing else logger.info
    log(
        "Intrinsic stability of %s: median ARI over seeds %.3f, over bootstraps %s (%s)",
        selected_spec["algorithm"],
        medians["seed_ari_median"],
        medians["bootstrap_ari_median"],
        result["reason"],
    )
    return result


def _first_firing(snapshots: pd.DataFrame, column: str, threshold: float) -> dict:
    fired = snapshots[snapshots[column] > threshold]
    return {
        "threshold": threshold,
        "first_fired_days": int(fired["horizon_days"].iloc[0]) if len(fired) else None,
        "max_observed": float(snapshots[column].max()),
    }


def recommend_maintenance(
    stability_snapshots: pd.DataFrame,
    intrinsic_stability: dict[str, Any],
    selected_spec: dict[str, Any],
    params: dict[str, Any],
) -> dict[str, Any]:
    """Retraining period, early-retrain signals and their thresholds, and the cost.

    The period is the longest horizon up to which the cohort ARI stays at or above
    the threshold at every snapshot. It is censored (a lower bound) when ARI never
    falls below the threshold before the data ends.
    """
    p = StabilityParams.from_dict(params)
    later = stability_snapshots[stability_snapshots["horizon_days"] > 0].sort_values(
        "horizon_days"
    )
    below = later[later["ari_cohort"] < p.ari_threshold]
    censored = below.empty
    first_below = None if censored else int(below["horizon_days"].iloc[0])
    kept = later if censored else later[later["horizon_days"] < first_below]
    period = int(kept["horizon_days"].max()) if len(kept) else 0
    signals = {
        "psi_max": _first_firing(later, "psi_max", p.monitoring.psi),
        "share_shift_max": _first_firing(
            later, "share_shift_max", p.monitoring.share_shift
        ),
        "new_person_share": _first_firing(
            later, "new_person_share", p.monitoring.new_person_share
        ),
        "recent_mix_shift": _first_firing(
            later, "recent_mix_shift", p.monitoring.recent_mix_shift
        ),
    }
    for signal in signals.values():
        fired = signal["first_fired_days"]
        signal["warned_before_ari_drop"] = (
            None if first_below is None or fired is None else fired <= first_below
        )
    retrain = later["features_seconds"] + later["refit_seconds"]
    if period == 0:
        schedule = (
            f"ARI is below {p.ari_threshold} already at the first snapshot "
            f"({p.step_days} days): retrain at every step of {p.step_days} days"
        )
    elif censored:
        schedule = (
            f"ARI never fell below {p.ari_threshold} in the {period} days observed: "
            f"retrain at least every {period // 7} weeks, earlier if a signal fires"
        )
    else:
        schedule = (
            f"Retrain every {period // 7} weeks ({period} days): ARI fell below "
            f"{p.ari_threshold} at {first_below} days"
        )
    caveat = None
    if intrinsic_stability["unstable"]:
        caveat = (
            "The selected specification is unstable against its own seed "
            f"({intrinsic_stability['reason']}): part of the ARI drop is the fit "
            "landing in another optimum, not the customers changing. Stabilise the "
            "specification (e.g. more initialisations) before relying on this period."
        )
        logger.warning(caveat)
    horizon_end = first_below if first_below is not None else period
    early = sorted(
        (signal["first_fired_days"], name)
        for name, signal in signals.items()
        if signal["first_fired_days"] is not None
        and signal["first_fired_days"] <= horizon_end
    )
    if early:
        schedule += "; in this history " + ", ".join(
            f"{name} fired at {days} days" for days, name in early
        )
    recommendation = {
        "algorithm": selected_spec["algorithm"],
        "t0": str(stability_snapshots["date"].min())[:10],
        "step_days": p.step_days,
        "n_snapshots": len(later),
        "ari_threshold": p.ari_threshold,
        "retrain_period_days": period,
        "retrain_period_weeks": round(period / 7, 1),
        "censored": censored,
        "first_below_threshold_days": first_below,
        "schedule": schedule,
        "caveat": caveat,
        "ari_by_horizon": {
            int(h): round(float(a), 4)
            for h, a in zip(later["horizon_days"], later["ari_cohort"], strict=True)
        },
        "monitoring_signals": signals,
        "early_retrain_triggers": [
            f"max PSI of any model feature against T0 above {p.monitoring.psi}",
            f"share of any segment (frozen model) moved by more than "
            f"{p.monitoring.share_shift:.0%} points since training",
            f"persons new since training above {p.monitoring.new_person_share:.0%} "
            "of the base",
            "the segment mix of the customers who joined in the last "
            f"{p.step_days} days differs from the mix of the joiners just before "
            f"training by more than "
            f"{p.monitoring.recent_mix_shift:g} (total variation distance)",
            "intrinsic instability: a retrain whose seeds disagree (ARI below "
            f"{intrinsic_stability['threshold']})",
        ],
        "retrain_cost": {
            "median_seconds": float(retrain.median()),
            "max_seconds": float(retrain.max()),
            "persons_at_last_snapshot": int(later["n_persons"].iloc[-1]),
            "what": "features as of the snapshot plus one fit of the selected "
            "specification, measured during this run",
        },
        "intrinsic_stability": intrinsic_stability,
    }
    logger.info("Maintenance recommendation: %s", schedule)
    return recommendation


def plot_ari_over_time(
    stability_snapshots: pd.DataFrame, maintenance_recommendation: dict[str, Any]
) -> Any:
    """ARI (frozen M0 vs refit) over the snapshot horizon, with the threshold."""
    import plotly.graph_objects as go  # noqa: PLC0415

    rec = maintenance_recommendation
    later = stability_snapshots[stability_snapshots["horizon_days"] > 0]
    weeks = later["horizon_days"] / 7
    fig = go.Figure()
    fig.add_scatter(
        x=weeks, y=later["ari_cohort"], mode="lines+markers", name="persons known at T0"
    )
    fig.add_scatter(
        x=weeks,
        y=later["ari_new"],
        mode="lines+markers",
        name="persons new since T0",
        line={"dash": "dot"},
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
    if rec["retrain_period_days"] > 0:
        fig.add_vline(
            x=rec["retrain_period_days"] / 7,
            line_dash="dot",
            line_color="green",
            annotation_text=f"retrain every {rec['retrain_period_weeks']} weeks",
        )
    fig.update_layout(
        title=f"How fast segments go stale: ARI of the model frozen at {rec['t0']} "
        "against a refit",
        xaxis_title="weeks since training (T0)",
        yaxis_title="adjusted Rand index",
        yaxis_range=[min(0.0, float(later["ari_cohort"].min())), 1.02],
        template="plotly_white",
    )
    return fig


def plot_feature_drift(
    stability_snapshots: pd.DataFrame, params: dict[str, Any]
) -> Any:
    """Population stability index of every model feature against T0."""
    import plotly.graph_objects as go  # noqa: PLC0415

    p = StabilityParams.from_dict(params)
    later = stability_snapshots[stability_snapshots["horizon_days"] > 0]
    fig = go.Figure()
    for column in [c for c in later.columns if c.startswith("psi_") and c != "psi_max"]:
        fig.add_scatter(
            x=later["date"], y=later[column], mode="lines", name=column[len("psi_") :]
        )
    fig.add_hline(
        y=p.monitoring.psi,
        line_dash="dash",
        line_color="red",
        annotation_text=f"retrain signal PSI {p.monitoring.psi}",
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
