"""The marketing report: HTML and Markdown in 08_reporting."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
