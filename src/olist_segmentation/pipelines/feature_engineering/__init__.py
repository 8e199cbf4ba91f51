"""Customer features as of a snapshot date."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
