"""The notebooks run top to bottom on a real (tiny, synthetic) run, through the catalog."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import PROJECT_ROOT

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
# A file path in a code cell: a data folder, or a data file's extension.
PATH_PATTERN = re.compile(r"data/|\.(csv|parquet|pkl|json|ipynb)\b|/work/|[A-Z]:\\")


def _code(notebook: Path) -> list[str]:
    nb = nbformat.read(notebook, as_version=4)
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


def test_there_are_at_least_three_notebooks():
    names = [n.name for n in NOTEBOOKS]
    assert len(names) >= 3, names
    assert {"01-raw-and-primary-data.ipynb", "03-stability.ipynb"} <= set(names)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_stripped_and_loads_through_the_catalog(notebook):
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert code[0].source.strip() == "%load_ext kedro.ipython"
    sources = "\n".join(c.source for c in code)
    assert "catalog.load(" in sources
    assert not PATH_PATTERN.search(sources), PATH_PATTERN.search(sources)
    for forbidden in ("read_csv", "read_parquet", "open(", "Path("):
        assert forbidden not in sources, forbidden


def test_one_notebook_loads_an_earlier_version():
    sources = "\n".join("\n".join(_code(n)) for n in NOTEBOOKS)
    assert re.search(r"catalog\.load\([^)]*version=", sources)


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_without_error(notebook, trained_project, tmp_path):
    folder = trained_project / "notebooks"
    folder.mkdir(exist_ok=True)
    target = folder / notebook.name
    shutil.copy2(notebook, target)
    nb = nbformat.read(target, as_version=4)
    client = NotebookClient(
        nb,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert sum(o.get("output_type") == "execute_result" for o in outputs) >= 3
