"""The words segment profiles are written in: a data table, no logic.

Two tables, read by ``naming.py``:

- ``ARCHETYPES``: the RFM grid. A segment's level on recency, frequency and
  monetary value picks its base name and its suggested action, in the words RFM
  marketing uses ("recent big spenders", "at-risk big spenders", "loyal repeat
  buyers", "dormant one-time buyers").
- ``EXPERIENCES``: satisfaction and delivery, a phrase after the name
  ("... unhappy after a late delivery") whose action comes first.

The sentences of single traits are in ``trait_words.py``.
"""

from __future__ import annotations

from typing import NamedTuple

RECENCY = "recency_days"
FREQUENCY = "frequency"
MONETARY = ("monetary", "avg_order_value")
# Features that read as "unhappy" when high (bad reviews) or low (mean score), and
# as "late" when high.
UNHAPPY = {"review_score_mean": "low", "bad_review_share": "high"}
LATE = {"late_share": "high", "delivery_delay_days_mean": "high"}


class Archetype(NamedTuple):
    """A base name and its suggested action."""

    name: str
    action: str


# (recency, frequency, monetary) -> Archetype, each level "" when unremarkable.
# recency: "recent" | "dormant"; frequency: "repeat" | "one-time" ("one-time" only
# when frequency is modelled, the segment has no more repeat buyers than the base
# and its value is unremarkable: "recent big spenders" says enough); monetary:
# "high" | "low".
ARCHETYPES: dict[tuple[str, str, str], Archetype] = {
    ("recent", "repeat", "high"): Archetype(
        "loyal big spenders",
        "VIP treatment: early access to new collections, free shipping, and a "
        "referral reward; never discount them",
    ),
    ("recent", "repeat", ""): Archetype(
        "loyal repeat buyers",
        "loyalty programme: points on every order and early access to promotions; "
        "ask for reviews and referrals",
    ),
    ("recent", "repeat", "low"): Archetype(
        "loyal small-basket buyers",
        "loyalty points that unlock at a basket size just above their usual one",
    ),
    ("", "repeat", "high"): Archetype(
        "big-spending repeat buyers",
        "premium assortment and a personal account manager for their categories",
    ),
    ("", "repeat", ""): Archetype(
        "repeat buyers",
        "loyalty programme: points on every order and a reminder when they are "
        "due to reorder",
    ),
    ("", "repeat", "low"): Archetype(
        "small-basket repeat buyers",
        "bundles of their usual products with a free-shipping threshold",
    ),
    ("dormant", "repeat", "high"): Archetype(
        "at-risk loyal big spenders",
        "personal win-back: a call or e-mail from customer service with a 15% "
        "coupon on their favourite categories, valid two weeks",
    ),
    ("dormant", "repeat", ""): Archetype(
        "lapsing repeat buyers",
        "win-back e-mail reminding them of past favourites, with a time-limited coupon",
    ),
    ("dormant", "repeat", "low"): Archetype(
        "lapsing small-basket buyers",
        "win-back e-mail with free shipping on their next order",
    ),
    ("recent", "one-time", ""): Archetype(
        "recent one-time buyers",
        "onboarding series: a welcome e-mail and a second-order coupon valid 30 days",
    ),
    ("", "one-time", ""): Archetype(
        "one-time buyers",
        "a second-order coupon in the regular newsletter; test offers to find what "
        "moves them",
    ),
    ("dormant", "one-time", ""): Archetype(
        "dormant one-time buyers",
        "one low-cost automated win-back e-mail with a coupon; drop them from paid "
        "campaigns if they do not respond",
    ),
    ("recent", "", "high"): Archetype(
        "recent big spenders",
        "thank them within a week and invite them to the loyalty programme with "
        "complementary premium products, to earn a second order",
    ),
    ("recent", "", ""): Archetype(
        "recent customers",
        "cross-sell while the purchase is fresh: complementary products within "
        "two weeks",
    ),
    ("recent", "", "low"): Archetype(
        "recent small-basket buyers",
        "second-order coupon with a free-shipping threshold just above their basket",
    ),
    ("", "", "high"): Archetype("big spenders", "premium assortment and VIP service"),
    ("", "", "low"): Archetype(
        "small-basket buyers",
        "bundles and free-shipping thresholds to lift the basket",
    ),
    ("dormant", "", "high"): Archetype(
        "at-risk big spenders",
        "win-back campaign before they are lost: a 15% coupon on their past "
        "category, valid two weeks",
    ),
    ("dormant", "", ""): Archetype(
        "dormant customers",
        "win-back campaign with a time-limited coupon",
    ),
    ("dormant", "", "low"): Archetype(
        "dormant small-basket buyers",
        "one automated reactivation e-mail with free shipping; no paid media",
    ),
}
# The archetype of a segment unremarkable on recency, frequency and value.
NEUTRAL = Archetype(
    "mainstream customers",
    "keep in the regular newsletter; test offers to find what moves them",
)

# (late, unhappy) -> (phrase after the name, action that comes first).
EXPERIENCES: dict[tuple[bool, bool], Archetype] = {
    (True, True): Archetype(
        "unhappy after a late delivery",
        "service recovery within a week: an apology and a goodwill voucher for "
        "the next order; review the carriers on their routes",
    ),
    (True, False): Archetype(
        "hit by late deliveries",
        "proactive delivery updates on their next order and a small goodwill "
        "voucher; review the carriers on their routes",
    ),
    (False, True): Archetype(
        "unhappy with their orders",
        "a customer-service call to find what went wrong, and a goodwill voucher",
    ),
}
