"""The retraining contract as every reader shows it: the report, the API's
``/segments`` and the app all read it through :func:`retraining_contract`, from the
run's ``maintenance_recommendation`` (its ``headline`` is
``stability.periods.headline``), so they cannot say different things."""

from __future__ import annotations

from typing import Any


def retraining_contract(rec: dict[str, Any]) -> dict[str, Any]:
    """The headline, the period and its interval (weeks; ``None`` when no period is
    recommended), whether it is censored, what disjoint samples of as many customers
    gave (``sample_size``: the measured figures the headline's note is read from,
    ``stability.sample_size``), the monitoring signals and the triggers for an early
    retrain."""
    unstable = rec.get("intrinsic_stability", {}).get("unstable", False)
    recommended = bool(rec.get("recommended", not unstable)) and (
        rec.get("retrain_period_weeks") is not None
    )
    return {
        "headline": rec["headline"],
        "recommended": recommended,
        "period_weeks": rec.get("retrain_period_weeks") if recommended else None,
        "interval_weeks": (
            rec.get("retrain_period_interval_weeks") if recommended else None
        ),
        "censored": bool(rec.get("censored")),
        "sample_size": rec.get("sample_size") if recommended else None,
        "signals": [
            {
                "name": name,
                "threshold": signal["threshold"],
                "first_fired_days": signal["first_fired_days"],
                "max_observed": signal["max_observed"],
            }
            for name, signal in rec.get("monitoring_signals", {}).items()
        ],
        "triggers": list(rec.get("early_retrain_triggers", [])),
    }
