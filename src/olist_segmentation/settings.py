"""Project settings: Kedro defaults, with the OmegaConf loader reading conf/base and conf/local."""

from pathlib import Path

from kedro.utils import find_kedro_project

from olist_segmentation.hooks import MlflowStoreInProject
from olist_segmentation.run_versions import OneRunInputs

# kedro-mlflow's own hook is registered by its plugin entry point.
HOOKS = (MlflowStoreInProject(), OneRunInputs())


def _project_root() -> str:
    """The Kedro project around the working directory, found as ``kedro`` finds it.

    ``conf/base/mlflow.yml`` uses it (``${project_root:}``) so that the sqlite store
    is the project's own ``mlflow.db`` from a notebook in ``notebooks/`` too.
    """
    return (find_kedro_project(Path.cwd()) or Path.cwd()).resolve().as_posix()


CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    "custom_resolvers": {"project_root": _project_root},
}
