"""Small synthetic notebooks for testing the build and nbval machinery."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def write_notebook(path: Path, *sources: str) -> Path:
    """Write a notebook whose code cells hold ``sources``, after a title cell.

    Cell ids are fixed so that two notebooks written from the same sources are
    byte-identical.
    """
    cells = [new_markdown_cell("# A test notebook", id="title")]
    cells += [new_code_cell(src, id=f"cell-{i}") for i, src in enumerate(sources, start=1)]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    return path


PLOT_CELL = """\
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(3, 2))
ax.plot([2004, 2011, 2018], [1, 3, 2])
ax.set_title("a deterministic figure")
plt.show()"""
