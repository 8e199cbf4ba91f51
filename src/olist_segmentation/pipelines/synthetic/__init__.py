"""The ``synthetic`` pipeline: Olist-shaped raw data with planted personas."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
