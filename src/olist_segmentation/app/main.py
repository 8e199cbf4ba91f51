"""The marketing app (``make app``): ``streamlit run`` this file.

    streamlit run src/olist_segmentation/app/main.py -- [--model-version N |
        --model-alias NAME] [--project DIR]

Everything comes from one served run (``serving.run``): the registered model version
in the MLflow registry and what its run logged, read with the dataset types of the
Kedro catalog. It never writes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd
import streamlit as st

from olist_segmentation.app.views import (
    WhatIf,
    contract_table,
    score_what_if,
    segment_customers,
    share_over_time,
    synthetic_warning,
    value_lines,
)
from olist_segmentation.domain import MODELLED_PAYMENT_TYPES
from olist_segmentation.serving.run import ServedRun, ServedRunMissing, load_served_run


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="olist segments app")
    parser.add_argument("--project", type=Path, default=Path.cwd())
    parser.add_argument("--model-version", default="latest")
    parser.add_argument("--model-alias", default=None)
    return parser.parse_args(sys.argv[1:])


@st.cache_resource
def _served(project: str, version: str, alias: str | None) -> ServedRun:
    return load_served_run(Path(project), version=version, alias=alias)


def segments_page(served: ServedRun) -> None:
    """Cards with size, expected value, share over time, traits and action; the
    retraining contract as the report states it."""
    contract = served.retraining_contract()
    st.info(f"Retraining: {contract['headline']}")
    if contract["signals"]:
        with st.expander("Monitoring signals: retrain earlier when one fires"):
            st.table(contract_table(contract))
            st.markdown("\n".join(f"- {t}" for t in contract["triggers"]))
    shares = share_over_time(served)
    values = served.segment_values()
    for card in served.segment_summaries():
        value = values[card["segment"]]
        with st.container(border=True):
            st.subheader(card["name"])
            left, right = st.columns([1, 2])
            left.metric(f"customers, {card['share']:.1%} of all", f"{card['size']:,}")
            if value["expected_spend_90d"] is not None:
                left.metric(
                    f"expected spend, next 90 days ({value['expected_spend_share']:.1%})",
                    f"BRL {value['expected_spend_90d']:,.0f}",
                )
                left.caption(
                    f"mean P(alive) {value['p_alive_mean']:.3f} · "
                    f"{value['expected_purchases_90d']:,.1f} purchases expected"
                )
            if card["name"] in shares:
                right.line_chart(shares[card["name"]], height=140)
            st.markdown("\n".join(f"- {trait}" for trait in card["traits"]))
            st.markdown(f"**Suggested action:** {card['action']}")


def look_up_page(served: ServedRun) -> None:
    """A known customer's segment by ``customer_unique_id``."""
    with st.form("look-up"):
        wanted = st.text_input("customer_unique_id")
        asked = st.form_submit_button("Look up")
    if asked and wanted:
        found = served.segment_of(wanted.strip())
        if found is None:
            st.warning(f"'{wanted}' is not a customer of this run.")
        else:
            st.success(f"Segment {found['segment']}: {found['segment_name']}")
            st.markdown(
                "\n".join(
                    f"- {line}" for line in value_lines(served.value_of(wanted.strip()))
                )
            )


def what_if_page(served: ServedRun) -> None:
    """Score a customer described by a few fields (as of the training date)."""
    with st.form("what-if"):
        left, right = st.columns(2)
        what = WhatIf(
            orders=left.number_input("orders", 1, 20, 1),
            days_since_last_order=left.number_input(
                "days since last order", 0, 900, 60
            ),
            basket_brl=left.number_input("basket (BRL per order)", 0.0, 20000.0, 120.0),
            freight_brl=left.number_input("freight (BRL per order)", 0.0, 2000.0, 18.0),
            payment_type=right.selectbox("payment type", MODELLED_PAYMENT_TYPES),
            installments=right.number_input("instalments", 1, 24, 1),
            review_score=right.slider("review score", 1, 5, 5),
            days_late=right.number_input("days late (negative: early)", -60, 120, -10),
        )
        asked = st.form_submit_button("Score")
    if asked:
        scored = score_what_if(served, what)
        st.success(f"Segment {scored['segment']}: {scored['segment_name']}")
        st.markdown("\n".join(f"- {line}" for line in value_lines(scored["value"])))
        st.caption(f"features as of {served.as_of:%Y-%m-%d}, by the pipelines' code")
        st.table(
            pd.DataFrame(
                {
                    "feature": list(scored["features"]),
                    "value": scored["features"].values(),
                }
            ).set_index("feature")
        )


def export_page(served: ServedRun) -> None:
    """One segment's customers as a CSV for a campaign."""
    names = {card["name"]: card["segment"] for card in served.segment_summaries()}
    name = st.selectbox("segment", list(names))
    customers = segment_customers(served, names[name])
    st.write(f"{len(customers):,} customers")
    st.download_button(
        "Download CSV",
        customers.to_csv(index=False),
        file_name=f"segment_{names[name]}_{name.replace(' ', '_')}.csv",
        mime="text/csv",
    )


def main() -> None:
    """The app: four tabs over one served run."""
    st.set_page_config(page_title="Olist customer segments", layout="wide")
    args = _args()
    # The title first: loading the run (MLflow, the pickled fits) takes seconds.
    st.title("Olist customer segments")
    try:
        served = _served(
            str(args.project.resolve()), args.model_version, args.model_alias
        )
    except ServedRunMissing as error:
        st.error(f"Nothing to show yet: {error}")
        st.stop()
    st.caption(
        f"model '{served.model_name}' version {served.model_version} · Kedro run "
        f"{served.save_version} · data as of {served.as_of:%Y-%m-%d}"
    )
    warning = synthetic_warning(served)
    if warning:
        st.warning(warning)
    tabs = st.tabs(["Segments", "Customer look-up", "What if", "Export"])
    for tab, page in zip(
        tabs, (segments_page, look_up_page, what_if_page, export_page), strict=True
    ):
        with tab:
            page(served)


main()
