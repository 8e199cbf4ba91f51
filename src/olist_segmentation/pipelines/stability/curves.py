"""The curves the stability analysis follows, and what each still needs.

A curve starts at a reference date (T0 or a later origin): its frozen model is the
fit of that date, its cohort the persons known then, and at every later snapshot it
compares the frozen single fit with the date's refit (``ari_cohort``) and each
frozen bootstrap replicate b with the date's replicate b (``ari_boot_<b>``). Its
:class:`Settling` says which of its curves (the median, each pair) have dropped
for good; a pair's refit at a date is fitted only while some curve that
uses it is still unsettled (:meth:`Curve.pairs_needed`, read by :mod:`.fits`).

:class:`SharedLabels` predicts each (date, model) once over every person of the date:
the refit of a date and its replicates are compared by every curve that follows the
date, each over its own cohort.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from .params import StabilityParams
from .snapshots import ari, assign, band_of

_BAND = ("ari_median", "ari_low", "ari_high")


class Settling:
    """Which curves from one reference date have dropped for good: the median and
    every bootstrap pair's own curve, each settled once it has stayed below
    ``ari_threshold`` for ``sustain_snapshots`` snapshots in a row. (The period is
    read from the median, its interval from the pairs' own periods: the band's edges
    are drawn, not read, so they do not keep a curve followed.)"""

    def __init__(self, params: StabilityParams) -> None:
        self.params = params
        self.below = np.zeros(1 + params.bootstraps, dtype=int)
        self.settled = np.zeros(1 + params.bootstraps, dtype=bool)

    def pairs_needed(self) -> list[int]:
        """The pairs whose ARI the next snapshot must measure: every pair while the
        median (which reads them all) is unsettled, then the pairs whose own curve
        is."""
        if self.done:
            return []
        if not self.settled[0]:
            return list(range(self.params.bootstraps))
        return [int(b) for b in np.flatnonzero(~self.settled[1:])]

    def add(self, single: float, pairs: dict[int, float]) -> dict[str, float]:
        """Take one snapshot's single-refit ARI and the pairs measured (pair ->
        ARI); the median and band over the single refit and every pair, NaN when
        some pair was not measured (its curve and the median had settled)."""
        values = [pairs.get(b, np.nan) for b in range(self.params.bootstraps)]
        curves = (
            band_of([single, *values], self.params.band_quantiles)
            if len(pairs) == self.params.bootstraps
            else dict.fromkeys(_BAND, np.nan)
        )
        low = np.array([curves["ari_median"], *values]) < self.params.ari_threshold
        self.below = np.where(low, self.below + 1, 0)
        self.settled |= self.below >= self.params.sustain_snapshots
        return curves

    @property
    def done(self) -> bool:
        """Every curve has settled: later snapshots cannot change the period."""
        return bool(self.settled.all())


class SharedLabels:
    """The labels of one snapshot date, each (date, model) predicted once over every
    person of the date; ``predictions`` and ``rows`` count what was predicted."""

    def __init__(self, features: pd.DataFrame) -> None:
        self.features = features
        self._labels: dict[int, pd.Series] = {}
        self.predictions = 0
        self.rows = 0

    def of(self, model: BaseEstimator) -> pd.Series:
        """Segment of every person of the date under ``model`` (predicted once)."""
        key = id(model)
        if key not in self._labels:
            self._labels[key] = self.on(model, self.features)
        return self._labels[key]

    def on(self, model: BaseEstimator, rows: pd.DataFrame) -> pd.Series:
        """Segment of ``rows`` under ``model``: a prediction used by one curve."""
        self.predictions += 1
        self.rows += len(rows)
        return assign(model, rows)


class Curve:
    """One reference date's frozen fits compared with the refits of its later
    ``dates``.

    ``full_history`` (T0's curve) keeps comparing the single refit at every later
    date once its pairs have settled: the snapshot table, its signals and re-scoring
    are read from the whole history after T0."""

    def __init__(
        self,
        origin: str,
        frozen: dict[str, Any],
        features: pd.DataFrame,
        params: StabilityParams,
        *,
        dates: set[str],
        full_history: bool = False,
    ) -> None:
        self.origin = origin
        self.dates = dates
        self.frozen = frozen
        self.cohort = pd.Index(features["person_key"])
        self.settling = Settling(params)
        self.full_history = full_history
        self.rows: list[dict[str, Any]] = []

    def follows(self, date: str) -> bool:
        """Whether ``date`` (one of the curve's ``dates`` after its origin) still
        adds to this curve."""
        return date in self.dates and (self.full_history or not self.settling.done)

    def pairs_needed(self) -> list[int]:
        return self.settling.pairs_needed()

    def compare(
        self, date: str, refitted: dict[str, Any], shared: SharedLabels
    ) -> None:
        """Add the row of ``date``: the frozen fits against the date's refits over
        the cohort's persons, the pairs those the curve still needs."""
        needed = self.pairs_needed()
        features = shared.features
        in_cohort = features["person_key"].isin(self.cohort).to_numpy()
        members = features.loc[in_cohort]

        def frozen_labels(model: BaseEstimator) -> pd.Series:
            if self.full_history and model is self.frozen["model"]:
                return shared.of(model)[in_cohort]
            return shared.on(model, members)

        single = ari(
            frozen_labels(self.frozen["model"]),
            shared.of(refitted["model"])[in_cohort],
        )
        pairs = {
            b: ari(
                frozen_labels(self.frozen["replicates"][b]),
                shared.of(refitted["replicates"][b])[in_cohort],
            )
            for b in needed
        }
        curves = self.settling.add(single, pairs)
        horizon = (pd.Timestamp(date) - pd.Timestamp(self.origin)).days
        self.rows.append(
            {
                "date": pd.Timestamp(date),
                "horizon_days": int(horizon),
                "n_cohort": int(in_cohort.sum()),
                "ari_cohort": single,
                **{
                    f"ari_boot_{b}": pairs.get(b, np.nan)
                    for b in range(self.settling.params.bootstraps)
                },
                **curves,
            }
        )

    def table(self) -> pd.DataFrame:
        """The rows compared so far, one per later snapshot date."""
        return pd.DataFrame(self.rows)
