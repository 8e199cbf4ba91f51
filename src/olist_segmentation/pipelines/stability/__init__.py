"""Stability over time and the maintenance recommendation."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
