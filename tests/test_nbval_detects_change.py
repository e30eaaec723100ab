"""nbval is a real check: a changed stored output makes it fail."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.paths import NOTEBOOKS_DIR, PROJECT_ROOT

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
            "--nbval",
            "--nbval-current-env",
            f"--nbval-sanitize-with={SANITIZE}",
            str(notebook),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=notebook.parent,
    )


def first_text_output(nb: nbformat.NotebookNode) -> dict:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream" or "text/plain" in output.get("data", {}):
                return output
    raise AssertionError("the notebook has no text output to edit")


def test_nbval_fails_on_an_edited_output(tmp_path: Path) -> None:
    source = NOTEBOOKS_DIR / "00_dataset_tour.ipynb"
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    nb = nbformat.read(copy, as_version=4)
    output = first_text_output(nb)
    if output.output_type == "stream":
        output["text"] = "an edited value\n"
    else:
        output["data"]["text/plain"] = "'an edited value'"
    nbformat.write(nb, copy)

    result = run_nbval(copy)

    assert result.returncode == 1, result.stdout[-2000:]
    assert "an edited value" in result.stdout
