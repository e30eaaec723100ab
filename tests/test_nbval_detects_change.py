"""nbval is a real check: a changed stored output makes it fail."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from helpers.paths import PROJECT_ROOT
from tests.notebook_factory import PLOT_CELL, write_notebook

pytestmark = pytest.mark.slow
pytest_plugins = ["pytester"]

SANITIZE = PROJECT_ROOT / "tests" / "nbval_sanitize.cfg"


def stored_print_notebook(path: Path, stored: list[str]) -> Path:
    """A notebook of print cells whose stored outputs are ``stored`` (one per cell)."""
    write_notebook(path, 'print("a stored value")', 'print("another stored value")')
    nb = nbformat.read(path, as_version=4)
    for number, (cell, text) in enumerate(zip(nb.cells[1:], stored, strict=True), start=1):
        cell.execution_count = number
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    nbformat.write(nb, path)
    return path


def test_nbval_fails_on_an_edited_output_and_passes_a_true_one(pytester: pytest.Pytester) -> None:
    # One notebook, one kernel: the first stored output is true, the second edited.
    notebook = stored_print_notebook(
        pytester.path / "stored.ipynb", ["a stored value\n", "an edited value\n"]
    )

    result = pytester.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        "--nbval",
        "--nbval-current-env",
        f"--nbval-sanitize-with={SANITIZE}",
        "-v",
        str(notebook),
    )

    assert result.ret == 1, result.stdout.str()[-2000:]
    result.stdout.fnmatch_lines(["*::Cell 0 PASSED*", "*::Cell 1 FAILED*"])
    assert "an edited value" in result.stdout.str()


def test_nbval_compares_stored_chart_images(pytester: pytest.Pytester) -> None:
    """A chart swapped for another passes nbval's defaults; the project's plugin fails it."""
    from helpers.publish import build

    notebook = write_notebook(pytester.path / "chart.ipynb", PLOT_CELL)
    assert build.build_notebooks([notebook], progress=False).executed
    nb = nbformat.read(notebook, as_version=4)
    other = write_notebook(
        pytester.path / "other.ipynb", PLOT_CELL.replace("[1, 3, 2]", "[1, 3, 3]")
    )
    assert build.build_notebooks([other], progress=False).executed
    swapped = nbformat.read(other, as_version=4).cells[1].outputs[0]["data"]["image/png"]
    assert swapped != nb.cells[1].outputs[0]["data"]["image/png"]
    nb.cells[1].outputs[0]["data"]["image/png"] = swapped
    nbformat.write(nb, notebook)
    options = ["-p", "no:cacheprovider", "--nbval", "--nbval-current-env", "-v", str(notebook)]

    unguarded = pytester.runpytest_inprocess(*options)
    assert unguarded.ret == 0, "nbval's default now compares images: drop the plugin's override"

    guarded = pytester.runpytest_inprocess("-p", "tests.notebook_plugin", *options)
    assert guarded.ret == 1, guarded.stdout.str()[-2000:]
    guarded.stdout.fnmatch_lines(["*::Cell 0 FAILED*"])
    assert "image/png" in guarded.stdout.str()
