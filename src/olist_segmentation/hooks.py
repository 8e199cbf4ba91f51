"""Project hooks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl


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
