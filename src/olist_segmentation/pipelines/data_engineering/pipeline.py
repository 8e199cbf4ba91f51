"""The data_engineering pipeline: parse -> clean -> rekey -> geolocate -> primary."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from . import primary
from .contract import TABLES
from .nodes import (
    CLEANED_TABLES,
    build_data_quality_report,
    build_primary_order_items,
    clean_tables,
    geolocate_parties,
    locate_zip_prefixes,
    make_parser,
    rekey_tables,
)


def create_pipeline(**kwargs: object) -> Pipeline:
    """Raw Olist CSVs (typed on load) to the primary tables and the quality report."""
    parse = [
        Node(
            func=make_parser(table),
            inputs=f"raw_{table}",
            outputs=[f"typed_{table}", f"repairs_{table}"],
            name=f"parse_{table}",
            tags=["parse"],
        )
        for table in TABLES
    ]
    cleaned = {table: f"clean_{table}" for table in CLEANED_TABLES}
    keyed = {table: f"keyed_{table}" for table in CLEANED_TABLES}
    return Pipeline(
        [
            *parse,
            Node(
                func=clean_tables,
                inputs={
                    table: f"typed_{table}"
                    for table in (*CLEANED_TABLES, "category_translation")
                },
                outputs={**cleaned, "report": "clean_report"},
                name="clean_tables",
                tags=["clean"],
            ),
            Node(
                func=rekey_tables,
                inputs=cleaned,
                outputs={**keyed, "id_map": "id_map"},
                name="rekey_tables",
                tags=["rekey"],
            ),
            Node(
                func=locate_zip_prefixes,
                inputs=["typed_geolocation", "params:data_engineering"],
                outputs=["zip_locations", "geolocation_report"],
                name="locate_zip_prefixes",
                tags=["geolocate"],
            ),
            Node(
                func=geolocate_parties,
                inputs=["keyed_customers", "keyed_sellers", "zip_locations"],
                outputs=["located_customers", "located_sellers", "parties_report"],
                name="geolocate_parties",
                tags=["geolocate"],
            ),
            Node(
                func=build_primary_order_items,
                inputs=[
                    "keyed_order_items",
                    "keyed_products",
                    "located_sellers",
                    "located_customers",
                    "keyed_orders",
                ],
                outputs=["primary_order_items", "located_order_items"],
                name="build_primary_order_items",
                tags=["primary"],
            ),
            Node(
                func=primary.build_orders,
                inputs=[
                    "keyed_orders",
                    "located_customers",
                    "located_order_items",
                    "keyed_order_payments",
                    "keyed_order_reviews",
                ],
                outputs="primary_orders",
                name="build_primary_orders",
                tags=["primary"],
            ),
            Node(
                func=primary.build_reviews,
                inputs="keyed_order_reviews",
                outputs="primary_reviews",
                name="build_primary_reviews",
                tags=["primary"],
            ),
            Node(
                func=primary.build_persons,
                inputs=["located_customers", "keyed_orders"],
                outputs="primary_persons",
                name="build_primary_persons",
                tags=["primary"],
            ),
            Node(
                func=build_data_quality_report,
                inputs=[
                    "raw_data_source",
                    "clean_report",
                    "geolocation_report",
                    "parties_report",
                    *(f"repairs_{table}" for table in TABLES),
                ],
                outputs="data_quality_report",
                name="build_data_quality_report",
                tags=["report"],
            ),
        ]
    )
