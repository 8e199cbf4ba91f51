"""Reviews (a step of ``generate_orders``): score driven by lateness and persona,
Portuguese comments, the real file's missing and repeated reviews."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import reference as ref
from .draws import DAY, STATUS, categorical_rows, hex_ids, text_int, text_time
from .params import SyntheticParams

# Review score pmfs (scores 1..5) of a happy and of a disappointed customer.
SCORES_HAPPY = np.array([0.02, 0.015, 0.08, 0.225, 0.66])
SCORES_UNHAPPY = np.array([0.75, 0.07, 0.07, 0.04, 0.07])


def _review_rows(
    rng: np.random.Generator, params: SyntheticParams, n: int
) -> np.ndarray:
    """The order (row of ``internal``) of every review: a few orders have none,
    a few have two or three."""
    reviewed = np.ones(n, dtype=bool)
    reviewed[rng.choice(n, min(n, params.count(768, rng)), replace=False)] = False
    copies = np.where(reviewed, 1, 0)
    with_review = np.flatnonzero(reviewed)
    second = rng.choice(
        with_review, min(len(with_review), params.count(547, rng)), replace=False
    )
    copies[second] += 1
    copies[second[: params.count(4, rng)]] += 1
    return np.repeat(np.arange(n), copies)


def _scores(
    rng: np.random.Generator, params: SyntheticParams, orders: pd.DataFrame
) -> np.ndarray:
    """Scores 1..5: late, failed and pending orders and unhappy personas score low."""
    delivered = orders["delivered"].to_numpy()
    delay_days = (delivered - orders["estimated"].to_numpy()) / DAY
    delay_days = np.nan_to_num(delay_days, nan=-30)
    # Real mean scores: about 4.2 when early, 2.6 when 2-5 days late, 1.6 when
    # more than 10 days late.
    lateness = np.where(delay_days > 0, np.clip(0.45 + 0.055 * delay_days, 0, 1), 0)
    unhappy = (
        rng.random(len(orders))
        < params.persona_array("unhappy_share")[orders["persona"].to_numpy()]
    )
    status = orders["status"].to_numpy()
    failed = np.isin(status, [STATUS["canceled"], STATUS["unavailable"]])
    pending = np.isnan(delivered) & ~failed
    weight_bad = np.where(
        failed,
        0.85,
        np.where(pending, 0.5, np.maximum(lateness, unhappy.astype(float))),
    )
    probs = (1 - weight_bad)[:, None] * SCORES_HAPPY + weight_bad[
        :, None
    ] * SCORES_UNHAPPY
    return categorical_rows(rng, probs) + 1


def _pick_text(
    rng: np.random.Generator, bad: np.ndarray, good_bad: tuple
) -> np.ndarray:
    """A random text of the bad list where ``bad``, of the good list elsewhere."""
    good, worse = good_bad
    m = len(bad)
    return np.where(
        bad,
        np.array(worse, dtype=object)[rng.integers(0, len(worse), m)],
        np.array(good, dtype=object)[rng.integers(0, len(good), m)],
    )


def _comments(
    rng: np.random.Generator, score: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Titles (12%) and messages (more often after a bad score), some in two parts."""
    m = len(score)
    bad = score <= 2
    titles = _pick_text(rng, bad, (ref.TITLES_GOOD, ref.TITLES_BAD))
    title = np.where(rng.random(m) < 0.12, titles, None)
    first = _pick_text(rng, bad, (ref.MESSAGES_GOOD, ref.MESSAGES_BAD))
    second_part = np.array(ref.MESSAGES_BAD + ref.MESSAGES_GOOD, dtype=object)[
        rng.integers(0, len(ref.MESSAGES_BAD) + len(ref.MESSAGES_GOOD), m)
    ]
    two = rng.random(m) < 0.25
    text = (
        pd.Series(first)
        .where(~two, pd.Series(first) + " " + pd.Series(second_part))
        .to_numpy()
    )
    p_message = np.select([score <= 2, score == 3], [0.75, 0.5], 0.3)
    return title, np.where(rng.random(m) < p_message, text, None)


def _review_ids(
    rng: np.random.Generator, params: SyntheticParams, order_id: np.ndarray
) -> np.ndarray:
    """Review ids; a few are shared by reviews of different orders, as in Kaggle's."""
    m = len(order_id)
    review_id = hex_ids(rng, m)
    reuse = rng.choice(m, min(m, params.count(814, rng)), replace=False)
    source = rng.choice(m, len(reuse))
    different = order_id[source] != order_id[reuse]
    review_id[reuse[different]] = review_id[source[different]]
    return review_id


def generate_reviews(internal: pd.DataFrame, params: SyntheticParams) -> pd.DataFrame:
    """The reviews file in Kaggle's format, shuffled."""
    rng = params.rng(7)
    row = _review_rows(rng, params, len(internal))
    m = len(row)
    orders = internal.iloc[row]
    score = _scores(rng, params, orders)
    delivered, estimated = (
        orders["delivered"].to_numpy(),
        orders["estimated"].to_numpy(),
    )
    created = np.where(np.isnan(delivered), estimated, delivered)
    created = created + rng.integers(0, 3, m) * DAY
    created -= created % DAY
    answered = created + rng.exponential(2.5 * DAY, m) + rng.uniform(0, DAY, m)
    title, message = _comments(rng, score)
    order_id = orders["order_id"].to_numpy()
    reviews = pd.DataFrame(
        {
            "review_id": _review_ids(rng, params, order_id),
            "order_id": order_id,
            "review_score": text_int(score),
            "review_comment_title": title,
            "review_comment_message": message,
            "review_creation_date": text_time(created, date_only=True),
            "review_answer_timestamp": text_time(answered),
        }
    )
    return reviews.iloc[rng.permutation(m)].reset_index(drop=True)
