"""The pymc-marketing models behind customer value, fitted by MAP.

A purchase model of the BG/NBD family (``BetaGeoModel`` or ``ModifiedBetaGeoModel``)
gives each person's probability of being alive and expected purchases; the
Gamma-Gamma model (``GammaGammaModel``) their expected order value. Both are fitted
by maximum a posteriori (``fit(method="map")``, scipy's optimiser on the package's
default priors) and persisted as the package does, as their ``InferenceData``
(``build_from_idata`` rebuilds them): the fitted model objects themselves do not
pickle.

Time is counted in weeks: the default priors of the purchase models are scaled for
it (``alpha ~ Weibull(2, 10)``), and with days they would pull the fit.

When a model cannot be fitted (too few repeat buyers for Gamma-Gamma, a fit that
fails or ends on non-finite parameters), a :class:`Fallback` stands in for its
``InferenceData``: the population's mean order value for spend, no figure (NaN) for
purchases; ``customer_value`` names in every row which model gave the figures and why.

pymc-marketing imports pymc and pytensor (seconds), so it is imported on first use,
not when Kedro loads the pipelines.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

WEEK_DAYS = 7
HORIZON_DAYS = 90
KEY = "person_key"
PURCHASE_MODELS = {
    "modified_beta_geo": "ModifiedBetaGeoModel",
    "beta_geo": "BetaGeoModel",
}
SPEND_MODEL = "GammaGammaModel"
GAMMA_GAMMA = "Gamma-Gamma"
#: The spend fallback: the mean value of every purchase known at the snapshot.
MEAN_ORDER_VALUE = "mean order value"
#: No purchase model could be fitted: no P(alive), purchases or spend.
NO_PURCHASE_MODEL = "none"
#: How a fit fails (pymc's SamplingError is a RuntimeError, numpy's LinAlgError a
#: ValueError); a :class:`Fallback` stands in for the model then.
FIT_ERRORS = (ValueError, RuntimeError, ArithmeticError)


@dataclasses.dataclass(frozen=True)
class Fallback:
    """Stands in for a model that could not be fitted: what gives the figures
    instead (``model_type``), why (``reason``) and, for spend, the order value used."""

    model_type: str
    reason: str
    order_value: float = math.nan


def model_type(fit: Any) -> str:
    """The name of what gives a fit's figures: ``BG/NBD``, ``MBG/NBD``,
    ``Gamma-Gamma`` or a fallback's ``model_type``."""
    if isinstance(fit, Fallback):
        return fit.model_type
    kind = fit.attrs["model_type"]
    return GAMMA_GAMMA if kind.startswith(GAMMA_GAMMA) else kind


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence what no user can act on: ArviZ's notice of its coming refactor, and
    pytensor's advice to link BLAS (these models do no linear algebra)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="ArviZ is undergoing")
        warnings.filterwarnings("ignore", message="PyTensor could not link to a BLAS")
        yield


def pymc_clv() -> Any:
    """``pymc_marketing.clv``, imported on first use."""
    with _quiet():
        import pymc_marketing.clv  # noqa: PLC0415  (heavy: pymc, pytensor)
    return pymc_marketing.clv


def _model_class(name: str) -> Any:
    return getattr(pymc_clv(), name)


def _package_frame(history: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``history`` with the package's ``customer_id`` column name."""
    return history.rename(columns={KEY: "customer_id"})[["customer_id", *columns]]


def _per_person(values: Any, person_keys: pd.Series) -> np.ndarray:
    """A prediction (chain, draw, customer_id) as one value per person, in the order
    of ``person_keys`` (the package may reorder its customer coordinate)."""
    series = values.mean(("chain", "draw")).to_series()
    return series.reindex(person_keys.to_numpy()).to_numpy(dtype="float64")


def fit_purchase_model(history: pd.DataFrame, purchase_model: str) -> Any:
    """The fitted purchase model's ``InferenceData`` (``frequency``, ``recency``,
    ``T`` of every person, in weeks)."""
    model = _model_class(PURCHASE_MODELS[purchase_model])()
    with _quiet():
        model.fit(
            data=_package_frame(history, ["frequency", "recency", "T"]),
            method="map",
            progressbar=False,
        )
    fitted = fitted_parameters(model.idata)
    if not all(math.isfinite(value) for value in fitted.values()):
        raise ValueError(
            f"purchase_history: the {model.idata.attrs['model_type']} fit on "
            f"{len(history)} persons ended on non-finite parameters {fitted}"
        )
    logger.info(
        "%s fitted by MAP on %d persons: %s",
        model.idata.attrs["model_type"],
        len(history),
        fitted,
    )
    return model.idata


def fit_spend_model(history: pd.DataFrame, min_repeat_buyers: int) -> Any:
    """The fitted Gamma-Gamma model's ``InferenceData``, on the persons with a repeat
    purchase of positive value (the model's own convention: repeat orders only).

    Raises ``ValueError`` when fewer than ``min_repeat_buyers`` persons qualify, or
    when the fit has no finite mean order value (``q <= 1``).
    """
    repeat = history[(history["frequency"] > 0) & (history["monetary_value"] > 0)]
    if len(repeat) < min_repeat_buyers:
        raise ValueError(
            f"purchase_history: {len(repeat)} person(s) with a repeat purchase "
            f"(frequency > 0, monetary_value > 0); the Gamma-Gamma spend model needs "
            f"at least clv.min_repeat_buyers = {min_repeat_buyers}"
        )
    model = _model_class(SPEND_MODEL)()
    with _quiet():
        model.fit(
            data=_package_frame(repeat, ["frequency", "monetary_value"]),
            method="map",
            progressbar=False,
        )
    fitted = fitted_parameters(model.idata)
    if fitted["q"] <= 1:
        raise ValueError(
            f"purchase_history: the Gamma-Gamma fit on {len(repeat)} repeat buyers has "
            f"q = {fitted['q']:.3f} <= 1, so no finite mean order value"
        )
    logger.info(
        "Gamma-Gamma fitted by MAP on %d repeat buyers: %s", len(repeat), fitted
    )
    return model.idata


def mean_order_value(history: pd.DataFrame) -> float:
    """The mean value of every purchase (day) of ``history``, first ones included:
    what Gamma-Gamma gives a person without a repeat purchase, estimated without it."""
    return float(history["total_value"].sum() / (history["frequency"] + 1).sum())


def fitted_parameters(idata: Any) -> dict[str, float]:
    """The point estimates of a MAP fit, by name."""
    posterior = idata.posterior
    return {
        name: round(float(posterior[name].mean()), 6)
        for name in posterior.data_vars
        if posterior[name].size == 1
    }


def _rebuild(idata: Any) -> Any:
    kind = idata.attrs["model_type"]
    names = {"BG/NBD": "BetaGeoModel", "MBG/NBD": "ModifiedBetaGeoModel"}
    name = names.get(kind, SPEND_MODEL)
    with _quiet():
        return _model_class(name).build_from_idata(idata)


def _expected_purchases(model: Any, history: pd.DataFrame, days: float) -> np.ndarray:
    frame = _package_frame(history, ["frequency", "recency", "T"])
    return _per_person(
        model.expected_purchases(frame, future_t=days / WEEK_DAYS), history[KEY]
    )


def expected_purchases(
    purchase_idata: Any, history: pd.DataFrame, days: float
) -> np.ndarray:
    """Each person's expected purchases over the next ``days`` days."""
    return _expected_purchases(_rebuild(purchase_idata), history, days)


def customer_value(
    purchase_fit: Any, spend_fit: Any, history: pd.DataFrame
) -> pd.DataFrame:
    """``p_alive``, ``expected_purchases_90d``, ``expected_order_value`` and
    ``expected_spend_90d`` (the two multiplied) of every person of ``history``, with
    ``purchase_model``, ``spend_model`` (what gave the figures) and
    ``fallback_reason`` (why a model was not used; null when both were).

    A fit is an ``InferenceData`` or a :class:`Fallback`: the spend fallback's order
    value is the same for everyone; without a purchase model the figures are NaN."""
    persons = history[KEY]
    nothing = np.full(len(history), np.nan)
    if isinstance(purchase_fit, Fallback):
        p_alive, expected = nothing, nothing
    else:
        purchases = _rebuild(purchase_fit)
        frame = _package_frame(history, ["frequency", "recency", "T"])
        p_alive = _per_person(purchases.expected_probability_alive(frame), persons)
        expected = _expected_purchases(purchases, history, HORIZON_DAYS)
    if isinstance(spend_fit, Fallback):
        order_value = np.full(len(history), spend_fit.order_value)
    else:
        order_value = _per_person(
            _rebuild(spend_fit).expected_customer_spend(
                _package_frame(history, ["frequency", "monetary_value"])
            ),
            persons,
        )
    reasons = [f.reason for f in (purchase_fit, spend_fit) if isinstance(f, Fallback)]
    return pd.DataFrame(
        {
            KEY: persons.to_numpy(),
            "p_alive": p_alive,
            "expected_purchases_90d": expected,
            "expected_order_value": order_value,
            "expected_spend_90d": expected * order_value,
            "purchase_model": model_type(purchase_fit),
            "spend_model": model_type(spend_fit),
            "fallback_reason": "; ".join(reasons) if reasons else None,
        }
    )
