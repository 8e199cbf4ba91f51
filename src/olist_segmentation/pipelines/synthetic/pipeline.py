"""Writes the nine Olist CSVs and the persona truth to the raw layer."""

from __future__ import annotations

from kedro.pipeline import Node, Pipeline

from .blocks import generate_orders
from .catalogue import generate_catalogue
from .geography import generate_geography


def create_pipeline(**kwargs) -> Pipeline:
    """Geography -> sellers and products -> persons and their orders, in blocks."""
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
                func=generate_orders,
                inputs=[
                    "synthetic_zip_prefixes",
                    "synthetic_sellers",
                    "synthetic_products",
                    params,
                ],
                outputs=[
                    "raw_orders",
                    "raw_customers",
                    "raw_order_items",
                    "raw_order_payments",
                    "raw_order_reviews",
                    "synthetic_personas",
                ],
                name="generate_orders",
            ),
        ]
    )
