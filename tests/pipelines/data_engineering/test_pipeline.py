"""Slice and whole-pipeline tests of data_engineering on an in-memory DataCatalog."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.validation import ParameterValidationError

from olist_segmentation.pipelines.data_engineering import create_pipeline
from olist_segmentation.pipelines.data_engineering.contract import file_of

from .conftest import run_in_memory, run_project
from .tiny_raw import hex_id

U32, U16, U8, F64, TS = "uint32", "uint16", "uint8", "float64", "datetime64[ns]"
CONTRACT = {
    "primary_orders": {
        "order_key": U32,
        "person_key": U32,
        "customer_key": U32,
        "order_status": "category",
        "purchase_ts": TS,
        "approved_ts": TS,
        "delivered_carrier_ts": TS,
        "delivered_customer_ts": TS,
        "estimated_delivery_ts": TS,
        "is_delivered": "bool",
        "n_items": U16,
        "n_sellers": U16,
        "n_categories": U16,
        "items_price": F64,
        "freight_value": F64,
        "payment_value": F64,
        "n_payments": U16,
        "installments": F64,
        "payment_type": "category",
        "share_credit_card": F64,
        "share_boleto": F64,
        "share_voucher": F64,
        "share_debit_card": F64,
        "n_reviews": U8,
        "review_score": F64,
        "review_ts": TS,
        "delivery_delay_days": F64,
        "delivery_days": F64,
        "customer_state": "category",
        "customer_lat": F64,
        "customer_lng": F64,
        "distance_km": F64,
        "main_category": "category",
    },
    "primary_order_items": {
        "order_key": U32,
        "item_seq": U8,
        "product_key": U32,
        "seller_key": U32,
        "price": F64,
        "freight_value": F64,
        "category": "category",
        "seller_state": "category",
        "seller_lat": F64,
        "seller_lng": F64,
        "distance_km": F64,
    },
    "primary_persons": {
        "person_key": U32,
        "zip_prefix": "str",
        "city": "str",
        "state": "category",
        "lat": F64,
        "lng": F64,
        "geo_source": "category",
        "first_purchase_ts": TS,
        "n_orders": U16,
    },
    "primary_reviews": {"order_key": U32, "review_score": U8, "review_ts": TS},
    "id_map": {"id_kind": "category", "key": U32, "olist_id": "str"},
}


@pytest.fixture
def outputs(raw_tables, de_params, tmp_path):
    return run_in_memory(create_pipeline(), raw_tables, de_params, tmp_path)


def key_of(id_map: pd.DataFrame, kind: str, name: str) -> int:
    row = id_map[(id_map["id_kind"] == kind) & (id_map["olist_id"] == hex_id(name))]
    return int(row["key"].iloc[0])


@pytest.mark.parametrize("table", list(CONTRACT))
def test_primary_tables_have_the_contract_dtypes(outputs, table):
    dtypes = {name: str(dtype) for name, dtype in outputs[table].dtypes.items()}
    assert dtypes == CONTRACT[table]


def test_primary_orders_values(outputs):
    orders = outputs["primary_orders"].set_index("order_key")
    id_map = outputs["id_map"]
    assert len(orders) == 4
    assert orders.index.tolist() == [0, 1, 2, 3]
    o1 = orders.loc[key_of(id_map, "order_id", "o1")]
    assert o1["person_key"] == key_of(id_map, "customer_unique_id", "p1")
    assert o1["customer_key"] == key_of(id_map, "customer_id", "c1")
    assert (o1["n_items"], o1["n_sellers"], o1["n_categories"]) == (2, 2, 2)
    assert (o1["items_price"], o1["freight_value"]) == (110.0, 15.5)
    assert (o1["payment_value"], o1["n_payments"], o1["installments"]) == (120, 2, 3)
    assert o1["payment_type"] == "credit_card"
    assert o1["share_credit_card"] == pytest.approx(100 / 120)
    assert (o1["n_reviews"], o1["review_score"]) == (2, 4.0)
    assert o1["review_ts"] == pd.Timestamp("2017-10-11")
    assert o1["main_category"] == "health_beauty"
    assert o1["is_delivered"]
    expected_delay = pd.Timestamp("2017-10-10 21:25:13") - pd.Timestamp("2017-10-18")
    assert o1["delivery_delay_days"] == pytest.approx(
        expected_delay / pd.Timedelta("1D")
    )
    o2 = orders.loc[key_of(id_map, "order_id", "o2")]
    assert not o2["is_delivered"] and np.isnan(o2["delivery_delay_days"])
    assert o2["main_category"] == "unknown"
    o3 = orders.loc[key_of(id_map, "order_id", "o3")]
    assert o3["order_status"] == "canceled" and not o3["is_delivered"]
    assert pd.notna(o3["delivered_customer_ts"]) and np.isnan(o3["delivery_days"])
    assert (o3["n_items"], o3["items_price"]) == (0, 0.0)
    assert pd.isna(o3["main_category"]) and np.isnan(o3["distance_km"])
    assert o3["payment_type"] == "not_defined" and np.isnan(o3["share_boleto"])
    assert o3["n_reviews"] == 0 and np.isnan(o3["review_score"])
    assert pd.isna(o3["review_ts"])
    o4 = orders.loc[key_of(id_map, "order_id", "o4")]
    assert np.isnan(o4["payment_value"]) and pd.isna(o4["payment_type"])
    assert o4["n_payments"] == 0
    assert np.isnan(o4["customer_lat"]) and np.isnan(o4["distance_km"])
    assert o4["delivery_delay_days"] == pytest.approx(10.5)


def test_primary_reviews_keep_every_review_with_its_own_date(outputs):
    reviews = outputs["primary_reviews"]
    id_map = outputs["id_map"]
    o1 = reviews[reviews["order_key"] == key_of(id_map, "order_id", "o1")]
    assert o1["review_score"].tolist() == [5, 3]
    assert o1["review_ts"].tolist() == [
        pd.Timestamp("2017-10-11"),
        pd.Timestamp("2017-10-13"),
    ]
    assert len(reviews) == 4  # r1 rates o1 and o4
    assert reviews["order_key"].is_monotonic_increasing


def test_items_distance_and_persons(outputs):
    items = outputs["primary_order_items"]
    assert len(items) == 4
    o1 = items[items["order_key"] == key_of(outputs["id_map"], "order_id", "o1")]
    assert o1["item_seq"].tolist() == [1, 2]
    assert o1["category"].tolist() == ["health_beauty", "pc_gamer"]
    assert o1["seller_state"].tolist() == ["SP", "PR"]
    assert (o1["distance_km"] > 50).all()
    orders = outputs["primary_orders"]
    mean = o1["distance_km"].mean()
    assert orders.loc[
        orders["order_key"] == o1["order_key"].iloc[0], "distance_km"
    ].item() == pytest.approx(mean)
    persons = outputs["primary_persons"].set_index("person_key")
    assert len(persons) == 3
    p1 = persons.loc[key_of(outputs["id_map"], "customer_unique_id", "p1")]
    assert (p1["n_orders"], p1["zip_prefix"], p1["geo_source"]) == (2, "01001", "zip")
    assert p1["first_purchase_ts"] == pd.Timestamp("2017-10-02 10:56:33")
    assert sorted(persons["geo_source"]) == ["none", "state", "zip"]


def test_id_map_traces_every_key_back(outputs, raw_tables):
    id_map = outputs["id_map"]
    counts = id_map["id_kind"].value_counts().to_dict()
    assert counts == {
        "customer_unique_id": 3,
        "customer_id": 4,
        "order_id": 4,
        "product_id": 4,
        "seller_id": 2,
        "review_id": 3,
    }
    for kind, group in id_map.groupby("id_kind", observed=True):
        assert group["olist_id"].is_monotonic_increasing, kind
        assert group["key"].tolist() == list(range(len(group)))
    orders = id_map[id_map["id_kind"] == "order_id"].set_index("key")["olist_id"]
    traced = orders.loc[outputs["primary_orders"]["order_key"]].tolist()
    assert sorted(traced) == sorted(raw_tables["raw_orders"]["order_id"])


def test_data_quality_report(outputs):
    report = outputs["data_quality_report"]
    assert report["data_source"] == {"kind": "real", "reason": "tiny tables"}
    tables = report["tables"]
    assert len(tables) == 9
    assert tables["olist_customers_dataset.csv"]["rows_read"] == 5
    assert tables["olist_customers_dataset.csv"]["rows_kept"] == 4
    assert tables["olist_geolocation_dataset.csv"]["rows_kept"] == 7
    geo_rules = tables["olist_geolocation_dataset.csv"]["rules"]
    assert geo_rules["outside_brazil_bounding_box"]["count"] == 1
    assert geo_rules["zip_prefix_in_several_states"]["count"] == 1


def test_validate_and_clean_slice(raw_tables, de_params, tmp_path):
    pipeline = create_pipeline().to_nodes("clean_tables")
    assert "rekey_tables" not in {node.name for node in pipeline.nodes}
    out = run_in_memory(pipeline, raw_tables, de_params, tmp_path)
    assert len(out["clean_customers"]) == 4
    assert out["clean_orders"]["is_delivered"].sum() == 2
    assert out["clean_report"]["orders"]["rules"]["order_without_items"] == 1


def test_end_to_end_on_synthetic_data(synthetic_project, project_copy, monkeypatch):
    """The shared tiny synthetic raw data (copied: the fixture is read-only)
    through the project catalog: the primary tables account for every raw row."""
    shutil.copytree(
        synthetic_project / "data" / "01_raw",
        project_copy / "data" / "01_raw",
        dirs_exist_ok=True,
    )
    monkeypatch.chdir(project_copy)
    raw = {
        name: pd.read_csv(
            project_copy / "data" / "01_raw" / file_of(name),
            dtype=str,
            keep_default_na=False,
        )
        for name in ("orders", "customers", "order_items", "geolocation")
    }
    catalog = run_project(project_copy, create_pipeline())
    orders = catalog.load("primary_orders")
    items = catalog.load("primary_order_items")
    persons = catalog.load("primary_persons")
    assert len(orders) == len(raw["orders"])
    assert len(items) == len(raw["order_items"])
    assert len(persons) == raw["customers"]["customer_unique_id"].nunique()
    assert persons["n_orders"].sum() == len(orders)
    assert orders["n_items"].sum() == len(items)
    assert orders["purchase_ts"].notna().all()
    delivered = orders["is_delivered"]
    assert orders.loc[delivered, "delivery_days"].ge(0).all()
    assert orders.loc[~delivered, "delivery_delay_days"].isna().all()
    assert items["distance_km"].between(0, 5000).all()
    report = catalog.load("data_quality_report")
    assert report["data_source"]["kind"] == "synthetic"
    assert "synthetic generator" in report["data_source"]["reason"]
    report = report["tables"]
    geolocation = report["olist_geolocation_dataset.csv"]
    assert geolocation["rows_read"] == len(raw["geolocation"])
    assert geolocation["rows_kept"] == (
        geolocation["rows_read"]
        - geolocation["rules"]["outside_brazil_bounding_box"]["count"]
    )
    located = persons["geo_source"].value_counts()
    assert located["zip"] > 0.95 * len(persons)


@pytest.mark.slow
def test_a_parameter_typo_fails_before_the_first_node(synthetic_project, project_copy):
    shutil.copytree(
        synthetic_project / "data" / "01_raw",
        project_copy / "data" / "01_raw",
        dirs_exist_ok=True,
    )
    bootstrap_project(project_copy)
    typo = {"data_engineering": {"brazil_bounding_box": {"lat_minimum": -40}}}
    with KedroSession.create(project_path=project_copy, runtime_params=typo) as s:
        with pytest.raises(ParameterValidationError, match="lat_minimum"):
            s.run(pipeline_names=["data_engineering"])
    assert not any((project_copy / "data" / "03_primary").iterdir())
    assert not any((project_copy / "data" / "08_reporting").iterdir())
