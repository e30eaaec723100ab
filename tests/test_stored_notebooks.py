"""Stored notebooks are clean: executed in order, no errors, nothing volatile.

nbval compares a rerun's outputs with these; anything that differs by run
(stderr noise, timestamps, half-run notebooks) would make that comparison
meaningless or flaky, so it is rejected here with a precise message.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from helpers.paths import NOTEBOOKS_DIR
from helpers.publish.build import VOLATILE_CELL_METADATA, input_fingerprint, shared_inputs_digest
from helpers.publish.chapters import METADATA_KEY

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, f"no notebooks in {NOTEBOOKS_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_clean(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", path.name
    problems = []
    expected_count = 1
    for index, cell in enumerate(nb.cells):
        where = f"{path.name} cell {index}"
        for key in VOLATILE_CELL_METADATA:
            if key in cell.metadata:
                problems.append(f"{where}: volatile metadata {key!r}")
        if cell.cell_type != "code":
            continue
        if not cell.source.strip():
            problems.append(f"{where}: empty code cell")
            continue
        if cell.execution_count != expected_count:
            problems.append(
                f"{where}: execution_count {cell.execution_count}, expected {expected_count}"
                " (run the notebook top to bottom with `uv run nato-iraq build`)"
            )
        expected_count += 1
        for output in cell.outputs:
            if output.output_type == "error":
                problems.append(f"{where}: stored error {output.ename}: {output.evalue}")
            if output.output_type == "stream" and output.name == "stderr":
                problems.append(f"{where}: stored stderr output {output.text[:80]!r}")
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def shared_inputs() -> str:
    return shared_inputs_digest()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_was_built_from_the_current_inputs(path: Path, shared_inputs: str) -> None:
    # A stale fingerprint makes the next build re-run the notebook and rewrite
    # the file, so a fresh clone would no longer build to a clean `git status`.
    nb = nbformat.read(path, as_version=4)
    stored = nb.metadata.get(METADATA_KEY, {}).get("inputs")
    assert stored == input_fingerprint(nb, shared_inputs), (
        f"{path.name} was built before the latest change to it, to data/ or to helpers/:"
        " run `uv run nato-iraq build` and commit the notebooks"
    )
