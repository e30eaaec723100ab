"""nbval is a real check: a changed stored output makes it fail."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.paths import PROJECT_ROOT
from tests.notebook_factory import write_notebook

pytestmark = pytest.mark.slow

SANITIZE = PROJECT_ROOT / "tests" / "nbval_sanitize.cfg"


def run_nbval(notebook: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-o",
            "addopts=",
            "-p",
            "no:cacheprovider",
            "-p",
            "helpers._lean_imports",
            "--nbval",
            "--nbval-current-env",
            f"--nbval-sanitize-with={SANITIZE}",
            "-v",
            str(notebook),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=notebook if notebook.is_dir() else notebook.parent,
    )


def stored_print_notebook(path: Path, stored: str) -> Path:
    """A notebook that prints "a stored value", with ``stored`` as its stored output."""
    write_notebook(path, 'print("a stored value")')
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].execution_count = 1
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored)]
    nbformat.write(nb, path)
    return path


def test_nbval_fails_on_an_edited_output_and_passes_a_true_one(tmp_path: Path) -> None:
    stored_print_notebook(tmp_path / "true_output.ipynb", "a stored value\n")
    stored_print_notebook(tmp_path / "edited_output.ipynb", "an edited value\n")

    result = run_nbval(tmp_path)

    assert result.returncode == 1, result.stdout[-2000:]
    assert "an edited value" in result.stdout
    # nbval names cells "<notebook>::ipynb::Cell N" in verbose output.
    assert re.search(r"edited_output\S*::Cell 0 FAILED", result.stdout), result.stdout
    assert re.search(r"true_output\S*::Cell 0 PASSED", result.stdout), result.stdout
