"""The generator's files are byte-for-byte those of a given seed and scale.

``golden_md5.json`` holds the MD5 of every file ``kedro run --pipelines=synthetic``
writes to ``data/01_raw`` (the manifest included) at three scales, default seed.
A refactoring must keep them; a change of the generator's behaviour changes them
on purpose, and the commit that does so says so. To record new ones::

    kedro run --pipelines=synthetic --params synthetic.scale=0.2   # in a project copy
    md5sum data/01_raw/* data/01_raw/.synthetic_manifest.json
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.conftest import SYNTHETIC_TEST_SCALE, copy_project

GOLDEN = json.loads((Path(__file__).parent / "golden_md5.json").read_text())


def _md5s(raw: Path) -> dict[str, str]:
    files = sorted(p for p in raw.iterdir() if p.name != ".gitkeep")
    return {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in files}


def test_small_scale_files_are_the_golden_ones(synthetic_project):
    assert (
        _md5s(synthetic_project / "data" / "01_raw")
        == GOLDEN[str(SYNTHETIC_TEST_SCALE)]
    )


@pytest.mark.slow
@pytest.mark.parametrize("scale", ["0.2", "1.0"])
def test_larger_scale_files_are_the_golden_ones(tmp_path, scale):
    from kedro.framework.session import KedroSession  # noqa: PLC0415
    from kedro.framework.startup import bootstrap_project  # noqa: PLC0415

    project = copy_project(tmp_path / "project")
    bootstrap_project(project)
    runtime_params = {"synthetic": {"scale": float(scale)}}
    with KedroSession.create(project_path=project, runtime_params=runtime_params) as s:
        s.run(pipeline_names=["synthetic"])
    assert _md5s(project / "data" / "01_raw") == GOLDEN[scale]
