"""kedro-mlflow's hook, created only for the runs it tracks, in the project's own store.

kedro-mlflow's plugin hook (disabled in ``settings.py``) sets MLflow up for every
Kedro session: it opens the tracking store, creates the experiment and starts an
MLflow run, which costs seconds before the first node, even for a pipeline that logs
nothing. :class:`MlflowForTrackedRuns` takes its place: it creates kedro-mlflow's own
``MlflowHook`` when a run starts whose pipelines are tracked (kedro-mlflow's rule on
``tracking.disable_tracking.pipelines`` in ``conf/base/mlflow.yml``), and forwards it
every hook call it implements (a node's typed parameters as dicts, so that they are
logged flattened). An untracked run opens no store and starts no MLflow run.

It also keeps a session from importing MLflow: pluggy registers a hook object under
its ``__name__`` and loads no entry point whose name is registered already, so this
hook, named as kedro-mlflow's ``kedro.hooks`` entry point, stands in its place and
Kedro never imports kedro-mlflow's hook module (which imports MLflow at its top;
``DISABLE_HOOKS_FOR_PLUGINS`` only unregisters a plugin after loading it). Under the
``kedro`` command MLflow is still imported, by kedro-mlflow's command-line plugin
(docs/usage.md, "Start-up").

The store is the project's own wherever Python stands: a relative sqlite store in
``mlflow.yml`` (``sqlite:///mlflow.db``) is resolved against the project's folder, as
kedro-mlflow resolves a relative path, and given to kedro-mlflow through the config
loader (Kedro's documented ``config_loader[key] = ...`` bypass). Every session also
points ``MLFLOW_TRACKING_URI`` (MLflow's documented setting) at it, so that MLflow
calls made in a notebook read the project's runs without importing MLflow here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from copy import deepcopy
from pathlib import Path
from typing import Any

from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl
from kedro.pipeline import Pipeline
from kedro.pipeline.node import Node
from pydantic import BaseModel

SQLITE = "sqlite:///"
STORE_KEYS = ("mlflow_tracking_uri", "mlflow_registry_uri")
# kedro-mlflow's entry point in Kedro's ``kedro.hooks`` group.
KEDRO_MLFLOW_HOOK = "mlflow_hook"


def in_project(mlflow_conf: dict[str, Any], project_path: Path) -> dict[str, Any]:
    """``mlflow.yml``'s configuration with its relative sqlite stores in ``project_path``.

    ``sqlite:///mlflow.db`` becomes ``sqlite:///<project>/mlflow.db``; an absolute
    sqlite path (``sqlite:////...``), a server URL or ``null`` is kept as written.
    """
    resolved = deepcopy(mlflow_conf)
    server = resolved.setdefault("server", {})
    for key in STORE_KEYS:
        uri = server.get(key)
        if uri and uri.startswith(SQLITE) and not uri.startswith(SQLITE + "/"):
            path = Path(project_path).resolve() / uri.removeprefix(SQLITE)
            server[key] = SQLITE + path.as_posix()
    return resolved


def is_tracked(
    pipeline_names: Sequence[str] | None, mlflow_conf: dict[str, Any]
) -> bool:
    """kedro-mlflow's rule: a run is tracked unless every pipeline it runs is listed
    in ``tracking.disable_tracking.pipelines`` (no names: ``__default__``)."""
    tracking = mlflow_conf.get("tracking") or {}
    disabled = (tracking.get("disable_tracking") or {}).get("pipelines") or []
    return not all(name in disabled for name in pipeline_names or ["__default__"])


def plain_params(inputs: dict[str, Any]) -> dict[str, Any]:
    """A node's inputs with its typed parameters as the dicts kedro-mlflow flattens.

    Kedro 1.7 hands a node its ``params:`` input as the pydantic model it validated;
    kedro-mlflow flattens dicts only (``stability.step_days``) and would log the
    model's repr as one parameter.
    """
    return {
        name: value.model_dump(mode="json")
        if name.startswith("params:") and isinstance(value, BaseModel)
        else value
        for name, value in inputs.items()
    }


class MlflowForTrackedRuns:
    """kedro-mlflow's ``MlflowHook`` for tracked runs only (see the module docstring)."""

    # The name pluggy registers this hook under: kedro-mlflow's entry point is then
    # left unloaded (see the module docstring).
    __name__ = KEDRO_MLFLOW_HOOK

    def __init__(self) -> None:
        self._context: KedroContext | None = None
        self._catalog_created: dict[str, Any] = {}
        self._mlflow: Any = None

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        self._context = context
        self._mlflow = None
        conf = in_project(context.config_loader["mlflow"], context.project_path)
        context.config_loader["mlflow"] = conf
        for key, variable in zip(
            STORE_KEYS, ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI"), strict=True
        ):
            if conf["server"].get(key):
                os.environ[variable] = conf["server"][key]

    @hook_impl
    def after_catalog_created(  # noqa: PLR0913, PLR0917
        self,
        catalog: Any,
        conf_catalog: dict[str, Any],
        conf_creds: dict[str, Any],
        parameters: dict[str, Any],
        save_version: str,
        load_versions: dict[str, str],
    ) -> None:
        self._catalog_created = {
            "catalog": catalog,
            "conf_catalog": conf_catalog,
            "conf_creds": conf_creds,
            "parameters": parameters,
            "save_version": save_version,
            "load_versions": load_versions,
        }

    @hook_impl
    def before_pipeline_run(
        self, run_params: dict[str, Any], pipeline: Pipeline, catalog: Any
    ) -> None:
        context = self._context
        if context is None or not is_tracked(
            run_params.get("pipeline_names"), context.config_loader["mlflow"]
        ):
            self._mlflow = None
            return
        from kedro_mlflow.framework.hooks import MlflowHook  # noqa: PLC0415

        hook = MlflowHook()
        hook.after_context_created(context)
        hook.after_catalog_created(**{**self._catalog_created, "catalog": catalog})
        hook.before_pipeline_run(run_params, pipeline, catalog)
        self._mlflow = hook

    @hook_impl
    def before_node_run(
        self, node: Node, catalog: Any, inputs: dict[str, Any], is_async: bool
    ) -> None:
        if self._mlflow is not None:
            self._mlflow.before_node_run(node, catalog, plain_params(inputs), is_async)

    @hook_impl
    def after_pipeline_run(
        self, run_params: dict[str, Any], pipeline: Pipeline, catalog: Any
    ) -> None:
        if self._mlflow is not None:
            self._mlflow.after_pipeline_run(run_params, pipeline, catalog)

    @hook_impl
    def on_pipeline_error(
        self,
        error: Exception,
        run_params: dict[str, Any],
        pipeline: Pipeline,
        catalog: Any,
    ) -> None:
        if self._mlflow is not None:
            self._mlflow.on_pipeline_error(error, run_params, pipeline, catalog)
