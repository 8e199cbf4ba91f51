"""olist-segmentation: customer segments of the Olist e-commerce data."""

__version__ = "0.1.0"
