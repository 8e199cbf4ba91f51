"""Writes the nine Olist CSVs and the persona truth to the raw layer."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from .catalogue import generate_catalogue
from .customers import generate_customers
from .geography import generate_geography
from .orders import format_orders, simulate_orders
from .payments import generate_payments
from .reviews import generate_reviews


def create_pipeline(**kwargs) -> Pipeline:
    """Geography -> sellers and products -> people -> orders -> payments, reviews."""
    params = "params:synthetic"
    return Pipeline(
        [
            Node(
                func=generate_geography,
                inputs=params,
                outputs=["synthetic_zip_prefixes", "raw_geolocation"],
                name="generate_geography",
            ),
            Node(
                func=generate_catalogue,
                inputs=["synthetic_zip_prefixes", params],
                outputs=[
                    "synthetic_sellers",
                    "synthetic_products",
                    "raw_sellers",
                    "raw_products",
                    "raw_category_translation",
                ],
                name="generate_catalogue",
            ),
            Node(
                func=generate_customers,
                inputs=["synthetic_zip_prefixes", params],
                outputs=[
                    "synthetic_persons",
                    "synthetic_order_times",
                    "synthetic_personas",
                ],
                name="generate_customers",
            ),
            Node(
                func=simulate_orders,
                inputs={
                    "persons": "synthetic_persons",
                    "orders": "synthetic_order_times",
                    "zips": "synthetic_zip_prefixes",
                    "sellers": "synthetic_sellers",
                    "products": "synthetic_products",
                    "params": params,
                },
                outputs=["synthetic_orders", "raw_order_items"],
                name="simulate_orders",
            ),
            Node(
                func=format_orders,
                inputs=[
                    "synthetic_orders",
                    "synthetic_persons",
                    "synthetic_zip_prefixes",
                    params,
                ],
                outputs=["raw_orders", "raw_customers"],
                name="format_orders",
            ),
            Node(
                func=generate_payments,
                inputs=["synthetic_orders", params],
                outputs="raw_order_payments",
                name="generate_payments",
            ),
            Node(
                func=generate_reviews,
                inputs=["synthetic_orders", params],
                outputs="raw_order_reviews",
                name="generate_reviews",
            ),
        ]
    )
