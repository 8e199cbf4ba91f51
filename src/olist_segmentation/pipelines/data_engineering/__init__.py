"""data_engineering: raw Olist CSVs to validated, rekeyed, geolocated primary tables."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
