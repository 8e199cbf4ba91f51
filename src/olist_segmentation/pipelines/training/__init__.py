"""The whole work packaged for MLflow: ``kedro run --pipelines=training``."""

from .pipeline import create_pipeline

__all__ = ["create_pipeline"]
