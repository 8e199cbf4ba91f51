"""Expected value and chance of buying again per customer (BG/NBD + Gamma-Gamma)."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
