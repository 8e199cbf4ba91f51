"""The project's pipelines, one folder each (``find_pipelines`` registers them)."""

#: The real work, in data-flow order: ``kedro run`` (``__default__``) runs it plain,
#: ``kedro run --pipelines=training`` runs it packaged for MLflow. ``synthetic`` only
#: writes raw data and is part of neither; nor is ``clv`` yet (``kedro run
#: --pipelines=clv`` after a run): its Gamma-Gamma guard refuses samples with fewer
#: than ``clv.min_repeat_buyers`` repeat buyers, which stopped the whole run on
#: halves of the real sample (8 repeat buyers).
DEFAULT_PIPELINES = (
    "data_engineering",
    "feature_engineering",
    "modelling",
    "stability",
    "reporting",
)
