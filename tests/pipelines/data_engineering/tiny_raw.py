"""A tiny, valid, consistent set of the nine raw Olist tables, as text frames.

Four orders by three persons, with one case of each known dirt of the real data:

- o1 (c1, person p1): delivered; 2 items (products pA health_beauty, pB pc_gamer
  untranslated) from sellers s1, s2; credit card 100 + voucher 20; two reviews
  (r1 = 5, r2 = 3).
- o2 (c2, person p1 again): delivered but no delivery date; 1 item of pC (no
  category) from s1; boleto with 0 instalments; review r3 = 1.
- o3 (c3, p2): canceled with a delivery date; no items; one not_defined payment
  of 0; no review.
- o4 (c4, p3): delivered; 1 item of pA from s2; no payment; review r1 again (one
  review id rating two orders) = 4.
- c5 (p4) has no order (dropped).

Geography: c1, c2, c5 at prefix 01001 (SP, two points plus one outside Brazil);
c3 at 95555 (RS, no geolocation row: RS state fallback via prefix 90000); c4 at
69900 (AC: no geolocation in the whole state, no coordinates); s1 at 13023 (SP);
s2 at 80000, found in PR twice and SC once (majority PR).
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from olist_segmentation.pipelines.data_engineering.contract import TABLES, file_of


def hex_id(name: str) -> str:
    """A deterministic 32-hex id for a readable name."""
    return hashlib.md5(name.encode()).hexdigest()


def _frame(table: str, rows: list[tuple]) -> pd.DataFrame:
    columns = list(TABLES[table].to_schema().columns)
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    return frame.replace({None: np.nan}).astype("str")


def tiny_raw_tables() -> dict[str, pd.DataFrame]:
    """The nine raw tables keyed by catalog name (``raw_<table>``), all text."""
    h = hex_id
    customers = _frame(
        "customers",
        [
            (h("c1"), h("p1"), "01001", "sao paulo", "SP"),
            (h("c2"), h("p1"), "01001", "sao paulo", "SP"),
            (h("c3"), h("p2"), "95555", "caxias do sul", "RS"),
            (h("c4"), h("p3"), "69900", "rio branco", "AC"),
            (h("c5"), h("p4"), "01001", "sao paulo", "SP"),
        ],
    )
    orders = _frame(
        "orders",
        [
            (
                h("o1"),
                h("c1"),
                "delivered",
                "2017-10-02 10:56:33",
                "2017-10-02 11:07:15",
                "2017-10-04 19:55:00",
                "2017-10-10 21:25:13",
                "2017-10-18 00:00:00",
            ),
            (
                h("o2"),
                h("c2"),
                "delivered",
                "2018-01-05 09:00:00",
                "2018-01-05 09:10:00",
                "2018-01-06 10:00:00",
                None,
                "2018-01-25 00:00:00",
            ),
            (
                h("o3"),
                h("c3"),
                "canceled",
                "2017-11-24 20:00:00",
                None,
                None,
                "2017-12-01 12:00:00",
                "2017-12-10 00:00:00",
            ),
            (
                h("o4"),
                h("c4"),
                "delivered",
                "2018-03-01 08:00:00",
                "2018-03-01 08:30:00",
                "2018-03-02 12:00:00",
                "2018-03-31 12:00:00",
                "2018-03-21 00:00:00",
            ),
        ],
    )
    order_items = _frame(
        "order_items",
        [
            (h("o1"), "1", h("pA"), h("s1"), "2017-10-06 11:07:15", "80.00", "10.00"),
            (h("o1"), "2", h("pB"), h("s2"), "2017-10-06 11:07:15", "30.00", "5.50"),
            (h("o2"), "1", h("pC"), h("s1"), "2018-01-09 09:10:00", "45.90", "0.00"),
            (h("o4"), "1", h("pA"), h("s2"), "2018-03-05 08:30:00", "120.00", "20.00"),
        ],
    )
    order_payments = _frame(
        "order_payments",
        [
            (h("o1"), "1", "credit_card", "3", "100.00"),
            (h("o1"), "2", "voucher", "1", "20.00"),
            (h("o2"), "1", "boleto", "0", "45.90"),
            (h("o3"), "1", "not_defined", "1", "0.00"),
        ],
    )
    order_reviews = _frame(
        "order_reviews",
        [
            (
                h("r1"),
                h("o1"),
                "5",
                None,
                'Muito bom, "recomendo"\nchegou antes',
                "2017-10-11 00:00:00",
                "2017-10-12 10:00:00",
            ),
            (
                h("r2"),
                h("o1"),
                "3",
                "ok",
                None,
                "2017-10-13 00:00:00",
                "2017-10-14 10:00:00",
            ),
            (
                h("r3"),
                h("o2"),
                "1",
                None,
                "nao recebi",
                "2018-01-26 00:00:00",
                "2018-01-27 10:00:00",
            ),
            (
                h("r1"),
                h("o4"),
                "4",
                None,
                None,
                "2018-04-01 00:00:00",
                "2018-04-02 10:00:00",
            ),
        ],
    )
    products = _frame(
        "products",
        [
            (h("pA"), "beleza_saude", "40", "287", "1", "225", "16", "10", "14"),
            (h("pB"), "pc_gamer", "44", "276", "1", "1000", "30", "18", "20"),
            (h("pC"), None, None, None, None, "300", "20", "10", "10"),
            (h("pD"), "cama_mesa_banho", "27", "261", "1", "371", "26", "4", "26"),
        ],
    )
    sellers = _frame(
        "sellers",
        [
            (h("s1"), "13023", "campinas", "SP"),
            (h("s2"), "80000", "curitiba", "PR"),
        ],
    )
    geolocation = _frame(
        "geolocation",
        [
            ("01001", "-23.550", "-46.634", "sao paulo", "SP"),
            ("01001", "-23.552", "-46.636", "são paulo", "SP"),
            ("01001", "40.0", "10.0", "sao paulo", "SP"),
            ("13023", "-22.898", "-47.063", "campinas", "SP"),
            ("80000", "-25.428", "-49.273", "curitiba", "PR"),
            ("80000", "-25.430", "-49.275", "curitiba", "PR"),
            ("80000", "-26.000", "-49.000", "curitiba", "SC"),
            ("90000", "-30.030", "-51.230", "porto alegre", "RS"),
        ],
    )
    category_translation = _frame(
        "category_translation",
        [
            ("beleza_saude", "health_beauty"),
            ("cama_mesa_banho", "bed_bath_table"),
        ],
    )
    tables = {
        "customers": customers,
        "geolocation": geolocation,
        "order_items": order_items,
        "order_payments": order_payments,
        "order_reviews": order_reviews,
        "orders": orders,
        "products": products,
        "sellers": sellers,
        "category_translation": category_translation,
    }
    return {f"raw_{name}": frame for name, frame in tables.items()}


def write_raw_csvs(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    """Write raw tables as CSVs into ``folder`` (e.g. data/01_raw).

    Plain pandas CSVs, with the translation file in its Kaggle quirks (UTF-8 BOM,
    CRLF, no final newline): the reader must accept both styles.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        table = name.removeprefix("raw_")
        path = folder / file_of(table)
        if table == "category_translation":
            text = frame.to_csv(index=False, lineterminator="\r\n").rstrip("\r\n")
            path.write_bytes(text.encode("utf-8-sig"))
        else:
            frame.to_csv(path, index=False, quoting=csv.QUOTE_NONNUMERIC)
