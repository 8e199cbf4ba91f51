"""What another sample of as many customers would say about the period.

The contract's interval is read from one sample's bootstrap pairs; whether another
sample of the same size gives a period inside it was measured on disjoint samples
(``benchmarks/bench_sample_size.py``: halves and quarters of the real sample, disjoint
thinned copies of the synthetic default at 1, 2 and 4 times its size). Those figures
are ``stability.sample_size`` (the rows of ``benchmarks/results/sample_size.json``,
which ``tests/pipelines/stability/test_sample_size.py`` checks them against);
:func:`sample_size_note` reads them for this run's persons at T0.
"""

from __future__ import annotations

import math
from typing import Any

from .params import MeasuredAgreement, SampleSizeEvidence


def _about(persons: int) -> str:
    """Two significant figures: the measured sizes are medians of a few samples."""
    return f"{round(persons, 1 - int(math.log10(persons))):,}"


def _nearest(rows: list[MeasuredAgreement], persons: int) -> MeasuredAgreement:
    return min(rows, key=lambda r: abs(math.log(r.persons_t0 / persons)))


def _agreeing_from(rows: list[MeasuredAgreement]) -> MeasuredAgreement | None:
    """The smallest size from which samples of that size and every larger one
    measured agreed in every pair."""
    for i, row in enumerate(rows):
        if all(r.agreed == r.pairs for r in rows[i:]):
            return row
    return None


def sample_size_note(
    persons_t0: int, evidence: SampleSizeEvidence | None
) -> dict[str, Any] | None:
    """The measured agreement nearest this run's size, the size from which samples
    agreed in every pair, and the clause the headline carries (``None`` without
    evidence)."""
    if evidence is None:
        return None
    rows = sorted(evidence.by_size, key=lambda r: r.persons_t0)
    nearest, firm = _nearest(rows, persons_t0), _agreeing_from(rows)
    low, high = nearest.periods_weeks
    gave = f"all gave {low:g} weeks" if low == high else f"gave {low:g}-{high:g} weeks"
    clause = (
        f"disjoint samples of about {_about(nearest.persons_t0)} customers at the "
        f"first reference date {gave}, each inside the other's interval in "
        f"{nearest.agreed} of {nearest.pairs} pairs"
    )
    if firm is None:
        clause += "; no size measured agreed in every pair"
    elif firm.persons_t0 > nearest.persons_t0:
        clause += f"; from about {_about(firm.persons_t0)}, in every pair"
    return {
        "persons_t0": persons_t0,
        "nearest": nearest.model_dump(),
        "agree_from_persons_t0": None if firm is None else firm.persons_t0,
        "clause": clause,
        "source": evidence.source,
    }
