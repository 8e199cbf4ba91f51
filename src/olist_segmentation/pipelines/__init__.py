"""The project's pipelines, one folder each (``find_pipelines`` registers them)."""

#: The real work, in data-flow order: ``kedro run`` (``__default__``) runs it plain,
#: ``kedro run --pipelines=training`` runs it packaged for MLflow. ``synthetic`` only
#: writes raw data and is part of neither.
DEFAULT_PIPELINES = (
    "data_engineering",
    "feature_engineering",
    "modelling",
    "clv",
    "stability",
    "reporting",
)
