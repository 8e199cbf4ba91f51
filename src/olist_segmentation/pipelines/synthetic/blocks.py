"""Persons and their orders, block by block (node ``generate_orders``).

A Kedro generator node: each block of persons is drawn whole (customers, orders,
items, payments, reviews) from its own random streams, and its rows are yielded
to the raw datasets, which append them; memory is that of one block. Kedro saves
a generator's chunks into datasets but cannot stream them from node to node (a
memory dataset keeps the last chunk only), so the steps of a block are this
node's functions rather than nodes of their own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pandas as pd

from .chunks import Chunk, released_once_saved
from .customers import generate_customers
from .orders import format_orders, simulate_orders
from .params import SyntheticParams
from .payments import generate_payments
from .reviews import generate_reviews

logger = logging.getLogger(__name__)


def generate_orders(
    zips: pd.DataFrame,
    sellers: pd.DataFrame,
    products: pd.DataFrame,
    params: SyntheticParams,
) -> Iterator[Chunk]:
    """Per block: the orders, customers, items, payments and reviews files and the
    persona truth of its persons."""
    yield from released_once_saved(_blocks(zips, sellers, products, params))


def _blocks(
    zips: pd.DataFrame,
    sellers: pd.DataFrame,
    products: pd.DataFrame,
    params: SyntheticParams,
) -> Iterator[tuple[pd.DataFrame, ...]]:
    for index, block in enumerate(params.blocks()):
        logger.info(
            "block %d of %d (scale %.3g)", index + 1, params.n_blocks, block.scale
        )
        persons, orders, truth = generate_customers(zips, block)
        internal, raw_items = simulate_orders(
            persons=persons,
            orders=orders,
            zips=zips,
            sellers=sellers,
            products=products,
            params=block,
        )
        raw_orders, raw_customers = format_orders(internal, persons, zips, block)
        yield (
            raw_orders,
            raw_customers,
            raw_items,
            generate_payments(internal, block),
            generate_reviews(internal, block),
            truth,
        )
