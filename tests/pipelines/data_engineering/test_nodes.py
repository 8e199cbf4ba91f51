"""Unit tests of the data_engineering nodes and helpers on tiny hand-made frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from olist_segmentation.datasets import OlistCSVDataset
from olist_segmentation.pipelines.data_engineering import clean, geo, nodes, primary
from olist_segmentation.pipelines.data_engineering.clean import check_foreign_key
from olist_segmentation.pipelines.data_engineering.contract import TABLES, file_of
from olist_segmentation.pipelines.data_engineering.params import (
    BoundingBox,
    DataEngineeringParams,
)
from olist_segmentation.pipelines.data_engineering.rekey import rekey
from olist_segmentation.pipelines.data_engineering.repairs import read_declared
from olist_segmentation.pipelines.data_engineering.rules import RULES, merge_reports
from olist_segmentation.pipelines.data_engineering.validation import (
    RawDataError,
    RawTableValidator,
)

from .tiny_raw import hex_id


def validated(raw: pd.DataFrame, table: str) -> tuple[pd.DataFrame, dict[str, int]]:
    """What the catalog's validator and the ``parse_<table>`` node make of it."""
    return read_declared(RawTableValidator(table).validate(raw), table)


def typed(raw_tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: validated(raw_tables[f"raw_{name}"], name)[0] for name in TABLES}


def broken(raw: pd.DataFrame, table: str) -> RawDataError:
    with pytest.raises(RawDataError) as caught:
        RawTableValidator(table).validate(raw)
    return caught.value


# --- validate -------------------------------------------------------------------


def test_validated_tables_have_declared_types(raw_tables):
    tables = typed(raw_tables)
    orders = tables["orders"]
    assert orders["order_purchase_timestamp"].dtype == "datetime64[ns]"
    assert orders["order_delivered_customer_date"].isna().sum() == 1
    assert tables["order_items"]["order_item_id"].dtype == np.int64
    assert tables["order_items"]["price"].tolist() == [80.0, 30.0, 45.9, 120.0]
    # a nullable integer column becomes float64 with NaN
    assert tables["products"]["product_photos_qty"].dtype == np.float64
    assert tables["products"]["product_photos_qty"].isna().sum() == 1
    assert tables["geolocation"]["geolocation_zip_code_prefix"].iloc[0] == "01001"
    assert tables["order_reviews"]["review_comment_message"].iloc[0].startswith("Muito")


def test_numbers_written_as_re_saved_files_write_them_parse_alike(raw_tables):
    raw = raw_tables["raw_order_items"].assign(
        order_item_id=["1.0", "2", "1", "1.00"], price=["80", "3e1", "45.9", "120.000"]
    )
    table, _ = validated(raw, "order_items")
    assert table["order_item_id"].dtype == np.int64
    assert table["order_item_id"].tolist() == [1, 2, 1, 1]
    assert table["price"].tolist() == [80.0, 30.0, 45.9, 120.0]


def test_every_parser_node_is_named_after_its_table(raw_tables):
    parse = nodes.make_parser("sellers")
    assert parse.__name__ == "parse_sellers"
    table, report = parse(raw_tables["raw_sellers"])
    assert len(table) == 2
    assert report == {
        "sellers": {
            "rules": {
                "undeclared_columns_ignored": 0,
                "columns_in_another_order": 0,
                "zip_prefix_left_padded": 0,
            }
        }
    }


def test_unparseable_date_names_file_column_rule_and_count(raw_tables):
    raw = raw_tables["raw_orders"].copy()
    raw.loc[1, "order_purchase_timestamp"] = "2018-02-30 10:00:00"
    raw.loc[2, "order_purchase_timestamp"] = "yesterday"
    error = broken(raw, "orders")
    (violation,) = error.violations
    assert violation.file == "olist_orders_dataset.csv"
    assert violation.column == "order_purchase_timestamp"
    assert violation.rule == "timestamp YYYY-MM-DD HH:MM:SS"
    assert violation.count == 2
    assert "'yesterday'" in str(error) and "2 rows" in str(error)


def test_several_broken_rules_of_a_table_are_listed_in_one_error(raw_tables):
    raw = raw_tables["raw_order_items"].copy()
    raw.loc[0, "price"] = "-1.0"
    raw.loc[1, "freight_value"] = "abc"
    raw.loc[2, "order_item_id"] = "1.5"
    error = broken(raw, "order_items")
    rules = {(v.column, v.rule, v.count) for v in error.violations}
    assert rules == {
        ("price", "price >= 0", 1),
        ("freight_value", "number", 1),
        ("order_item_id", "integer", 1),
    }
    assert str(error).startswith("3 rules broken")


@pytest.mark.parametrize(
    ("table", "column", "value", "rule"),
    [
        ("orders", "order_id", "not-a-hex-id", "32-hex lowercase id"),
        ("orders", "order_status", "lost", "one of"),
        ("orders", "order_estimated_delivery_date", np.nan, "not null"),
        ("orders", "order_approved_at", "1899-01-01 00:00:00", "between"),
        ("customers", "customer_zip_code_prefix", "1001A", "5-digit zip prefix"),
        ("customers", "customer_state", "XX", "one of"),
        ("order_reviews", "review_score", "6", "review_score <= 5"),
        ("order_payments", "payment_value", "inf", "number"),
        ("order_items", "freight_value", "nan", "number"),
        ("products", "product_photos_qty", "1.5", "integer"),
        ("geolocation", "geolocation_lat", "-91.5", "geolocation_lat >= -90"),
        ("geolocation", "geolocation_lng", "200", "geolocation_lng <= 180"),
    ],
)
def test_value_rules(raw_tables, table, column, value, rule):
    raw = raw_tables[f"raw_{table}"].copy()
    raw.loc[0, column] = value
    (violation,) = broken(raw, table).violations
    assert (violation.column, violation.count) == (column, 1)
    assert violation.rule.startswith(rule)


def test_duplicated_key_is_an_error(raw_tables):
    raw = pd.concat([raw_tables["raw_orders"], raw_tables["raw_orders"].iloc[[0]]])
    raw = raw.reset_index(drop=True)
    violations = broken(raw, "orders").violations
    assert {(v.column, v.rule, v.count) for v in violations} == {
        ("customer_id", "unique", 2),
        ("order_id", "unique key", 2),
    }


def test_compound_key_duplicate_shows_the_key(raw_tables):
    raw = raw_tables["raw_order_items"].copy()
    raw.loc[1, "order_item_id"] = "1"
    (violation,) = broken(raw, "order_items").violations
    assert violation.column == "order_id, order_item_id"
    assert violation.examples == (f"'{hex_id('o1')}/1'",)


def test_missing_and_renamed_columns(raw_tables):
    raw = raw_tables["raw_products"].rename(
        columns={"product_name_lenght": "product_name_length"}
    )
    (violation,) = broken(raw, "products").violations
    assert violation.column == "product_name_lenght"
    assert "renamed to 'product_name_length'?" in violation.rule
    dropped = raw_tables["raw_sellers"].drop(columns="seller_state")
    assert broken(dropped, "sellers").violations[0].rule == "required column"


def test_header_only_is_an_error(raw_tables):
    (violation,) = broken(raw_tables["raw_sellers"].iloc[:0], "sellers").violations
    assert (violation.rule, violation.count) == ("at least one data row", 0)


def test_undeclared_columns_are_ignored_and_counted(raw_tables):
    raw = raw_tables["raw_sellers"].assign(extra="x", other="y")
    table, repairs = validated(raw, "sellers")
    assert "extra" not in table.columns and "other" not in table.columns
    assert repairs["undeclared_columns_ignored"] == 2


def test_columns_in_another_order_are_read_by_name_and_counted(raw_tables):
    raw = raw_tables["raw_sellers"]
    reordered = raw[list(reversed(raw.columns))]
    table, repairs = validated(reordered, "sellers")
    pd.testing.assert_frame_equal(table, validated(raw, "sellers")[0])
    assert repairs["columns_in_another_order"] == 4


def test_short_zip_prefixes_are_left_padded_and_counted(raw_tables):
    raw = raw_tables["raw_geolocation"].copy()
    raw.loc[[0, 1], "geolocation_zip_code_prefix"] = ["1001", "7"]
    table, repairs = validated(raw, "geolocation")
    assert table["geolocation_zip_code_prefix"].iloc[:2].tolist() == ["01001", "00007"]
    assert repairs["zip_prefix_left_padded"] == 2


@pytest.mark.parametrize("value", ["123456", "1001.0", "01-001", "ABCDE"])
def test_zip_prefixes_that_padding_cannot_repair_are_refused(raw_tables, value):
    raw = raw_tables["raw_sellers"].copy()
    raw.loc[0, "seller_zip_code_prefix"] = value
    (violation,) = broken(raw, "sellers").violations
    assert (violation.column, violation.rule) == (
        "seller_zip_code_prefix",
        "5-digit zip prefix",
    )


# --- clean ----------------------------------------------------------------------


def test_orphan_foreign_key_stops(raw_tables):
    tables = typed(raw_tables)
    tables["order_items"] = tables["order_items"].assign(
        seller_id=[hex_id("s1"), hex_id("s1"), hex_id("ghost"), hex_id("s2")]
    )
    with pytest.raises(RawDataError) as caught:
        clean.check_references(tables)
    (violation,) = caught.value.violations
    assert violation.file == "olist_order_items_dataset.csv"
    assert violation.column == "seller_id"
    assert violation.rule == "foreign key to olist_sellers_dataset.csv seller_id"
    assert violation.count == 1


def test_foreign_key_tells_which_parents_are_referenced():
    a, b, c = "a" * 32, "b" * 32, "c" * 32
    referenced = check_foreign_key(
        pd.Series([a, a, c], name="order_id"),
        pd.Series([c, b, a], name="order_id"),
        child_file="child.csv",
        parent_file="parent.csv",
    )
    assert referenced.tolist() == [True, False, True]


def test_clean_tables_counts_every_known_dirt(raw_tables):
    tables = typed(raw_tables)
    out = nodes.clean_tables(**{k: v for k, v in tables.items() if k != "geolocation"})
    rules = {
        rule: count
        for entry in out["report"].values()
        for rule, count in entry.get("rules", {}).items()
    }
    assert rules == {
        "customer_without_order": 1,
        "delivered_without_delivery_date": 1,
        "not_delivered_with_delivery_date": 1,
        "order_without_items": 1,
        "order_without_payment": 1,
        "order_without_review": 1,
        "zero_installments": 1,
        "payment_type_not_defined": 1,
        "order_with_several_reviews": 1,
        "review_id_on_several_orders": 1,
        "product_without_category": 1,
        "category_not_translated": 1,
        "misspelled_columns_renamed": 2,
    }
    assert out["report"]["customers"] == {
        "rows_read": 5,
        "rows_kept": 4,
        "rules": {"customer_without_order": 1},
    }
    assert hex_id("c5") not in set(out["customers"]["customer_id"])
    assert out["orders"]["is_delivered"].tolist() == [True, False, False, True]
    assert out["order_payments"]["payment_installments"].tolist() == [3, 1, 1, 1]
    assert out["products"]["category"].tolist() == [
        "health_beauty",
        "pc_gamer",
        "unknown",
        "bed_bath_table",
    ]
    assert "product_name_length" in out["products"].columns
    # inputs are not mutated
    assert tables["order_payments"]["payment_installments"].tolist() == [3, 1, 0, 1]


# --- rekey ----------------------------------------------------------------------


def test_rekey_is_sorted_consistent_and_traceable():
    aa, bb, cc = "a" * 32, "b" * 32, "c" * 32
    s1, s2 = "0" * 31 + "1", "f" * 32
    orders = pd.DataFrame({"order_id": [cc, aa, bb], "x": [1, 2, 3]})
    items = pd.DataFrame({"order_id": [bb, bb, cc], "seller_id": [s2, s1, s2]})
    keyed, id_map = rekey({"orders": orders, "items": items})
    assert keyed["orders"]["order_key"].tolist() == [2, 0, 1]
    assert keyed["items"]["order_key"].tolist() == [1, 1, 2]
    assert keyed["items"]["seller_key"].tolist() == [1, 0, 1]
    assert keyed["orders"]["order_key"].dtype == np.uint32
    assert "order_id" not in keyed["orders"].columns
    assert keyed["orders"]["x"].tolist() == [1, 2, 3]
    orders_map = id_map[id_map["id_kind"] == "order_id"]
    assert orders_map["olist_id"].tolist() == [aa, bb, cc]
    assert orders_map["key"].tolist() == [0, 1, 2]
    assert id_map["id_kind"].dtype == "category"
    assert list(id_map["id_kind"].cat.categories) == [
        "customer_unique_id",
        "customer_id",
        "order_id",
        "product_id",
        "seller_id",
        "review_id",
    ]
    # same input, same keys, whatever the row order
    again, _ = rekey({"orders": orders.iloc[::-1], "items": items})
    assert again["orders"]["order_key"].tolist() == [1, 0, 2]


def test_rekey_matches_python_sort_and_dict():
    rng = np.random.default_rng(0)
    ids = pd.Series([f"{value:032x}" for value in rng.integers(0, 2**62, 500)])
    # distinct ids sharing their first 16 hex digits
    twins = pd.Series(["0123456789abcdef" + tail for tail in ("f" * 16, "0" * 16)])
    pool = pd.concat([ids, twins], ignore_index=True).astype("str")
    query = pool.sample(frac=1, random_state=1).reset_index(drop=True)
    keyed, id_map = rekey(
        {
            "orders": pd.DataFrame({"order_id": pool}),
            "items": pd.DataFrame({"order_id": query}),
        }
    )
    expected = sorted(set(pool))
    assert id_map["olist_id"].tolist() == expected
    rank = {value: i for i, value in enumerate(expected)}
    assert keyed["orders"]["order_key"].tolist() == [rank[value] for value in pool]
    assert keyed["items"]["order_key"].tolist() == [rank[value] for value in query]


# --- geolocate ------------------------------------------------------------------

BOX = BoundingBox(lat_min=-33.75, lat_max=5.27, lng_min=-73.99, lng_max=-32.39)


def test_zip_locations_clip_median_and_majority_state(raw_tables):
    geolocation = typed(raw_tables)["geolocation"]
    zips, counts = geo.zip_locations(geolocation, BOX)
    assert zips["zip_prefix"].tolist() == ["01001", "13023", "80000", "90000"]
    sp = zips.iloc[0]
    assert (sp["lat"], sp["lng"]) == pytest.approx((-23.551, -46.635))
    assert sp["n_points"] == 2
    assert zips.set_index("zip_prefix").loc["80000", "state"] == "PR"
    assert counts == {
        "outside_brazil_bounding_box": 1,
        "zip_prefix_in_several_states": 1,
        "zip_prefix_only_outside_brazil": 0,
    }


def test_prefix_with_only_points_outside_brazil_is_missing():
    geolocation = pd.DataFrame(
        {
            "geolocation_zip_code_prefix": ["11111", "22222"],
            "geolocation_lat": [48.85, -22.9],
            "geolocation_lng": [2.35, -43.2],
            "geolocation_city": ["paris", "rio"],
            "geolocation_state": ["SP", "RJ"],
        }
    )
    zips, counts = geo.zip_locations(geolocation, BOX)
    assert zips["zip_prefix"].tolist() == ["22222"]
    assert counts["zip_prefix_only_outside_brazil"] == 1


def test_locate_falls_back_to_state_then_none():
    zips = pd.DataFrame(
        {
            "zip_prefix": ["01001", "02002", "90000"],
            "lat": [-23.0, -24.0, -30.0],
            "lng": [-46.0, -47.0, -51.0],
            "state": ["SP", "SP", "RS"],
        }
    )
    states = geo.state_locations(zips)
    points = geo.locate(
        pd.Series(["02002", "03003", "95555", "69900"]),
        pd.Series(["SP", "SP", "RS", "AC"]),
        zips,
        states,
    )
    assert points["geo_source"].tolist() == ["zip", "state", "state", "none"]
    assert points["lat"].tolist()[:3] == [-24.0, -23.5, -30.0]
    assert np.isnan(points["lat"].iloc[3])


def test_haversine_known_distances_and_missing():
    radius = geo.EARTH_RADIUS_KM
    km = geo.haversine_km(
        np.array([0.0, -23.0, 10.0, np.nan]),
        np.array([0.0, -46.0, 20.0, -46.0]),
        np.array([0.0, -22.0, 10.0, -22.9]),
        np.array([90.0, -46.0, 20.0, -43.1]),
    )
    # a quarter of the equator, one degree of a meridian, the same point, unknown
    np.testing.assert_allclose(
        km[:3], [np.pi * radius / 2, np.pi * radius / 180, 0.0], atol=1e-9
    )
    assert np.isnan(km[3])


def test_geolocate_parties_counts_fallbacks(raw_tables, de_params):
    tables = typed(raw_tables)
    zips, _ = nodes.locate_zip_prefixes(tables["geolocation"], de_params)
    customers, sellers, report = nodes.geolocate_parties(
        tables["customers"], tables["sellers"], zips
    )
    assert customers["geo_source"].tolist() == ["zip", "zip", "state", "none", "zip"]
    assert sellers["geo_source"].tolist() == ["zip", "zip"]
    assert report["customers"]["rules"] == {
        "customer_zip_prefix_without_geolocation": 2,
        "customer_without_coordinates": 1,
    }


# --- primary --------------------------------------------------------------------


def test_payment_columns_pick_main_type_and_shares():
    payments = pd.DataFrame(
        {
            "order_key": [0, 0, 0, 2],
            "payment_type": ["voucher", "credit_card", "voucher", "not_defined"],
            "payment_installments": [1, 4, 1, 1],
            "payment_value": [30.0, 40.0, 20.0, 0.0],
        }
    )
    columns = primary._payment_columns(payments, 3)
    assert list(columns["payment_type"].astype(object)) == [
        "voucher",
        np.nan,
        "not_defined",
    ]
    np.testing.assert_allclose(columns["payment_value"], [90.0, np.nan, 0.0])
    np.testing.assert_allclose(columns["share_voucher"], [50 / 90, np.nan, np.nan])
    np.testing.assert_allclose(columns["installments"], [4.0, np.nan, 1.0])
    assert columns["n_payments"].tolist() == [3, 0, 1]


def test_review_columns_mean_and_first():
    reviews = pd.DataFrame(
        {
            "order_key": [1, 1],
            "review_score": [5, 2],
            "review_creation_date": pd.to_datetime(["2018-01-03", "2018-01-02"]),
        }
    )
    columns = primary._review_columns(reviews, 2)
    assert columns["n_reviews"].tolist() == [0, 2]
    np.testing.assert_allclose(columns["review_score"], [np.nan, 3.5])
    assert pd.isna(columns["review_ts"][0])
    assert columns["review_ts"][1] == np.datetime64("2018-01-02")


def test_data_quality_report_reads_per_kaggle_file():
    report = merge_reports(
        {"orders": {"rows_read": 3, "rows_kept": 3}},
        {"orders": {"rules": {"order_without_review": 2}}},
    )
    assert report == {
        "olist_orders_dataset.csv": {
            "rows_read": 3,
            "rows_kept": 3,
            "rules": {
                "order_without_review": {
                    "count": 2,
                    "action": RULES["order_without_review"][1],
                }
            },
        }
    }


def test_params_reject_typos():
    with pytest.raises(ValueError, match="brazil_bounding_boxx"):
        DataEngineeringParams.model_validate(
            {"brazil_bounding_boxx": BOX.model_dump(), "brazil_bounding_box": BOX}
        )
    with pytest.raises(ValueError, match="lat_min < lat_max"):
        BoundingBox(lat_min=5, lat_max=-33, lng_min=-74, lng_max=-32)


# --- real files -----------------------------------------------------------------

REAL_FILES = ("order_payments", "products", "sellers", "category_translation")


def test_real_files_validate_and_clean(real_olist_dir):
    tables = {
        name: validated(
            OlistCSVDataset(str(real_olist_dir / file_of(name))).load(), name
        )[0]
        for name in REAL_FILES
    }
    assert len(tables["order_payments"]) == 103_886
    assert len(tables["category_translation"]) == 71
    assert tables["category_translation"].columns[0] == "product_category_name"
    assert tables["sellers"]["seller_zip_code_prefix"].str.len().eq(5).all()
    products, counts = clean.clean_products(
        tables["products"], tables["category_translation"]
    )
    assert counts["product_without_category"] == 610
    untranslated = set(
        products.loc[
            products["product_category_name"].notna()
            & (products["category"] == products["product_category_name"]),
            "category",
        ]
    )
    assert {"pc_gamer", "portateis_cozinha_e_preparadores_de_alimentos"} <= untranslated
    assert (products["category"] == "unknown").sum() == 610
    payments, counts = clean.clean_payments(tables["order_payments"])
    assert counts == {"zero_installments": 2, "payment_type_not_defined": 3}
    assert payments["payment_installments"].between(1, 24).all()
