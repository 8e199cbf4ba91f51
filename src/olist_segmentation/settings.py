"""Project settings: Kedro defaults, with the OmegaConf loader reading conf/base and conf/local."""

from olist_segmentation.hooks import MlflowForTrackedRuns
from olist_segmentation.run_versions import OneRunInputs

# kedro-mlflow's plugin hook sets MLflow up for every session; the project's hook
# creates kedro-mlflow's MlflowHook for tracked runs only (hooks.py, docs/usage.md).
# Registered under the plugin hook's entry-point name, it keeps Kedro from loading that
# entry point at all; disabling the plugin's hooks still guarantees one MLflow run per
# session should kedro-mlflow rename it. Kedro matches the distribution's metadata
# name, which kedro-mlflow 2.x spells with an underscore.
DISABLE_HOOKS_FOR_PLUGINS = ("kedro_mlflow",)
HOOKS = (MlflowForTrackedRuns(), OneRunInputs())

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # kedro-mlflow's own patterns for mlflow.yml, read by the project's hook.
    "config_patterns": {"mlflow": ["mlflow*", "mlflow*/**", "**/mlflow*"]},
}
