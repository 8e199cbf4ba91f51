"""Read the outputs of one Kedro run together.

Every versioned output of one ``kedro run`` is saved under the same version (the
session id). A run killed half-way leaves new versions of what it saved so far
beside the previous run's others; a later partial run (``kedro run
--pipelines=reporting``) loading "the latest" of each would mix two runs.
:class:`OneRunInputs` checks, before any node runs, the versioned datasets the run
reads but does not produce: when their latest versions differ, it loads every one
of them at the latest version they all share (the last run that wrote them all),
replacing each in the catalog by ``catalog.get(name, version=...)``, and says so; when they share none, it stops, naming each input and its versions.
Versions pinned with ``--load-versions`` are left as given.
"""

from __future__ import annotations

import logging
from typing import Any

from kedro.framework.hooks import hook_impl
from kedro.io import AbstractVersionedDataset, Version
from kedro.io.core import VersionNotFoundError
from kedro.pipeline import Pipeline

logger = logging.getLogger(__name__)


class MixedRunInputs(RuntimeError):
    """The inputs of a run were never written together by one Kedro run."""


def _versioned_inputs(
    pipeline: Pipeline, catalog: Any, pinned: set[str]
) -> dict[str, AbstractVersionedDataset]:
    found = {}
    for name in sorted(pipeline.inputs() - pinned):
        if name.startswith("params:") or name not in catalog:
            continue
        dataset = catalog[name]
        # An unversioned dataset has no save version.
        if (
            isinstance(dataset, AbstractVersionedDataset)
            and dataset.resolve_save_version()
        ):
            found[name] = dataset
    return found


def _versions(dataset: AbstractVersionedDataset) -> list[str]:
    try:
        return dataset.list_versions(full_path=False)
    except VersionNotFoundError:
        return []


def choose_one_run(versions: dict[str, list[str]]) -> str | None:
    """The latest version every dataset has (``None`` when their latest agree).

    Raises :class:`MixedRunInputs` naming the inputs when no version is shared.
    """
    latest = {name: found[0] if found else None for name, found in versions.items()}
    if len(set(latest.values())) <= 1 and None not in latest.values():
        return None
    shared = set.intersection(*(set(found) for found in versions.values()))
    if not shared:
        listed = "; ".join(
            f"{name}: {', '.join(found[:3]) or 'no version'}"
            for name, found in versions.items()
        )
        raise MixedRunInputs(
            f"no Kedro run wrote all of {sorted(versions)} (newest versions: "
            f"{listed}); run `kedro run` to produce them together, or pin each "
            "with --load-versions=<dataset>:<version>"
        )
    return max(shared)


class OneRunInputs:
    """Load a run's versioned inputs from one Kedro run (see the module docstring)."""

    @hook_impl
    def before_pipeline_run(
        self, run_params: dict[str, Any], pipeline: Pipeline, catalog: Any
    ) -> None:
        pinned = set(run_params.get("load_versions") or {})
        datasets = _versioned_inputs(pipeline, catalog, pinned)
        if len(datasets) < 2:
            return
        chosen = choose_one_run({name: _versions(d) for name, d in datasets.items()})
        if chosen is None:
            return
        logger.warning(
            "Reading the inputs from Kedro run %s, the last run that wrote them all: "
            "their latest versions come from different runs (%s).",
            chosen,
            ", ".join(sorted(datasets)),
        )
        # The catalog's own copy of each dataset pinned to that load version (these
        # are inputs: the run saves none of them).
        for name in datasets:
            catalog[name] = catalog.get(name, version=Version(chosen, None))
