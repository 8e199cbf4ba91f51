"""Segments: candidates per algorithm -> select -> fit -> assign -> profile."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
