"""The chapter list, and the previous/next navigation cells of every notebook.

Navigation is generated, never edited by hand: :func:`update_navigation`
replaces the cells tagged ``nav`` at the top (after the title) and the bottom
of each notebook. Running it twice changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from helpers.paths import NOTEBOOKS_DIR

NAV_TAG = "nav"
#: Tag of the cells that hold an exercise's solution (removed from student editions).
SOLUTION_TAG = "solution"
#: Where a notebook keeps the project's own metadata (its question, its build fingerprint).
METADATA_KEY = "nato_iraq"
#: File names of the chapters: two digits, an underscore, a name.
CHAPTER_GLOB = "[0-9][0-9]_*.ipynb"


def has_tag(cell: nbformat.NotebookNode, tag: str) -> bool:
    """Whether ``cell`` carries the cell tag ``tag``."""
    return tag in cell.metadata.get("tags", [])


def chart_count(cell: nbformat.NotebookNode) -> int:
    """How many charts (PNG outputs) a cell shows; 0 for a cell without outputs."""
    return sum("image/png" in out.get("data", {}) for out in cell.get("outputs", []))


def chapter_number(path: Path) -> str:
    """A chapter's number, from its file name: ``04`` for ``04_nmi.ipynb``."""
    return path.name[:2]


def chapter_paths(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The chapters' files in ``folder``, in file-name order, without opening them."""
    return sorted(folder.glob(CHAPTER_GLOB))


@dataclass(frozen=True)
class Chapter:
    """One notebook of the series."""

    path: Path
    number: str
    title: str

    @property
    def label(self) -> str:
        return f"{self.number} · {self.title}"


def chapter_title(nb: nbformat.NotebookNode) -> str:
    """The notebook's title: the text of its first ``# `` heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^# (.+)$", cell.source, flags=re.M)
            if match:
                return match.group(1).strip()
    raise ValueError("notebook has no '# ' title")


class NotebookFileError(Exception):
    """Notebooks that cannot be read or stored; the message names each file and what to do."""


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read the notebook at ``path``; a file that is not one raises :class:`NotebookFileError`."""
    try:
        return nbformat.read(path, as_version=4)
    except OSError as exc:
        raise NotebookFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except Exception as exc:  # nbformat raises JSON, schema and version errors of many kinds
        detail = " ".join(str(exc).split())[:300]
        raise NotebookFileError(
            f"{path}: not a readable notebook ({type(exc).__name__}: {detail}). If you did not"
            f" mean to change it, restore it with `git checkout -- {path.name}` in its folder."
        ) from None


def chapters(folder: Path = NOTEBOOKS_DIR) -> list[Chapter]:
    """Every chapter in file-name order (``NN_name.ipynb``).

    Raises :class:`NotebookFileError` naming every chapter that cannot be
    read or has no title.
    """
    found, problems = [], []
    for path in chapter_paths(folder):
        try:
            nb = read_notebook(path)
            found.append(Chapter(path, chapter_number(path), chapter_title(nb)))
        except NotebookFileError as exc:
            problems.append(str(exc))
        except ValueError as exc:
            problems.append(f"{path}: {exc}; add a first line '# Title' to its first Markdown cell")
    if problems:
        raise NotebookFileError("\n".join(problems) + "\nNothing was built; no file was changed.")
    return found


def _nav_source(previous: Chapter | None, following: Chapter | None) -> str:
    left = f"← [{previous.label}]({previous.path.name})" if previous else ""
    right = f"[{following.label}]({following.path.name}) →" if following else ""
    return " | ".join(part for part in (left, right) if part)


def _nav_cell(source: str, cell_id: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source, id=cell_id)
    cell.metadata["tags"] = [NAV_TAG]
    return cell


def navigation(folder: Path = NOTEBOOKS_DIR) -> dict[Path, str]:
    """The navigation line of each chapter in ``folder`` (empty for a lone chapter)."""
    series = chapters(folder)
    lines = {}
    for index, chapter in enumerate(series):
        previous = series[index - 1] if index > 0 else None
        following = series[index + 1] if index + 1 < len(series) else None
        lines[chapter.path] = _nav_source(previous, following)
    return lines


def apply_navigation(nb: nbformat.NotebookNode, source: str) -> None:
    """Replace the navigation cells of ``nb`` in place (after the title, and last)."""
    cells = [c for c in nb.cells if not has_tag(c, NAV_TAG)]
    if source:
        cells = [
            cells[0],
            _nav_cell(source, "nav-top"),
            *cells[1:],
            _nav_cell(source, "nav-bottom"),
        ]
    nb.cells = cells


def update_navigation(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Rewrite the navigation cells of every chapter; return the files changed."""
    from helpers.publish.build import write_atomically

    changed = []
    for path, source in navigation(folder).items():
        nb = nbformat.read(path, as_version=4)
        before = nbformat.writes(nb)
        apply_navigation(nb, source)
        if nbformat.writes(nb) != before:
            write_atomically(nb, path)
            changed.append(path)
    return changed
