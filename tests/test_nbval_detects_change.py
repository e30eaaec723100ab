"""nbval is a real check: a changed stored output makes it fail."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from helpers.paths import PROJECT_ROOT
from tests.notebook_factory import write_notebook

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
