"""Project pipelines."""

from __future__ import annotations

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

# The real work, in data-flow order. ``synthetic`` only writes raw data and is
# never part of the default run.
DEFAULT_PIPELINES = (
    "data_engineering",
    "feature_engineering",
    "modelling",
    "stability",
    "reporting",
)


def register_pipelines() -> dict[str, Pipeline]:
    """Register every pipeline by its folder name; ``__default__`` is the real work."""
    pipelines = find_pipelines(raise_errors=True)
    pipelines["__default__"] = sum(
        (pipelines[name] for name in DEFAULT_PIPELINES if name in pipelines),
        start=Pipeline([]),
    )
    return pipelines
