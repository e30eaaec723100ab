"""Every chapter follows one skeleton, so the series cannot drift.

Title; Overview (a numbered list of the sections); Prerequisites (a table and
the time to learn); Imports; the sections; Summary; Exercises (three or more,
each with a worked solution tagged ``solution``); What's next; Sources and
further reading. Navigation cells are generated and up to date.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from helpers.paths import NOTEBOOKS_DIR
from helpers.publish.chapters import NAV_TAG, chapters, update_navigation

CHAPTERS = chapters()
HEAD = ["Overview", "Prerequisites", "Imports"]
TAIL = ["Summary", "Exercises", "What's next", "Sources and further reading"]


def notebook(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def headings(nb: nbformat.NotebookNode) -> list[str]:
    return [
        m.group(1).strip()
        for c in nb.cells
        if c.cell_type == "markdown"
        for m in re.finditer(r"^## (.+)$", c.source, flags=re.M)
    ]


def section_text(nb: nbformat.NotebookNode, heading: str) -> str:
    """All markdown from ``## heading`` up to the next ``## ``."""
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"no section {heading!r}"
    return match.group(1)


def test_there_are_at_least_ten_chapters() -> None:
    assert len(CHAPTERS) >= 10, [c.path.name for c in CHAPTERS]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.path.name)
def test_skeleton(chapter) -> None:
    nb = notebook(chapter.path)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    found = headings(nb)
    assert found[:3] == HEAD, found
    assert found[-4:] == TAIL, found
    sections = found[3:-4]
    assert sections, "a chapter has at least one section between Imports and Summary"

    overview = section_text(nb, "Overview")
    listed = [
        re.sub(r"\[(.+?)\]\(.*?\)", r"\1", m).strip()
        for m in re.findall(r"^\d+\. (.+)$", overview, flags=re.M)
    ]
    assert listed == sections, f"Overview lists {listed}, sections are {sections}"

    prerequisites = section_text(nb, "Prerequisites")
    assert re.search(r"^\| *Concepts *\| *Importance *\| *Notes *\|", prerequisites, flags=re.M)
    assert re.search(r"\*\*Time to learn\*\*: \d+ minutes", prerequisites)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.path.name)
def test_exercises_have_tagged_solutions(chapter) -> None:
    """Each exercise is followed by its solution: code for a data exercise, a written model
    answer or marking notes for a source-criticism or discussion exercise (at least two)."""
    nb = notebook(chapter.path)
    exercises = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "markdown" and c.source.startswith("### Exercise")
    ]
    assert len(exercises) >= 3
    written = 0
    for index in exercises:
        following = nb.cells[index + 1]
        assert "solution" in following.metadata.get("tags", []), (
            f"exercise at cell {index} is not followed by a cell tagged 'solution'"
        )
        if following.cell_type == "markdown":
            assert following.source.startswith(("**Model answer.**", "**Marking notes.**"))
            written += 1
    assert written >= 2, "at least two source-criticism or discussion exercises"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.path.name)
def test_charts_and_data_access(chapter) -> None:
    nb = notebook(chapter.path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    charts = sum(1 for c in code for o in c.outputs if "image/png" in o.get("data", {}))
    assert charts >= 2, f"{charts} chart(s); every chapter has two or more"
    for cell in code:
        for forbidden in ("read_csv", "open(", "datapackage.json", "../data"):
            assert forbidden not in cell.source, f"load data only through helpers ({forbidden!r})"


def test_no_code_cell_repeats_across_chapters() -> None:
    seen: dict[str, str] = {}
    repeated = []
    for chapter in CHAPTERS:
        for cell in notebook(chapter.path).cells:
            lines = [
                ln.strip()
                for ln in cell.source.splitlines()
                if ln.strip() and not ln.strip().startswith("#")
            ]
            if cell.cell_type != "code" or len(lines) < 4:
                continue
            key = "\n".join(lines)
            if key in seen and seen[key] != chapter.path.name:
                repeated.append(f"{chapter.path.name} repeats a cell of {seen[key]}")
            seen.setdefault(key, chapter.path.name)
    assert not repeated, repeated


def test_navigation_is_generated_and_current(tmp_path: Path) -> None:
    for chapter in CHAPTERS:
        shutil.copy(chapter.path, tmp_path / chapter.path.name)
    assert update_navigation(tmp_path) == [], "run `uv run nato-iraq build` to refresh navigation"
    for chapter in CHAPTERS:
        tags = [c.metadata.get("tags", []) for c in notebook(chapter.path).cells]
        assert tags[1] == [NAV_TAG] and tags[-1] == [NAV_TAG], chapter.path.name


def test_chapter_files_are_numbered_in_order() -> None:
    numbers = [int(c.number) for c in CHAPTERS]
    assert numbers == list(range(len(numbers))), numbers
    assert all(p.name[:2].isdigit() for p in NOTEBOOKS_DIR.glob("*.ipynb"))


def test_the_readme_lists_every_chapter_with_its_question() -> None:
    from helpers.paths import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for chapter in CHAPTERS:
        question = nbformat.read(chapter.path, as_version=4).metadata["nato_iraq"]["question"]
        assert f"| `{chapter.path.stem}` | {question} |" in readme, chapter.path.name


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.path.name)
def test_every_chapter_shows_whole_quotes_in_tables(chapter) -> None:
    nb = nbformat.read(chapter.path, as_version=4)
    imports = next(c for c in nb.cells if c.cell_type == "code" and "ds = load()" in c.source)
    assert "use_reading_display()" in imports.source
    cut = [
        index
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for out in cell.outputs
        if "...</td>" in out.get("data", {}).get("text/html", "")
    ]
    assert not cut, f"{chapter.path.name}: a table cell is cut short in cells {cut}"


def _plain_outputs(nb: nbformat.NotebookNode, starts: tuple[str, ...]) -> list[str]:
    """The stored plain-text outputs of the code cells whose code starts with ``starts``."""
    return [
        out.get("data", {}).get("text/plain", "")
        for cell in nb.cells
        if cell.cell_type == "code" and cell.source.startswith(starts)
        for out in cell.outputs
    ]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.path.name)
def test_the_closing_list_names_every_source_the_fact_tables_cite(chapter) -> None:
    nb = notebook(chapter.path)
    cited = {
        name
        for text in _plain_outputs(nb, ("facts(", "discrepancy_facts("))
        for line in text.splitlines()
        if line.endswith("]") and "  [" in line
        for name in line.rsplit("  [", 1)[1][:-1].split("; ")
    }
    (listing,) = _plain_outputs(nb, ("sources_list(",))
    listed = {line[2:].split(": ", 1)[0] for line in listing.splitlines() if line.startswith("- ")}
    assert cited, chapter.path.name
    assert cited <= listed, f"{chapter.path.name}: not in its sources list: {cited - listed}"
