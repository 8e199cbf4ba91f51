"""The maintenance contract in plain words, from ``maintenance_recommendation``.

It separates re-scoring (the frozen model applied to fresh features: cheap and
frequent, because recency changes every day) from retraining (refitting the model,
when a fresh fit would put too many customers elsewhere), gives the period with its
interval, sets this project's agreement curve beside the published one, and
recommends no period at all when the model is not stable against itself.
Keys the stability pipeline writes only in some versions (band, interval,
re-scoring, published curve, monitoring signals) are shown when present.
"""

from __future__ import annotations

from typing import Any

from .contract import retraining_contract


def _weeks(days: Any) -> str:
    return f"{int(days) / 7:g}"


def curve_rows(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per horizon: this project's ARI, its band, the published ARI."""
    bands = rec.get("ari_band_by_horizon") or {}
    published = (rec.get("published") or {}).get("ari_by_horizon", {})
    horizons = sorted(
        {int(d) for d in rec["ari_by_horizon"]} | {int(d) for d in published}
    )
    rows = []
    for days in horizons:
        ari = rec["ari_by_horizon"].get(str(days), rec["ari_by_horizon"].get(days))
        band = bands.get(str(days), bands.get(days))
        reference = published.get(str(days), published.get(days))
        rows.append(
            {
                "weeks": _weeks(days),
                "ari": None if ari is None else f"{ari:.3f}",
                "band": None if band is None else f"{band[0]:.3f}\u2013{band[1]:.3f}",
                "published": None if reference is None else f"{reference:.2f}",
            }
        )
    return rows


def comparison_sentence(rec: dict[str, Any], features: list[str]) -> str | None:
    """How this project's curve compares with the published one, and why it may
    differ."""
    published = rec.get("published")
    if not published:
        return None
    ours = {int(d): float(a) for d, a in rec["ari_by_horizon"].items()}
    theirs = {int(d): float(a) for d, a in published["ari_by_horizon"].items()}
    common = sorted(set(ours) & set(theirs))
    if not common:
        return (
            f"The published curve ({published['source']}) has no horizon in common "
            "with this run's snapshots."
        )
    gap = sum(ours[d] - theirs[d] for d in common) / len(common)
    if abs(gap) < 0.03:
        verdict = "close to the published one"
    elif gap > 0:
        verdict = "above the published one: these segments stay valid for longer"
    else:
        verdict = "below the published one: these segments go stale faster"
    return (
        f"Over {_weeks(common[0])} to {_weeks(common[-1])} weeks this project's "
        f"agreement is {verdict} (mean difference {gap:+.2f}). The published curve "
        f"({published['source']}) comes from other data and another model; this "
        f"one segments on {', '.join(features)}, so a difference in level says how "
        "fast these features move, not that one of the two is wrong."
    )


def _intrinsic_sentence(intrinsic: dict[str, Any]) -> str:
    bootstrap = intrinsic.get("bootstrap_ari_median")
    text = (
        "Refitted on the same customers with other random seeds, the model agrees "
        f"with itself at a median ARI of {intrinsic['seed_ari_median']:.3f}"
    )
    if bootstrap is not None:
        text += f", and refitted on resamples of the customers at {bootstrap:.3f}"
    threshold = intrinsic["threshold"]
    if intrinsic["unstable"]:
        verdict = f"below the {threshold} a reliable period needs"
    elif bootstrap is not None and bootstrap < threshold:
        verdict = (
            f"the seeds reach the {threshold} a reliable period needs, the resamples "
            "do not: another sample of as many customers would give partly other "
            "segments, which the interval carries"
        )
    else:
        verdict = f"at or above the {threshold} a reliable period needs"
    return f"{text}: {verdict}."


def _withheld(rec: dict[str, Any]) -> bool:
    """No period: the model's settings are unstable at every reference date."""
    return not rec.get("recommended", not rec["intrinsic_stability"]["unstable"])


def _origins_sentence(rec: dict[str, Any]) -> str:
    """From which reference dates the period was read, and which were left out."""
    origins = rec.get("origins") or []
    if len(origins) < 2:
        return ""
    used = [o for o in origins if not o["unstable"]]
    text = (
        " The same comparison was repeated from every reference date, since the "
        "season a model is trained in changes how fast its segments age; the period "
        "is the median of "
        + ", ".join(f"{o['period_weeks']:g} weeks from {o['t0']}" for o in used)
    )
    left = [o for o in origins if o["unstable"]]
    if left:
        text += (
            "; left out, the model not being stable on the customers known then: "
            + ", ".join(f"{o['t0']} ({o['n_persons']:,} customers)" for o in left)
        )
    return text + "."


def _rescoring(rec: dict[str, Any]) -> dict[str, str] | None:
    """A title with the cadence, and what re-scoring costs and moves."""
    rescoring = rec.get("rescoring")
    if not rescoring:
        return None
    persons = rescoring.get("persons_at_last_snapshot")
    for_whom = f" for {persons:,} customers" if persons else ""
    text = (
        f"About {rescoring['cost_seconds']:.2g} s{for_whom}: "
        f"{rescoring['what'].rstrip('.')}."
    )
    moved = rescoring.get("moved_share_per_step_median")
    if moved is not None:
        share = "under 0.1%" if moved < 0.001 else f"about {moved:.1%}"
        text += (
            f" At each re-scoring {share} of the customers change segment, with no "
            "retraining."
        )
    return {"title": f"Re-score every {rescoring['cadence_days']} days", "text": text}


def _retraining(rec: dict[str, Any]) -> str:
    intrinsic = rec["intrinsic_stability"]
    if _withheld(rec):
        return (
            "The model gives different segments when it is simply refitted on the "
            "same customers, so a retraining period measured on it would measure "
            "the noise of the fit, not how customers change. "
            + _intrinsic_sentence(intrinsic)
            + " The data team has to choose a stable specification before a period "
            "can be recommended; until then, re-score with the current model and "
            "do not plan campaigns on segment changes alone."
        )
    threshold = rec.get("ari_threshold")
    period = rec.get("retrain_period_weeks")
    if period is None:
        return "The stability analysis did not measure a period."
    censored = bool(rec.get("censored"))
    limit = (
        f" (adjusted Rand index {'at or above' if censored else 'below'} "
        f"{threshold}; 1 means identical segments)"
        if threshold is not None
        else ""
    )
    if censored:
        return (
            f"Retrain, that is fit the model again on fresh data, every {period:g} "
            f"weeks or less often: over the {period:g} weeks observed, a freshly "
            f"trained model kept agreeing with the frozen one{limit}, so a longer "
            "period may hold too; retrain earlier if a monitoring signal below fires."
        )
    return (
        f"Retrain, that is fit the model again on fresh data, every {period:g} "
        "weeks: after that, a freshly trained model would put too many customers "
        f"in other segments than the frozen one{limit}."
    )


def maintenance_content(rec: dict[str, Any], features: list[str]) -> dict[str, Any]:
    """Everything the report says about keeping the segments valid."""
    intrinsic = rec["intrinsic_stability"]
    withheld = _withheld(rec)
    cost = rec.get("retrain_cost")
    contract = retraining_contract(rec)
    return {
        "recommended": contract["recommended"],
        "unstable": withheld,
        "headline": contract["headline"],
        "rescoring": _rescoring(rec),
        "retraining": _retraining(rec),
        "intrinsic": _intrinsic_sentence(intrinsic),
        "curve": curve_rows(rec),
        "has_band": bool(rec.get("ari_band_by_horizon")),
        "published_source": (rec.get("published") or {}).get("source"),
        "comparison": comparison_sentence(rec, features),
        "schedule": rec.get("schedule"),
        # An unstable model's caveat says what "retraining" already says.
        "caveat": None if withheld else rec.get("caveat"),
        "measured": (
            f"A model frozen at {rec['t0']} was compared every {rec['step_days']} "
            f"days ({rec['n_snapshots']} snapshots) with a model retrained on that "
            "day's data, on the same customers"
            + (f", features over the {rec['window']}." if rec.get("window") else ".")
            + _origins_sentence(rec)
            if {"t0", "step_days", "n_snapshots"} <= set(rec)
            else None
        ),
        "signals": contract["signals"],
        "triggers": contract["triggers"],
        "sample_size": contract["sample_size"],
        "retrain_cost": (
            f"{cost['median_seconds']:.1f} s (median; at most "
            f"{cost['max_seconds']:.1f} s) for {cost['persons_at_last_snapshot']:,} "
            f"customers: {cost['what']}."
            if cost
            else None
        ),
    }
