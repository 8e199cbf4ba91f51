"""Calibration and format of the synthetic Olist data (scale 0.02, ~2,000 orders).

Tolerances are about three binomial standard errors at this size around the real
figures of FACTS.md."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from pydantic import ValidationError

from olist_segmentation.pipelines.synthetic import reference as ref
from olist_segmentation.pipelines.synthetic.draws import hex_ids
from olist_segmentation.pipelines.synthetic.params import SyntheticParams
from tests.conftest import copy_project

from .conftest import generate, synthetic_params

KAGGLE_COLUMNS = {
    "raw_customers": [
        "customer_id",
        "customer_unique_id",
        "customer_zip_code_prefix",
        "customer_city",
        "customer_state",
    ],
    "raw_geolocation": [
        "geolocation_zip_code_prefix",
        "geolocation_lat",
        "geolocation_lng",
        "geolocation_city",
        "geolocation_state",
    ],
    "raw_order_items": [
        "order_id",
        "order_item_id",
        "product_id",
        "seller_id",
        "shipping_limit_date",
        "price",
        "freight_value",
    ],
    "raw_order_payments": [
        "order_id",
        "payment_sequential",
        "payment_type",
        "payment_installments",
        "payment_value",
    ],
    "raw_order_reviews": [
        "review_id",
        "order_id",
        "review_score",
        "review_comment_title",
        "review_comment_message",
        "review_creation_date",
        "review_answer_timestamp",
    ],
    "raw_orders": [
        "order_id",
        "customer_id",
        "order_status",
        "order_purchase_timestamp",
        "order_approved_at",
        "order_delivered_carrier_date",
        "order_delivered_customer_date",
        "order_estimated_delivery_date",
    ],
    "raw_products": [
        "product_id",
        "product_category_name",
        "product_name_lenght",
        "product_description_lenght",
        "product_photos_qty",
        "product_weight_g",
        "product_length_cm",
        "product_height_cm",
        "product_width_cm",
    ],
    "raw_sellers": [
        "seller_id",
        "seller_zip_code_prefix",
        "seller_city",
        "seller_state",
    ],
    "raw_category_translation": [
        "product_category_name",
        "product_category_name_english",
    ],
    "synthetic_personas": ["customer_unique_id", "persona"],
}
HEX32 = re.compile(r"^[0-9a-f]{32}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def _delays(raw: dict) -> pd.Series:
    orders = raw["raw_orders"]
    delivered = pd.to_datetime(orders["order_delivered_customer_date"])
    estimated = pd.to_datetime(orders["order_estimated_delivery_date"])
    keep = (orders["order_status"] == "delivered") & delivered.notna()
    return ((delivered - estimated)[keep]).dt.total_seconds() / 86_400


def test_kaggle_columns_in_order(raw):
    for name, columns in KAGGLE_COLUMNS.items():
        assert list(raw[name].columns) == columns, name


def test_sizes_scale_with_the_real_ones(raw):
    scale = 0.02
    expected = {
        "raw_orders": 99_441,
        "raw_order_items": 112_650,
        "raw_order_payments": 103_886,
        "raw_order_reviews": 99_224,
        "raw_products": 32_951,
        "raw_sellers": 3_095,
        "raw_geolocation": 1_000_163,
    }
    for name, real in expected.items():
        assert abs(len(raw[name]) / (real * scale) - 1) < 0.05, name
    persons = raw["raw_customers"]["customer_unique_id"].nunique()
    assert abs(persons / (96_096 * scale) - 1) < 0.02
    prefixes = raw["raw_geolocation"]["geolocation_zip_code_prefix"].nunique()
    assert abs(prefixes / (19_015 * scale) - 1) < 0.02
    assert len(raw["raw_category_translation"]) == 71


def test_ids_are_unique_32_hex(raw):
    for name, column in (
        ("raw_orders", "order_id"),
        ("raw_customers", "customer_id"),
        ("raw_products", "product_id"),
        ("raw_sellers", "seller_id"),
    ):
        ids = raw[name][column]
        assert ids.str.fullmatch(HEX32).all() and ids.is_unique, (name, column)
    assert raw["raw_order_reviews"]["review_id"].str.fullmatch(HEX32).all()
    assert set(raw["raw_orders"]["customer_id"]) == set(
        raw["raw_customers"]["customer_id"]
    )


def test_zip_prefixes_are_five_character_strings_matching_the_state(raw):
    customers = raw["raw_customers"]
    assert customers["customer_zip_code_prefix"].str.fullmatch(r"\d{5}").all()
    sp = customers[customers["customer_state"] == "SP"]["customer_zip_code_prefix"]
    assert sp.astype(int).between(1000, 19999).all()
    assert sp.str.startswith("0").any()


def test_timestamps_in_kaggle_format(raw):
    orders = raw["raw_orders"]
    for column in KAGGLE_COLUMNS["raw_orders"][3:]:
        assert orders[column].dropna().str.fullmatch(TIMESTAMP).all(), column
    assert orders["order_estimated_delivery_date"].str.endswith(" 00:00:00").all()
    reviews = raw["raw_order_reviews"]
    assert reviews["review_creation_date"].str.endswith(" 00:00:00").all()
    purchase = orders["order_purchase_timestamp"]
    assert purchase.min() >= "2016-09-04" and purchase.max() <= "2018-10-17 23:59:59"
    assert not purchase.str.startswith("2016-11").any()


def test_money_has_two_decimals(raw):
    for name, column in (
        ("raw_order_payments", "payment_value"),
        ("raw_order_items", "price"),
        ("raw_order_items", "freight_value"),
    ):
        assert raw[name][column].str.fullmatch(r"\d+\.\d\d").all(), (name, column)


def test_order_status_mix(raw):
    shares = raw["raw_orders"]["order_status"].value_counts(normalize=True)
    total = sum(ref.ORDER_STATUS.values())
    assert abs(shares["delivered"] - ref.ORDER_STATUS["delivered"] / total) < 0.012
    assert set(shares.index) <= set(ref.ORDER_STATUS)


def test_orders_per_person(raw):
    per_person = raw["raw_customers"].groupby("customer_unique_id").size()
    assert abs((per_person == 1).mean() - 93_099 / 96_096) < 0.012
    assert per_person.max() >= 3


def test_payment_types_and_instalments(raw):
    payments = raw["raw_order_payments"]
    shares = payments["payment_type"].value_counts(normalize=True)
    for kind, real in (("credit_card", 0.739), ("boleto", 0.19), ("voucher", 0.056)):
        assert abs(shares[kind] - real) < 0.04, kind
    instalments = payments["payment_installments"].astype(int)
    assert 0.42 < (instalments == 1).mean() < 0.6  # real: 50.6% of rows
    assert 2.3 < instalments.mean() < 3.4
    assert (instalments[payments["payment_type"] != "credit_card"] <= 1).all()
    rows = payments.groupby("order_id").size()
    assert 0.01 < (rows > 1).mean() < 0.06


def test_delivery_delay_quantiles(raw):
    q = _delays(raw).quantile([0.1, 0.5, 0.9])
    assert -26 < q[0.1] < -19
    assert -14 < q[0.5] < -9
    assert -4 < q[0.9] < 1


def test_late_deliveries_get_worse_reviews(raw):
    orders = raw["raw_orders"].assign(delay=_delays(raw))
    reviews = raw["raw_order_reviews"].merge(orders, on="order_id")
    score = reviews["review_score"].astype(int)
    early = score[reviews["delay"] < -5].mean()
    late = score[reviews["delay"] > 5].mean()
    assert early > 4.0 and late < 2.6
    shares = score.value_counts(normalize=True)
    assert abs(shares[5] - 0.578) < 0.05 and abs(shares[1] - 0.115) < 0.035


def test_review_texts_and_missing_shares(raw):
    reviews = raw["raw_order_reviews"]
    assert abs(reviews["review_comment_title"].isna().mean() - 0.88) < 0.03
    assert abs(reviews["review_comment_message"].isna().mean() - 0.59) < 0.05
    messages = reviews["review_comment_message"].dropna()
    assert messages.str.contains("\n").any() and messages.str.contains('"').any()
    assert messages.str.contains(",").any()


def test_products_keep_the_real_quirks(raw):
    products = raw["raw_products"]
    translated = set(raw["raw_category_translation"]["product_category_name"])
    used = set(products["product_category_name"].dropna())
    assert len(used - translated) <= 2
    assert used - translated <= {
        "pc_gamer",
        "portateis_cozinha_e_preparadores_de_alimentos",
    }
    no_category = products["product_category_name"].isna()
    assert no_category.any()
    assert products.loc[no_category, "product_name_lenght"].isna().all()


def test_geolocation_quirks(raw):
    geo = raw["raw_geolocation"]
    lat = geo["geolocation_lat"].astype(float)
    lng = geo["geolocation_lng"].astype(float)
    outside = (lat > 5.27) | (lat < -33.75) | (lng > -34.79) | (lng < -73.99)
    assert 0 < outside.sum() < 5
    known = set(geo["geolocation_zip_code_prefix"])
    missing = ~raw["raw_customers"]["customer_zip_code_prefix"].isin(known)
    assert 0 < missing.sum() < 20


def test_every_order_has_a_payment_but_one_and_some_lack_items(raw):
    orders = set(raw["raw_orders"]["order_id"])
    paid = set(raw["raw_order_payments"]["order_id"])
    with_items = set(raw["raw_order_items"]["order_id"])
    assert len(orders - paid) <= 1 and paid <= orders
    without_items = raw["raw_orders"][~raw["raw_orders"]["order_id"].isin(with_items)]
    assert 0.004 < len(without_items) / len(orders) < 0.012
    assert (without_items["order_status"] != "delivered").all()


def _first_purchases(raw: dict) -> pd.Series:
    return (
        raw["raw_customers"]
        .merge(raw["raw_orders"], on="customer_id")
        .groupby("customer_unique_id")["order_purchase_timestamp"]
        .min()
    )


def test_personas_cover_every_person_and_shift(raw):
    truth = raw["synthetic_personas"]
    people = set(raw["raw_customers"]["customer_unique_id"])
    assert set(truth["customer_unique_id"]) == people and truth.shape[0] == len(people)
    assert set(truth["persona"]) == set(synthetic_params()["personas"])
    merged = truth.set_index("customer_unique_id").join(_first_purchases(raw))
    after = merged["order_purchase_timestamp"] >= "2018-02-01"
    business = merged["persona"] == "business_boleto"
    # The planted shift: a persona that did not exist before the shift date.
    assert business[~after].sum() == 0 and business[after].mean() > 0.05


def _delivered(raw: dict) -> pd.DataFrame:
    """Delivered orders with delay, state, value and instalments."""
    orders = raw["raw_orders"].assign(delay=_delays(raw)).dropna(subset=["delay"])
    payments = raw["raw_order_payments"].astype({"payment_installments": int})
    items = raw["raw_order_items"].astype({"price": float, "freight_value": float})
    value = items.groupby("order_id")[["price", "freight_value"]].sum().sum(axis=1)
    return (
        orders.merge(raw["raw_customers"], on="customer_id")
        .merge(value.rename("value"), left_on="order_id", right_index=True)
        .merge(
            payments.groupby("order_id")["payment_installments"].max(),
            left_on="order_id",
            right_index=True,
        )
    )


def test_late_deliveries_follow_the_calendar_and_the_distance(raw):
    orders = _delivered(raw)
    late = orders["delay"] > 0
    month = orders["order_purchase_timestamp"].str[:7]
    assert 0.05 < late.mean() < 0.11  # real: about 8%
    unrest = late[month.isin(["2018-02", "2018-03"])].mean()
    calm = late[month.isin(["2017-05", "2017-06", "2017-07", "2017-08"])].mean()
    assert unrest > 2.5 * calm
    far = orders["customer_state"].map(lambda s: ref.STATES[s]["far"])
    assert late[far].mean() > 1.4 * late[~far].mean()
    assert 0.07 < far.mean() < 0.16  # real: about 11% of customers


def test_instalments_grow_with_the_order_value(raw):
    orders = _delivered(raw)
    quartile = pd.qcut(orders["value"], 4, labels=False)
    means = orders.groupby(quartile)["payment_installments"].mean()
    assert means.is_monotonic_increasing and means[3] > 2 * means[0]


def test_same_seed_same_data_other_seed_other_data():
    first, second = generate(scale=0.005), generate(scale=0.005)
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name])
    other = generate(scale=0.005, seed=7)
    assert not other["raw_orders"]["order_id"].equals(first["raw_orders"]["order_id"])


def test_typos_in_parameters_fail_early():
    with pytest.raises(ValidationError, match="scael"):
        SyntheticParams.model_validate(synthetic_params(scael=1.0))
    with pytest.raises(ValidationError, match="scale"):
        SyntheticParams.model_validate(synthetic_params(scale=0))
    personas = synthetic_params()["personas"]
    personas["big_ticket"] = {**personas["big_ticket"], "payment_mix": {"pix": 1.0}}
    with pytest.raises(ValidationError, match="big_ticket.payment_mix"):
        SyntheticParams.model_validate(synthetic_params(personas=personas))


@pytest.mark.slow
def test_a_typo_in_the_parameters_file_stops_the_run_before_any_node(tmp_path):
    project = copy_project(tmp_path / "project")
    params_file = project / "conf" / "base" / "parameters_synthetic.yml"
    params_file.write_text(
        params_file.read_text().replace("  scale: 1.0", "  scael: 1.0")
    )
    bootstrap_project(project)
    with KedroSession.create(project_path=project) as session:
        with pytest.raises(Exception, match="scael"):
            session.run(pipeline_names=["synthetic"])
    assert not any((project / "data" / "01_raw").glob("*.csv"))


def test_hex_ids_are_distinct():
    ids = hex_ids(np.random.default_rng(0), 50_000)
    assert len(set(ids)) == 50_000 and all(HEX32.match(i) for i in ids[:100])
