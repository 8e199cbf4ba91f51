"""A Kedro dataset for the Olist CSVs in Kaggle's own format.

Loading reads every column as text (Arrow's parser, falling back to pandas' for
files it refuses, whose errors are the clearer), so that the data contract types
and checks it (the catalog's ``validator:`` runs the table's pandera model,
``data_engineering/contract.py``), where a bad value is reported by file, column
and rule. Saving reproduces the quirks of the Kaggle release, so that the
synthetic data exercises the same reader as the real files:

- the header is quoted (except in the category translation file);
- zip code prefixes are always quoted (they are strings with leading zeros);
- 32-hex ids are quoted on some rows and not on others;
- text with commas, quotes or newlines is quoted, quotes doubled;
- the translation file has a UTF-8 BOM, CRLF line endings and no final newline.

Loading refuses, with one error naming the file, what cannot be read without
guessing: another encoding (UTF-16, latin-1/cp1252), another delimiter (``;``,
tab, ``|``) and a header line repeated inside the file. Quoting (every field,
none, or only where needed) is standard CSV and reads alike.

Saving never replaces a file that this dataset did not write itself (a user's
real Kaggle file) unless ``overwrite`` is true: every file it writes is recorded
with its MD5 in ``.synthetic_manifest.json`` beside it.

The first save of a dataset instance writes the file; every later save of the same
instance appends its rows (no header), as Kedro's generator nodes save their
chunks one by one (the ``ChunkWiseCSVDataset`` of Kedro's documentation): a run
writes a large file block by block. The manifest is updated after every chunk.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from kedro.io.core import AbstractDataset, DatasetError, get_filepath_str
from kedro_datasets._typing import TablePreview

MANIFEST = ".synthetic_manifest.json"
OTHER_DELIMITERS = {";": "';'", "\t": "tab", "|": "'|'"}
# Enough bytes to hold a header line of any Olist file.
HEAD_BYTES = 1 << 16


def md5(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_with_arrow(path: Path) -> pd.DataFrame:
    """Read every column as text with Arrow's multi-threaded parser (fast path)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), None)
    if not header or len(set(header)) != len(header):
        raise ValueError("no header, or duplicated column names")
    table = pa_csv.read_csv(
        path,
        parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(header, pa.string()),
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    return table.to_pandas()


def _not_utf8(path: Path) -> DatasetError:
    """The error of a file that is not UTF-8: where the first bad byte is."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        where = f"at byte {exc.start} (line {line})"
    else:  # pragma: no cover - only called after a decoding error
        where = "somewhere"
    return DatasetError(
        f"{path.name}: rule 'valid UTF-8' broken {where}: the file is in another "
        "encoding (latin-1 or cp1252, as some spreadsheets save?). Re-save it as "
        "UTF-8; the encoding is not guessed."
    )


def check_format(path: Path) -> None:
    """Refuse a file in UTF-16 or whose header is not comma-separated."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        raise DatasetError(
            f"{path.name}: rule 'valid UTF-8' broken: the file is UTF-16 (as "
            "spreadsheets save 'Unicode text'). Re-save it as UTF-8 CSV."
        )
    header = head.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    if "," in header:
        return
    for delimiter, name in OTHER_DELIMITERS.items():
        if delimiter in header:
            raise DatasetError(
                f"{path.name}: rule 'comma-separated' broken: the header is "
                f"separated by {name}, not ','. Re-save the file with ',' as the "
                "delimiter; the delimiter is not guessed."
            )


def check_single_header(path: Path, frame: pd.DataFrame) -> None:
    """Refuse a file whose header line comes back among its data rows."""
    if frame.empty:
        return
    first = frame.columns[0]
    candidates = frame.index[(frame[first] == first).to_numpy(dtype=bool)]
    if not len(candidates):
        return
    rows = frame.loc[candidates]
    repeated = candidates[(rows == list(frame.columns)).all(axis=1).to_numpy()]
    if len(repeated):
        shown = ", ".join(str(row + 1) for row in repeated[:5])
        raise DatasetError(
            f"{path.name}: rule 'one header line' broken: the header is repeated "
            f"inside the file in {len(repeated)} row(s) (data row {shown}; files "
            "appended together?). Remove the repeated header lines."
        )


def _read_with_pandas(path: Path) -> pd.DataFrame:
    """Read every column as text with pandas, turning its errors into rules."""
    try:
        return pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8-sig",
        )
    except UnicodeDecodeError as exc:
        raise _not_utf8(path) from exc
    except pd.errors.EmptyDataError as exc:
        raise DatasetError(
            f"{path.name}: rule 'not empty' broken: the file is empty"
        ) from exc
    except pd.errors.ParserError as exc:
        raise DatasetError(
            f"{path.name}: rule 'well-formed CSV' broken: {exc}"
        ) from exc


def _quote(values: pa.Array) -> pa.Array:
    doubled = pc.replace_substring(values, '"', '""')
    return pc.binary_join_element_wise('"', doubled, '"', "")


def _format_column(name: str, values: pd.Series) -> pa.Array:
    """Render one column as CSV cells in the Kaggle style (Arrow kernels, no
    Python loop per row: a million geolocation rows take a fraction of a second)."""
    text = pa.array(values, from_pandas=True)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    if not pa.types.is_string(text.type):
        text = pc.cast(text, pa.string())
    missing = pc.is_null(text) if text.null_count else None
    text = pc.fill_null(text, "")
    if "zip_code_prefix" in name:
        text = _quote(text)
    else:
        # Kaggle quotes ids on some rows only; the choice follows the id itself so
        # the output is deterministic. Other text is quoted where CSV needs it.
        pattern = "[02468ace]$" if name.endswith("_id") else '[",\r\n]'
        needs_quotes = pc.match_substring_regex(text, pattern)
        if pc.any(needs_quotes).as_py():
            text = pc.if_else(needs_quotes, _quote(text), text)
    return text if missing is None else pc.if_else(missing, "", text)


def _rows_view(rows: pa.Array, newline: str) -> memoryview:
    """All rows, each followed by ``newline``, as one UTF-8 buffer (no copy)."""
    lines = pc.binary_join_element_wise(rows, "", newline)
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    start, end = offsets[lines.offset], offsets[lines.offset + len(lines)]
    return memoryview(lines.buffers()[2])[start:end]


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
        # Columns and MD5 of what this instance has written (None: nothing yet).
        self._written: tuple[list[str], Any] | None = None

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath), "overwrite": self._overwrite}

    def _exists(self) -> bool:
        return Path(get_filepath_str(self._filepath, "file")).exists()

    def load(self) -> pd.DataFrame:
        path = Path(get_filepath_str(self._filepath, "file"))
        if not path.exists():
            raise DatasetError(
                f"{path.name}: file not found at {path}. Put the Kaggle Olist CSVs in "
                f"{path.parent} or run `kedro run --pipelines=synthetic`."
            )
        check_format(path)
        try:
            frame = _read_with_arrow(path)
        except (pa.ArrowInvalid, UnicodeDecodeError, csv.Error, ValueError):
            # Arrow refuses what pandas reports best (bad UTF-8, an empty file,
            # ragged rows): the slower parser gives the same frame or the
            # precise error.
            frame = _read_with_pandas(path)
        check_single_header(path, frame)
        return frame

    def preview(self, nrows: int = 5) -> TablePreview:
        """The first ``nrows`` rows as text, for kedro-viz (``preview_args``)."""
        path = Path(get_filepath_str(self._filepath, "file"))
        check_format(path)
        head = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8-sig",
            nrows=nrows,
        )
        return TablePreview(
            head.astype(object).where(head.notna(), None).to_dict("split")
        )

    def save(self, data: pd.DataFrame) -> None:
        path = Path(get_filepath_str(self._filepath, "file"))
        manifest_path = path.parent / MANIFEST
        manifest = (
            json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        )
        appending = self._written is not None
        if appending and not self._final_newline:
            raise DatasetError(
                f"{path}: cannot append rows to a file written without a final newline"
            )
        if appending and list(data.columns) != self._written[0]:
            raise DatasetError(
                f"{path}: cannot append rows with columns {list(data.columns)} to a "
                f"file with columns {self._written[0]}"
            )
        if (
            not appending
            and path.exists()
            and not self._overwrite
            and manifest.get(path.name) != md5(path)
        ):
            raise DatasetError(
                f"{path}: refusing to overwrite a file the synthetic generator did not "
                "write (real data?). Move it away, or pass "
                "`--params synthetic.overwrite=true`."
            )
        newline = "\r\n" if self._crlf else "\n"
        cells = [_format_column(column, data[column]) for column in data.columns]
        rows = pc.binary_join_element_wise(*cells, ",") if len(cells) > 1 else cells[0]
        body = _rows_view(rows, newline) if len(rows) else memoryview(b"")
        if not self._final_newline and len(rows):
            body = body[: len(body) - len(newline)]
        parts = [body]
        if appending:
            digest = self._written[1].copy()
        else:
            header = ",".join(
                f'"{column}"' if self._quote_header else column
                for column in data.columns
            )
            head = header + (newline if len(rows) or self._final_newline else "")
            parts.insert(0, (("\ufeff" if self._bom else "") + head).encode())
            digest = hashlib.md5()
            path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab" if appending else "wb") as handle:
            for part in parts:
                handle.write(part)
                digest.update(part)
        self._written = (list(data.columns), digest)
        manifest[path.name] = digest.hexdigest()
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
