"""Stability over time: a model frozen at T0 against refits at later snapshots.

The adjusted Rand index (ARI) compares, over the same persons aligned by
``person_key``, the frozen model M0 (a clone of ``segmentation_model`` fitted on the
features as of T0) with a refit Mk (another clone, fitted on the snapshot's
features). One such pair is one draw of a random quantity: the persons a sample
holds and the seed decide part of it. So every snapshot also compares
``bootstraps`` pairs (M0_b, Mk_b): replicate b draws persons with replacement once
(:func:`.snapshots.bootstrap_draws`), M0_b and Mk_b are fitted with seed b + 1 on
those persons' features as of T0 and as of the snapshot. Each replicate is another
sample of the same business, followed through time; their spread is the band around
the ARI point and, in :mod:`.recommendation`, the interval of the period. Every fit
is made once, in :mod:`.fits`; the nodes here assign and compare.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pandas as pd
from sklearn.base import BaseEstimator

from olist_segmentation.pipelines.modelling.model_ops import (
    features_of,
    intrinsic_agreement,
)

from .params import StabilityParams
from .signals import mix_shift, mix_shift_chance
from .snapshots import ari, assign, psi, shares

logger = logging.getLogger(__name__)


def measure_intrinsic_stability(
    snapshot_features: dict[str, pd.DataFrame],
    fits: dict[str, dict[str, Any]],
    plan: dict[str, Any],
    params: StabilityParams,
) -> dict[str, Any]:
    """:func:`intrinsic_at` the stability T0."""
    return intrinsic_at(snapshot_features[plan["t0"]], fits[plan["t0"]], params)


def gate(seed_median: float, bootstrap_median: float, params: StabilityParams) -> dict:
    """Whether a reference date is read, from its intrinsic medians.

    ``unstable`` (the date is left out): the seed refits of the same persons disagree
    (median below ``intrinsic_ari_threshold``), so an ARI drop over time may be a
    jump between optima; or the bootstrap resamples alone fall below
    ``ari_threshold``, the agreement the period is read at, so another sample would
    move the segments further than the drop that ends the period. Otherwise a
    bootstrap median below ``intrinsic_ari_threshold`` flags the date
    ``resample_sensitive``: it is read (and named), because every bootstrap pair is
    such another sample followed through time and carries that spread into the
    period's interval (docs/stability.md, "Which reference dates")."""
    seeds, ari = params.intrinsic_ari_threshold, params.ari_threshold
    if seed_median < seeds:
        reason = f"seed_ari_median below {seeds}"
    elif bootstrap_median < ari:
        reason = f"bootstrap_ari_median below the ari_threshold {ari}"
    elif bootstrap_median < seeds:
        reason = (
            f"stable against its own seeds; bootstrap_ari_median below {seeds} "
            "(another sample of this size gives partly other segments)"
        )
    else:
        reason = "stable against its own seed and bootstrap resamples"
    return {
        "unstable": bool(seed_median < seeds or bootstrap_median < ari),
        "resample_sensitive": bool(ari <= bootstrap_median < seeds),
        "reason": reason,
    }


def intrinsic_at(
    features: pd.DataFrame, fit: dict[str, Any], params: StabilityParams
) -> dict[str, Any]:
    """ARI of the model's settings against themselves at a reference date: the
    refits with other seeds on the same persons (``fit["seed_models"]``), and the
    bootstrap replicates, each against the frozen model over every person of
    ``features``; whether the date is read (:func:`gate`)."""
    model = fit["model"]
    measured = intrinsic_agreement(
        model, fit["seed_models"], list(fit["replicates"].values()), features
    )
    seed_ari, bootstrap_ari = measured["seed_ari"], measured["bootstrap_ari"]
    read = gate(measured["seed_ari_median"], measured["bootstrap_ari_median"], params)
    result = {
        "n_persons": len(features),
        "seed_ari": seed_ari,
        "bootstrap_ari": bootstrap_ari,
        "seed_ari_median": measured["seed_ari_median"],
        "bootstrap_ari_median": measured["bootstrap_ari_median"],
        "min_ari": float(min(seed_ari + bootstrap_ari)),
        "threshold": params.intrinsic_ari_threshold,
        **read,
    }
    (logger.warning if read["unstable"] or read["resample_sensitive"] else logger.info)(
        "Intrinsic stability of %s: median ARI over seeds %.3f, over bootstraps %.3f "
        "(%s)",
        type(model).__name__,
        result["seed_ari_median"],
        result["bootstrap_ari_median"],
        read["reason"],
    )
    return result


def _joiner_baseline(
    orders: pd.DataFrame, reference_m0: pd.Series, t0: pd.Timestamp, step_days: int
) -> pd.Index:
    """The persons who joined during the step before T0: the like-for-like group the
    mix of later joiners is compared with (recent joiners look alike on recency)."""
    delivered = orders.loc[
        orders["is_delivered"], ["person_key", "delivered_customer_ts"]
    ]
    joined = delivered.groupby("person_key")["delivered_customer_ts"].min()
    recent = joined.index[joined > t0 - pd.Timedelta(days=step_days)]
    return recent.intersection(reference_m0.index)


def evaluate_snapshots(  # noqa: PLR0913 (the tables, fits, model and settings)
    *,
    orders: pd.DataFrame,
    snapshot_features: dict[str, pd.DataFrame],
    feature_seconds: dict[str, float],
    fits: dict[str, dict[str, Any]],
    curves: dict[str, Any],
    segmentation_model: BaseEstimator,
    plan: dict[str, Any],
    params: StabilityParams,
) -> pd.DataFrame:
    """One row per snapshot: ARI frozen vs refit with its band, new persons, drift,
    segment shares, and the cost of re-scoring and of retraining.

    ``ari_cohort`` is M0 against Mk over the persons known at T0 (aligned by
    ``person_key``); ``ari_boot_<b>`` the bootstrap pairs; ``ari_median``,
    ``ari_low`` and ``ari_high`` the median and ``band_quantiles`` of all of them,
    measured while T0's curves are unsettled (NaN after: :mod:`.curves`).
    ``ari_new`` is over the persons new since T0. ``share_m0_<s>`` are shares under
    M0, ``share_final_<s>`` under ``segmentation_model``, ``psi_<feature>`` the drift
    of each model feature. ``m0_step_churn`` is the share of persons whose M0
    segment changed since the previous snapshot (re-scoring moves them);
    ``recent_mix_shift`` the total variation distance between the M0 mix of the
    persons who joined since the previous snapshot and that of T0's joiners, and
    ``recent_mix_shift_chance`` what two groups of those sizes drawn from one mix
    give by chance (:mod:`.signals`).
    """
    t0 = pd.Timestamp(plan["t0"])
    reference_features = snapshot_features[plan["t0"]]
    reference_m0 = curves["labels"][plan["t0"]]["m0"]
    compared = curves["tables"][plan["t0"]].set_index("date")
    pair_columns = [c for c in compared.columns if c.startswith("ari_")]
    m0_segments = sorted(int(s) for s in reference_m0.unique())
    final_segments = sorted(
        int(s) for s in assign(segmentation_model, reference_features).unique()
    )
    reference_shares = shares(reference_m0, m0_segments, "share_m0_")
    t0_joiners = reference_m0.loc[
        _joiner_baseline(orders, reference_m0, t0, params.step_days)
    ]
    chance = params.monitoring.recent_mix_chance_quantile
    cohort = reference_m0.index
    previous = reference_m0
    rows = []
    start = time.perf_counter()
    for k, date in enumerate(plan["dates"]):
        features = snapshot_features[date]
        m0, mk = curves["labels"][date]["m0"], curves["labels"][date]["refit"]
        in_cohort = m0.index.isin(cohort)
        when = pd.Timestamp(date)
        measured = (
            compared.loc[when, pair_columns].to_dict()
            if when in compared.index
            else dict.fromkeys(pair_columns, float("nan"))
            | {"ari_cohort": ari(m0[in_cohort], mk[in_cohort])}
        )
        shares_m0 = shares(m0, m0_segments, "share_m0_")
        both = previous.index.intersection(m0.index)
        recent = m0[~m0.index.isin(previous.index)]
        row = {
            "snapshot": k,
            "date": pd.Timestamp(date),
            "horizon_days": int((pd.Timestamp(date) - t0).days),
            "n_persons": len(features),
            "n_cohort": int(in_cohort.sum()),
            "n_cohort_missing": int((~cohort.isin(m0.index)).sum()),
            "n_new": int((~in_cohort).sum()),
            "new_person_share": float((~in_cohort).mean()),
            **measured,
            "ari_new": ari(m0[~in_cohort], mk[~in_cohort]),
            "ari_all": ari(m0, mk),
            "m0_label_churn": float(
                (m0[in_cohort] != reference_m0.loc[m0.index[in_cohort]]).mean()
            ),
            "m0_step_churn": float((m0.loc[both] != previous.loc[both]).mean())
            if k
            else 0.0,
            "share_shift_max": max(
                abs(shares_m0[c] - reference_shares[c]) for c in reference_shares
            ),
            "features_seconds": feature_seconds[date],
            "predict_seconds": curves["labels"][date]["m0_seconds"],
            "refit_seconds": fits[date]["refit_seconds"],
            "n_recent": len(recent),
            "recent_mix_shift": mix_shift(recent, t0_joiners),
            "recent_mix_shift_chance": mix_shift_chance(recent, t0_joiners, chance),
        }
        drift = {
            f"psi_{f}": psi(reference_features[f], features[f], params.psi_bins)
            for f in features_of(segmentation_model)
        }
        row |= {"psi_max": max(drift.values())} | drift
        row |= shares_m0 | shares(
            assign(segmentation_model, features), final_segments, "share_final_"
        )
        rows.append(row)
        previous = m0
        logger.info(
            "Snapshot %d/%d %s: %d persons (%.0f%% new), ARI cohort %.3f "
            "(band %.3f-%.3f), max PSI %.2f, elapsed %.1f s",
            k,
            len(plan["dates"]) - 1,
            str(date)[:10],
            row["n_persons"],
            100 * row["new_person_share"],
            row["ari_median"],
            row["ari_low"],
            row["ari_high"],
            row["psi_max"],
            time.perf_counter() - start,
        )
    return pd.DataFrame(rows)
