"""Strict parsing of the typed parameters: a typo fails, naming file and section.

Every pipeline declares its parameters as a dataclass (or a Pydantic model) and
builds it with :func:`reject_unknown` in its ``from_dict``. The
:class:`~olist_segmentation.hooks.ValidateParameters` hook builds all of those the
run needs before its first node, so a typo never costs a half-finished run.
"""

from __future__ import annotations

import dataclasses
from typing import Any


def reject_unknown(values: Any, cls: type, section: str) -> None:
    """Fail unless ``values`` is a mapping whose keys are fields of ``cls``.

    ``section`` is the dotted path of the mapping (``"stability.monitoring"``); its
    first part names the file, ``conf/base/parameters_<first part>.yml``.
    """
    file = f"parameters_{section.split('.', maxsplit=1)[0]}.yml"
    if not isinstance(values, dict):
        raise ValueError(f"{file}: '{section}' must be a mapping, got {values!r}")
    known = {field.name for field in dataclasses.fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(
            f"{file}: unknown key(s) {unknown} under '{section}'; "
            f"expected some of {sorted(known)}"
        )
