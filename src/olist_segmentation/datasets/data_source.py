"""Where the raw data comes from: the synthetic generator, or real files.

``RawDataSourceDataset`` loads (never saves) what the data-quality report says of
the raw folder: ``{"kind": "synthetic" | "real", "reason": "<text>"}``. The data
is synthetic when every CSV of the folder matches the MD5 that the synthetic
generator recorded in ``.synthetic_manifest.json`` when it wrote it
(``OlistCSVDataset.save``); any other file, a changed file or no manifest makes
it real.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

from kedro.io.core import AbstractDataset, DatasetError, get_filepath_str

from .olist_csv import MANIFEST, md5


def data_source(folder: Path) -> dict[str, str]:
    """``{"kind", "reason"}`` of the CSVs in ``folder`` (see the module docstring)."""
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        return {
            "kind": "real",
            "reason": f"no {MANIFEST} in {folder}: the synthetic generator did not "
            "write these files",
        }
    manifest = json.loads(manifest_path.read_text())
    files = sorted(folder.glob("*.csv"))
    for path in files:
        if path.name not in manifest:
            return {
                "kind": "real",
                "reason": f"{path.name} was not written by the synthetic generator",
            }
        if manifest[path.name] != md5(path):
            return {
                "kind": "real",
                "reason": f"{path.name} differs from the file the synthetic "
                f"generator wrote (MD5 in {MANIFEST})",
            }
    return {
        "kind": "synthetic",
        "reason": f"all {len(files)} raw files match the MD5 the synthetic "
        f"generator recorded in {MANIFEST}: figures describe generated data, not "
        "Olist's customers",
    }


class RawDataSourceDataset(AbstractDataset[None, dict[str, str]]):
    """Read-only: whether the raw folder holds synthetic or real data."""

    def __init__(self, folder: str, metadata: dict[str, Any] | None = None) -> None:
        self._folder = PurePosixPath(folder)
        self.metadata = metadata

    def _describe(self) -> dict[str, Any]:
        return {"folder": str(self._folder)}

    def load(self) -> dict[str, str]:
        return data_source(Path(get_filepath_str(self._folder, "file")))

    def save(self, data: None) -> None:
        raise DatasetError(f"{self._folder}: the raw data source is read-only")

    def _exists(self) -> bool:
        return Path(get_filepath_str(self._folder, "file")).is_dir()
