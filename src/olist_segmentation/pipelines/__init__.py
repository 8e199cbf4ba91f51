"""The project's pipelines, one folder each (``find_pipelines`` registers them)."""

#: The real work, in data-flow order: ``kedro run`` (``__default__``) runs it plain,
#: ``kedro run --pipelines=training`` runs it packaged for MLflow. ``synthetic`` only
#: writes raw data and is part of neither. ``clv`` never stops the run on a small
#: sample: too few repeat buyers for Gamma-Gamma, or a failed fit, give a flagged
#: fallback (docs/clv.md).
DEFAULT_PIPELINES = (
    "data_engineering",
    "feature_engineering",
    "modelling",
    "clv",
    "stability",
    "reporting",
)
