"""Single traits in plain words: a data table, no logic.

- ``TRAITS``: one sentence per feature and direction for a segment's trait list,
  and a qualifier ("paying by boleto") that tells two segments of one RFM archetype
  apart (``naming.py``), with its action where it suggests one.
- ``MEAN_FEATURES``: the features whose statistic in a sentence is the mean.
- ``SUBGROUPS``: the small groups of real interest that are described inside a
  segment instead of being forced into a cluster of their own.
"""

from __future__ import annotations

from typing import NamedTuple


class Trait(NamedTuple):
    """One direction of one feature: a sentence, a qualifier and an action.

    ``text`` takes ``seg`` (the segment's statistic), ``base`` (the reference's)
    and ``ref`` (what the reference is: "base", "rest of the segment").
    """

    text: str
    qualifier: str = ""
    action: str = ""


TRAITS: dict[tuple[str, str], Trait] = {
    ("recency_days", "high"): Trait(
        "last order {seg:.0f} days before the snapshot (median; {ref} {base:.0f})",
        "inactive for a while",
    ),
    ("recency_days", "low"): Trait(
        "ordered recently: {seg:.0f} days before the snapshot (median; {ref} "
        "{base:.0f})",
        "who ordered recently",
    ),
    ("frequency", "high"): Trait(
        "{seg:.2f} delivered orders on average ({ref} {base:.2f})",
        "who come back",
    ),
    ("frequency", "low"): Trait(
        "one order each: {seg:.2f} delivered orders on average ({ref} {base:.2f})",
    ),
    ("monetary", "high"): Trait(
        "spent {seg:.0f} BRL in total (median; {ref} {base:.0f})",
        "with big baskets",
    ),
    ("monetary", "low"): Trait(
        "spent {seg:.0f} BRL in total (median; {ref} {base:.0f})",
        "with small baskets",
    ),
    ("avg_order_value", "high"): Trait(
        "{seg:.0f} BRL per order (median; {ref} {base:.0f})",
        "with big baskets",
    ),
    ("avg_order_value", "low"): Trait(
        "{seg:.0f} BRL per order (median; {ref} {base:.0f})",
        "with small baskets",
    ),
    ("review_score_mean", "low"): Trait(
        "mean review score {seg:.2f} ({ref} {base:.2f})",
        "unhappy with their orders",
        "a customer-service call to find what went wrong, and a goodwill voucher",
    ),
    ("review_score_mean", "high"): Trait(
        "mean review score {seg:.2f} ({ref} {base:.2f})",
        "happy with their orders",
        "ask for reviews and referrals",
    ),
    ("bad_review_share", "high"): Trait(
        "{seg:.0%} of their reviews are bad ({ref} {base:.0%})",
        "unhappy with their orders",
        "a customer-service call to find what went wrong, and a goodwill voucher",
    ),
    ("bad_review_share", "low"): Trait(
        "{seg:.0%} of their reviews are bad ({ref} {base:.0%})",
        "happy with their orders",
        "ask for reviews and referrals",
    ),
    ("delivery_delay_days_mean", "high"): Trait(
        "deliveries {seg:+.1f} days against the estimate ({ref} {base:+.1f})",
        "hit by late deliveries",
    ),
    ("delivery_delay_days_mean", "low"): Trait(
        "deliveries {seg:+.1f} days against the estimate ({ref} {base:+.1f})",
        "delivered early",
    ),
    ("late_share", "high"): Trait(
        "{seg:.0%} of their orders arrived late ({ref} {base:.0%})",
        "hit by late deliveries",
    ),
    ("late_share", "low"): Trait(
        "delivered on time: {seg:.0%} of their orders late ({ref} {base:.0%})",
        "delivered on time",
    ),
    ("delivery_days_mean", "high"): Trait(
        "{seg:.0f} days from purchase to delivery (median; {ref} {base:.0f})",
        "with slow deliveries",
        "offer faster shipping options and nearer sellers",
    ),
    ("distance_km_mean", "high"): Trait(
        "{seg:.0f} km from their sellers (median; {ref} {base:.0f})",
        "far from their sellers",
        "promote regional sellers and shipping discounts",
    ),
    ("installments_mean", "high"): Trait(
        "{seg:.1f} instalments on average ({ref} {base:.1f})",
        "paying in instalments",
        "interest-free instalment offers on higher-ticket items",
    ),
    ("installments_mean", "low"): Trait(
        "pay in few instalments: {seg:.1f} on average ({ref} {base:.1f})",
        "paying up front",
    ),
    ("share_boleto", "high"): Trait(
        "{seg:.0%} of their spend paid by boleto ({ref} {base:.0%})",
        "paying by boleto",
        "boleto/Pix discounts and a reminder before the slip expires",
    ),
    ("share_boleto", "low"): Trait(
        "pay by card or voucher: {seg:.0%} of their spend by boleto ({ref} {base:.0%})",
        "paying by card",
    ),
    ("share_voucher", "high"): Trait(
        "{seg:.0%} of their spend paid by voucher ({ref} {base:.0%})",
        "paying with vouchers",
        "targeted vouchers, watching the margin",
    ),
    ("share_voucher", "low"): Trait(
        "{seg:.0%} of their spend paid by voucher ({ref} {base:.0%})",
    ),
    ("share_debit_card", "high"): Trait(
        "{seg:.0%} of their spend paid by debit card ({ref} {base:.0%})",
        "paying by debit card",
        "cash-back offers on debit payments",
    ),
    ("share_credit_card", "high"): Trait(
        "{seg:.0%} of their spend paid by credit card ({ref} {base:.0%})",
        "paying by credit card",
    ),
    ("share_credit_card", "low"): Trait(
        "{seg:.0%} of their spend paid by credit card ({ref} {base:.0%})",
        "paying without a credit card",
    ),
    ("n_categories", "high"): Trait(
        "{seg:.1f} distinct categories on average ({ref} {base:.1f})",
        "buying across categories",
        "cross-category recommendations",
    ),
    ("tenure_days", "high"): Trait(
        "first order {seg:.0f} days before the snapshot (median; {ref} {base:.0f})",
        "customers for long",
        "anniversary rewards",
    ),
    ("tenure_days", "low"): Trait(
        "first order {seg:.0f} days before the snapshot (median; {ref} {base:.0f})",
        "new",
        "onboarding journey towards a second purchase",
    ),
    ("freight_share", "high"): Trait(
        "freight is {seg:.0%} of their spend ({ref} {base:.0%})",
        "paying much for freight",
        "free-shipping thresholds",
    ),
    ("items_per_order", "high"): Trait(
        "{seg:.1f} items per order on average ({ref} {base:.1f})",
        "with multi-item baskets",
        "bundle offers",
    ),
}
# Features whose plain-words statistic is the mean (shares, counts, scores); the
# others use the median.
MEAN_FEATURES = frozenset(
    {
        "frequency",
        "share_credit_card",
        "share_boleto",
        "share_voucher",
        "share_debit_card",
        "review_score_mean",
        "bad_review_share",
        "late_share",
        "review_share",
        "installments_mean",
        "n_categories",
        "items_per_order",
        "freight_share",
        "delivery_delay_days_mean",
    }
)


class Subgroup(NamedTuple):
    """Persons whose ``feature`` is at least ``minimum``: described, not clustered."""

    name: str
    feature: str
    minimum: float
    definition: str


SUBGROUPS = (
    Subgroup("repeat buyers", "frequency", 2.0, "at least two delivered orders"),
)
