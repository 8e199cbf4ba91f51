"""A Kedro dataset for the Olist CSVs in Kaggle's own format.

Loading reads every column as text (``dtype=str``), so that parsing and validation
happen in the ``data_engineering`` pipeline where a bad value can be reported by
file, column and rule. Saving reproduces the quirks of the Kaggle release, so
that the synthetic data exercises the same reader as the real files:

- the header is quoted (except in the category translation file);
- zip code prefixes are always quoted (they are strings with leading zeros);
- 32-hex ids are quoted on some rows and not on others;
- text with commas, quotes or newlines is quoted, quotes doubled;
- the translation file has a UTF-8 BOM, CRLF line endings and no final newline.

Saving never replaces a file that this dataset did not write itself (a user's
real Kaggle file) unless ``overwrite`` is true: every file it writes is recorded
with its MD5 in ``.synthetic_manifest.json`` beside it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
from kedro.io.core import AbstractDataset, DatasetError, get_filepath_str

MANIFEST = ".synthetic_manifest.json"


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _quote(values: pd.Series) -> pd.Series:
    return '"' + values.str.replace('"', '""', regex=False) + '"'


def _format_column(name: str, values: pd.Series) -> pd.Series:
    """Render one column as CSV cells in the Kaggle style."""
    missing = values.isna()
    text = values.astype("string").fillna("")
    if "zip_code_prefix" in name:
        text = _quote(text)
    elif name.endswith("_id"):
        # Kaggle quotes ids on some rows only; the choice follows the id itself so
        # the output is deterministic.
        sometimes = text.str[-1].isin(list("02468ace"))
        text = text.where(~sometimes, _quote(text))
    else:
        special = text.str.contains(r'[",\r\n]', regex=True)
        text = text.where(~special, _quote(text))
    return text.where(~missing, "")


class OlistCSVDataset(AbstractDataset[pd.DataFrame, pd.DataFrame]):
    """Reads an Olist CSV as text columns; writes one in Kaggle's format."""

    def __init__(
        self,
        filepath: str,
        *,
        quote_header: bool = True,
        bom: bool = False,
        crlf: bool = False,
        final_newline: bool = True,
        overwrite: bool = False,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self._filepath = PurePosixPath(filepath)
        self._quote_header = quote_header
        self._bom = bom
        self._crlf = crlf
        self._final_newline = final_newline
        self._overwrite = overwrite
        self.metadata = metadata

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "overwrite": self._overwrite}

    def _exists(self) -> bool:
        return Path(get_filepath_str(self._filepath, "file")).exists()

    def load(self) -> pd.DataFrame:
        path = Path(get_filepath_str(self._filepath, "file"))
        if not path.exists():
            raise DatasetError(
                f"{path.name}: file not found at {path}. Put the Kaggle Olist CSVs in "
                f"{path.parent} or run `kedro run --pipeline=synthetic`."
            )
        try:
            return pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                encoding="utf-8-sig",
            )
        except UnicodeDecodeError as exc:
            raise DatasetError(
                f"{path.name}: rule 'valid UTF-8' broken at byte {exc.start}"
            ) from exc
        except pd.errors.EmptyDataError as exc:
            raise DatasetError(
                f"{path.name}: rule 'not empty' broken: the file is empty"
            ) from exc
        except pd.errors.ParserError as exc:
            raise DatasetError(
                f"{path.name}: rule 'well-formed CSV' broken: {exc}"
            ) from exc

    def save(self, data: pd.DataFrame) -> None:
        path = Path(get_filepath_str(self._filepath, "file"))
        manifest_path = path.parent / MANIFEST
        manifest = (
            json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        )
        if (
            path.exists()
            and not self._overwrite
            and manifest.get(path.name) != _md5(path)
        ):
            raise DatasetError(
                f"{path}: refusing to overwrite a file the synthetic generator did not "
                "write (real data?). Move it away, or pass "
                "`--params synthetic.overwrite=true`."
            )
        header = ",".join(
            f'"{column}"' if self._quote_header else column for column in data.columns
        )
        cells = [_format_column(column, data[column]) for column in data.columns]
        rows = cells[0].str.cat(cells[1:], sep=",") if len(cells) > 1 else cells[0]
        newline = "\r\n" if self._crlf else "\n"
        text = newline.join([header, *rows.tolist()])
        if self._final_newline:
            text += newline
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            text, encoding="utf-8-sig" if self._bom else "utf-8", newline=""
        )
        manifest[path.name] = _md5(path)
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
