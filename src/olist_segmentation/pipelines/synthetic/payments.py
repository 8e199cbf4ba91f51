"""Payment rows (a step of ``generate_orders``): type and instalments by persona,
vouchers split in many rows, and the real file's quirks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from olist_segmentation.domain import MODELLED_PAYMENT_TYPES

from . import reference as ref
from .draws import categorical_rows, choice, text_int, text_money
from .params import SyntheticParams

CREDIT, BOLETO, VOUCHER = (
    MODELLED_PAYMENT_TYPES.index(t) for t in ("credit_card", "boleto", "voucher")
)


def _payment_rows(
    rng: np.random.Generator, params: SyntheticParams, persona: np.ndarray
) -> dict[str, np.ndarray]:
    """Rows per order, their sequence and type: one row mostly; multi-row orders are
    one card row plus vouchers, vouchers only, or split cards."""
    n = len(persona)
    mix = np.array(
        [
            [p.payment_mix[t] for t in MODELLED_PAYMENT_TYPES]
            for p in params.personas.values()
        ]
    )
    kind = categorical_rows(rng, mix[persona])
    multi = rng.random(n) < params.persona_array("multi_payment_share")[persona]
    row_sizes = np.array(list(ref.PAYMENT_ROWS))
    row_weights = np.array(list(ref.PAYMENT_ROWS.values()), dtype=float)
    n_rows = np.where(
        multi,
        row_sizes[rng.choice(len(row_sizes), n, p=row_weights / row_weights.sum())],
        1,
    )
    style = rng.random(n)
    first_kind = np.where(
        multi & (kind == VOUCHER) & (style < 0.8),
        CREDIT,
        np.where(multi & (kind == BOLETO), CREDIT, kind),
    )
    other_kind = np.where(
        multi & (kind == CREDIT) & (style < 0.35),
        CREDIT,
        np.where(multi, VOUCHER, kind),
    )
    row_order = np.repeat(np.arange(n), n_rows)
    starts = np.concatenate([[0], np.cumsum(n_rows)[:-1]])
    seq = np.arange(len(row_order)) - starts[row_order] + 1
    return {
        "order": row_order,
        "seq": seq,
        "kind": np.where(seq == 1, first_kind[row_order], other_kind[row_order]),
        "n_rows": n_rows,
        "starts": starts,
    }


def _row_values(
    rng: np.random.Generator, value: np.ndarray, rows: dict[str, np.ndarray]
) -> np.ndarray:
    """Each row's share of its order's value, to the cent: vouchers carry most of a
    split order's value, card rows pay the remainder."""
    row_order, n = rows["order"], len(value)
    cents = np.round(value * 100).astype(np.int64)
    share = rng.gamma(np.where(rows["kind"] == VOUCHER, 2.0, 0.6), 1.0)
    total_share = np.bincount(row_order, weights=share, minlength=n)
    row_cents = np.floor(share / total_share[row_order] * cents[row_order]).astype(
        np.int64
    )
    remainder = cents - np.bincount(row_order, weights=row_cents, minlength=n).astype(
        np.int64
    )
    row_cents[rows["starts"]] += remainder
    return row_cents / 100


def _instalments(
    rng: np.random.Generator,
    params: SyntheticParams,
    persona: np.ndarray,
    rows: dict[str, np.ndarray],
    value: np.ndarray,
) -> np.ndarray:
    """Instalments of card rows, a couple of 0s; 1 otherwise. A plan of 6 or more
    is as likely as the persona's ``high_instalment_share`` at an order of 100 BRL,
    in proportion to the order's value (at most 90%)."""
    m = len(rows["order"])
    order = rows["order"]
    p_high = params.persona_array("high_instalment_share")[persona[order]]
    high = rng.random(m) < np.minimum(0.9, p_high * value[order] / 100)
    low_choice = choice(rng, ref.INSTALMENTS_LOW, m)
    high_choice = choice(rng, ref.INSTALMENTS_HIGH, m)
    # Each instalment is at least about 15 BRL.
    most = np.maximum(1, value[order] // 15)
    instalments = np.where(
        rows["kind"] == CREDIT,
        np.minimum(np.where(high, high_choice, low_choice), most),
        1,
    )
    card_rows = np.flatnonzero(rows["kind"] == CREDIT)
    instalments[
        rng.choice(card_rows, min(len(card_rows), params.count(2, rng)), replace=False)
    ] = 0
    return instalments


def _pick(rng: np.random.Generator, rows: np.ndarray, count: int) -> np.ndarray:
    """Up to ``count`` distinct entries of ``rows``."""
    return rng.choice(rows, min(len(rows), count), replace=False)


def generate_payments(internal: pd.DataFrame, params: SyntheticParams) -> pd.DataFrame:
    """Payment rows in Kaggle's format, shuffled."""
    rng = params.rng(6)
    n = len(internal)
    persona = internal["persona"].to_numpy()
    no_items = internal["n_items"].to_numpy() == 0
    price_median = params.persona_array("item_price_median")[persona]
    value = np.where(
        no_items,
        np.round(rng.lognormal(np.log(price_median * 1.2), 0.6), 2),
        internal["value"].to_numpy(),
    )
    rows = _payment_rows(rng, params, persona)
    row_order, seq, n_rows = rows["order"], rows["seq"], rows["n_rows"]
    row_value = _row_values(rng, value, rows)
    instalments = _instalments(rng, params, persona, rows, value)
    type_name = np.array(MODELLED_PAYMENT_TYPES, dtype=object)[rows["kind"]]
    split = n_rows[row_order] > 1
    row_value[
        _pick(
            rng, np.flatnonzero((rows["kind"] == VOUCHER) & split), params.count(6, rng)
        )
    ] = 0.0
    single_empty = np.flatnonzero(~split & no_items[row_order])
    undefined = _pick(rng, single_empty, params.count(3, rng))
    type_name[undefined] = "not_defined"
    row_value[undefined] = 0.0
    instalments[undefined] = 1
    gap_orders = _pick(rng, np.flatnonzero(n_rows > 1), params.count(80, rng))
    seq = np.where(np.isin(row_order, gap_orders), seq + 1, seq)
    keep = ~np.isin(
        row_order, rng.choice(n, min(n, params.count(1, rng)), replace=False)
    )
    payments = pd.DataFrame(
        {
            "order_id": internal["order_id"].to_numpy()[row_order],
            "payment_sequential": text_int(seq),
            "payment_type": type_name,
            "payment_installments": text_int(instalments),
            "payment_value": text_money(row_value),
        }
    )[keep]
    return payments.iloc[rng.permutation(len(payments))].reset_index(drop=True)
