"""Project hooks."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl
from kedro.pipeline import Pipeline

# params:<key> -> "module:callable" that builds the typed parameters of <key>.
PARAMETER_PARSERS = {
    "modelling": "olist_segmentation.pipelines.modelling.params:ModellingParams.from_dict",
    "stability": "olist_segmentation.pipelines.stability.params:StabilityParams.from_dict",
    "reporting": "olist_segmentation.pipelines.reporting.nodes:ReportingParams.from_dict",
}


def _parser(path: str) -> Any:
    module, _, attributes = path.partition(":")
    target: Any = importlib.import_module(module)
    for attribute in attributes.split("."):
        target = getattr(target, attribute)
    return target


class MlflowStoreInProject:
    """Resolve ``conf/base/mlflow.yml`` from the project's own folder.

    kedro-mlflow reads ``mlflow.yml`` when the context is created; its
    ``${project_root:}`` resolver finds the project around the working directory.
    A session created in Python for another folder (a test's project copy, a
    notebook elsewhere) would otherwise record into the store of whatever project
    the caller stands in. Wrapping the hook call in the project's folder makes the
    resolved URI point at ``<project>/mlflow.db`` and ``<project>/mlruns``.
    """

    @hook_impl(hookwrapper=True)
    def after_context_created(self, context: KedroContext) -> Iterator[None]:
        previous = Path.cwd()
        os.chdir(context.project_path)
        try:
            yield
        finally:
            os.chdir(previous)


class ValidateParameters:
    """Build the typed parameters of every pipeline in the run before its first node.

    Each node parses its own ``params:<pipeline>`` too; doing it up front means a typo
    in ``parameters_stability.yml`` stops ``kedro run`` at once, not after the
    data engineering and the candidate search have run.

    Kedro 1.7 validates typed parameters itself when a node's ``params:`` argument
    is annotated with a Pydantic model or a dataclass, but it builds a dataclass
    with ``cls(**raw)``, leaving nested sections as plain dicts; the modelling and
    stability classes nest, and only data engineering's is Pydantic. Moving them all
    to Pydantic models would let Kedro's own validator replace this hook.
    """

    @hook_impl
    def before_pipeline_run(self, pipeline: Pipeline, catalog: Any) -> None:
        for name in sorted(pipeline.inputs()):
            key = name.removeprefix("params:")
            if name.startswith("params:") and key in PARAMETER_PARSERS:
                _parser(PARAMETER_PARSERS[key])(catalog.load(name))
