"""The notebooks run top to bottom on a real (tiny, synthetic) run, through the catalog."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import PROJECT_ROOT
from tests.integration.project_data import load_dataset
from tests.integration.registry import save_version_of

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
# A file path in a code cell: a data folder, or a data file's extension.
# Kedro's IPython extension prints through rich: colour codes around the values.
ANSI = re.compile(r"\x1b\[[0-9;]*m")
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


def _persons_counted(project: Path) -> list[str]:
    persons = load_dataset(project, "primary_persons")
    return [rf"\npersons\s+{len(persons)}\n"]


def _registered_models_names(project: Path) -> list[str]:
    # The notebook scores model_input.head(5) with the latest registered version
    # (the training run's): the names that run's model gives those persons.
    version = save_version_of(project)
    model = load_dataset(project, "segmentation_model", version)
    names = load_dataset(project, "segment_names", version)
    rows = load_dataset(project, "model_input").head(5)
    return [re.escape(names[str(segment)]) for segment in model.predict(rows)]


def _recommendation_headline(project: Path) -> list[str]:
    return [re.escape(load_dataset(project, "maintenance_recommendation")["headline"])]


#: What each notebook must show of the run it reads: patterns of its text outputs.
SHOWN = {
    "01-raw-and-primary-data": _persons_counted,
    "02-model-selection": _registered_models_names,
    "03-stability": _recommendation_headline,
}


def test_every_notebook_is_checked():
    assert {n.stem for n in NOTEBOOKS} == set(SHOWN)


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_and_shows_the_runs_outputs(notebook, trained_project):
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
    text = ANSI.sub(
        "",
        "\n".join(
            o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs
        ),
    )
    for expected in SHOWN[notebook.stem](trained_project):
        assert re.search(expected, text), (expected, text[-1500:])
