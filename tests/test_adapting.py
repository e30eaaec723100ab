"""docs/ADAPTING.md stays true: its examples are followed on a copy of the project.

The guide's fenced code blocks whose info string carries ``role=...`` are this
test's input, so editing an example in the guide changes what is tested:

- ``role=append`` with ``title=data/<table>.csv``: rows appended, verbatim, to
  that table of a copy of ``data/``; the copy must then be valid;
- ``role=excerpt``: a table's header and some of its rows, as they stand;
- ``role=mistake``: wrong versions of appended rows (same id), which must give
  exactly the problems shown in the ``role=validate-output`` block;
- ``role=scaffold``: a script writing a chapter, which must build against the
  copy (its own ``helpers/`` and ``data/``), show the new fact and follow the
  chapter rules of ``tests/test_chapters.py``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from helpers.datapackage import read_datapackage
from helpers.paths import DATAPACKAGE, PROJECT_ROOT
from helpers.validation import MAX_QUOTE_WORDS, STAMP_DIR, Problem, fingerprint, validate

pytestmark = pytest.mark.slow

GUIDE = PROJECT_ROOT / "docs" / "ADAPTING.md"
FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
#: Where a problem is, in the validator's words; line numbers grow with the data.
LINE_NUMBERS = re.compile(r"line \d+ \(row \d+\)")


@dataclass(frozen=True)
class Block:
    """A fenced code block of the guide and the ``key=value`` words of its info string."""

    attrs: dict[str, str]
    body: str
    line: int  # of the opening fence in the guide

    @property
    def role(self) -> str | None:
        return self.attrs.get("role")

    @property
    def target(self) -> str:
        assert "title" in self.attrs, f"ADAPTING.md line {self.line}: the block needs title=..."
        return self.attrs["title"]

    def rows(self) -> list[list[str]]:
        return list(csv.reader(io.StringIO(self.body, newline="")))

    def where(self) -> str:
        return f"ADAPTING.md line {self.line} ({self.attrs.get('role')} {self.target})"


def guide_blocks(text: str) -> list[Block]:
    blocks = []
    for match in FENCE.finditer(text):
        attrs = dict(w.split("=", 1) for w in match["info"].split() if "=" in w)
        line = text.count("\n", 0, match.start()) + 1
        blocks.append(Block(attrs, match["body"], line))
    return blocks


BLOCKS = guide_blocks(GUIDE.read_text(encoding="utf-8"))


def blocks(role: str) -> list[Block]:
    return [b for b in BLOCKS if b.role == role]


def the_block(role: str) -> Block:
    found = blocks(role)
    assert len(found) == 1, f"ADAPTING.md needs exactly one block with role={role}"
    return found[0]


def header_of(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def table_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@dataclass
class Project:
    """A copy of the project with the guide's example rows appended."""

    root: Path
    #: For each table file (``data/events.csv``), the file line and cells of each row added.
    added: dict[str, list[tuple[int, list[str]]]] = field(default_factory=dict)
    #: What validation found in the copy once the rows were added.
    problems: list[Problem] = field(default_factory=list)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def added_row(self, target: str, row_id: str) -> tuple[int, list[str]]:
        for line, row in self.added.get(target, []):
            if row[0] == row_id:
                return line, row
        raise AssertionError(f"the guide adds no row {row_id!r} to {target}")


def copy_project(root: Path) -> None:
    shutil.copytree(PROJECT_ROOT / "data", root / "data")
    shutil.copytree(
        PROJECT_ROOT / "helpers",
        root / "helpers",
        ignore=shutil.ignore_patterns("__pycache__", "slides_vendor"),
    )
    shutil.copy(PROJECT_ROOT / "pyproject.toml", root / "pyproject.toml")
    (root / "notebooks").mkdir()


def append_rows(project: Project, block: Block) -> None:
    """Append the block's lines verbatim to its table, after checking their shape."""
    path = project.root / block.target
    header = header_of(path)
    rows = block.rows()
    assert rows, f"{block.where()}: no rows"
    assert len(block.body.splitlines()) == len(rows), f"{block.where()}: one row per line"
    existing = {row[0] for row in table_rows(path)[1:]}
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n"), f"{block.target} does not end with a new line"
    first_line = text.count("\n") + 1
    for offset, row in enumerate(rows):
        assert len(row) == len(header), (
            f"{block.where()}: {len(row)} cells, the table has {len(header)} columns: {row}"
        )
        assert row[0] not in existing, (
            f"{block.where()}: {row[0]!r} is already in {block.target}; give the example a fresh id"
        )
        project.added.setdefault(block.target, []).append((first_line + offset, row))
    path.write_text(text + block.body, encoding="utf-8")


def replace_line(path: Path, line: int, new_text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = new_text if new_text.endswith("\n") else new_text + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def csv_line(row: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(row)
    return buffer.getvalue()


def described(problems: list[Problem]) -> str:
    return "\n".join(map(str, problems))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(tmp_path_factory.mktemp("adapted"))
    copy_project(project.root)
    for block in blocks("append"):
        append_rows(project, block)
    project.problems = validate(project.data)
    return project


@pytest.fixture
def data_copy(project: Project, tmp_path: Path) -> Path:
    """The adapted data, in a folder of its own that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(project.data, target)
    return target


def test_the_guide_shows_a_source_a_fact_and_its_citation() -> None:
    package = read_datapackage(DATAPACKAGE)
    targets = [Path(b.target).name for b in blocks("append")]
    cited = {t.path for t in package.tables.values() if t.cited}
    assert "sources.csv" in targets and "citations.csv" in targets, targets
    assert cited & set(targets), f"no fact table among {targets}"
    assert blocks("mistake") and blocks("excerpt"), "the guide shows mistakes and excerpts"
    the_block("validate-output")
    the_block("scaffold")


@pytest.mark.parametrize("block", blocks("excerpt"), ids=lambda b: f"line{b.line}")
def test_excerpts_are_rows_of_the_data(block: Block) -> None:
    path = PROJECT_ROOT / block.target
    shown = block.rows()
    assert shown[0] == header_of(path), f"{block.where()}: header differs from the table's"
    current = table_rows(path)
    missing = [row for row in shown[1:] if row not in current]
    assert not missing, f"{block.where()}: rows no longer in the table: {missing}"


def test_the_example_rows_are_valid(project: Project) -> None:
    assert project.problems == [], described(project.problems)


def test_the_mistakes_give_the_problems_shown(project: Project, data_copy: Path) -> None:
    broken_lines = {}
    for block in blocks("mistake"):
        for text, row in zip(block.body.splitlines(), block.rows(), strict=True):
            line, _ = project.added_row(block.target, row[0])
            replace_line(data_copy / Path(block.target).name, line, text)
            broken_lines[(Path(block.target).name, line)] = row[0]

    problems = validate(data_copy)

    # Every problem sits on a row the guide broke, named by file and line.
    assert {(p.file, p.line) for p in problems} == set(broken_lines), described(problems)
    shown = the_block("validate-output").body.splitlines()
    expected = sorted(LINE_NUMBERS.sub("line N", s) for s in shown if re.match(r"\S+\.csv ", s))
    actual = sorted(LINE_NUMBERS.sub("line N", str(p)) for p in problems)
    assert actual == expected, "ADAPTING.md shows other messages than validate prints"
    summary = next(s for s in shown if s.startswith("nato-iraq validate:"))
    assert f": {len(problems)} problem(s) in " in summary, summary


def test_a_quote_over_the_limit_is_named_by_file_and_line(
    project: Project, data_copy: Path
) -> None:
    line, row = project.added["data/citations.csv"][0]
    words = row[3].split()
    padding = ["again"] * (MAX_QUOTE_WORDS + 1 - len(words))
    long_row = [*row[:3], " ".join(words + padding), *row[4:]]
    replace_line(data_copy / "citations.csv", line, csv_line(long_row))

    problems = validate(data_copy)

    assert len(problems) == 1, described(problems)
    (problem,) = problems
    assert (problem.file, problem.line, problem.column) == ("citations.csv", line, "quote")
    assert f"quote has {MAX_QUOTE_WORDS + 1} words" in problem.message
    assert f"citations.csv line {line} (row {line - 1}), column 'quote'" in str(problem)


@pytest.fixture(scope="module")
def chapter(project: Project) -> Path:
    """The guide's scaffolded chapter, built by `nato-iraq build` inside the copy."""
    notebooks = project.root / "notebooks"
    scaffold = the_block("scaffold")
    # Run as the guide says, from the project root (in-process: nbformat is loaded).
    with contextlib.chdir(project.root):
        exec(compile(scaffold.body, f"{GUIDE}:{scaffold.line}", "exec"), {"__name__": "__main__"})
    (path,) = notebooks.glob("*.ipynb")

    # One more cell, to show which helpers and data the kernel really used.
    nb = nbformat.read(path, as_version=4)
    check = nbformat.v4.new_code_cell("import helpers\n\nprint(helpers.__file__)", id="check")
    nb.cells.append(check)
    nbformat.write(nb, path)

    # The build checks the data before it runs anything. The copy was checked
    # in-process when it was made; record that pass where the copy's own helpers
    # look for it (as `ensure_valid` does), so the build skips a second full check.
    assert project.problems == [], described(project.problems)
    stamp = project.root / STAMP_DIR.relative_to(PROJECT_ROOT) / fingerprint(project.data)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.touch()

    command = ["build", str(path), "--notebooks", str(notebooks), "--no-site", "--quiet"]
    build = subprocess.run(
        [sys.executable, "-m", "helpers.publish.cli", *command],
        cwd=project.root,
        env={**os.environ, "PYTHONPATH": str(project.root)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    return path


def output_text(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def test_the_chapter_shows_the_new_fact_from_the_copy(project: Project, chapter: Path) -> None:
    nb = nbformat.read(chapter, as_version=4)
    text = output_text(nb)
    package = read_datapackage(DATAPACKAGE)
    facts = [
        (target, row)
        for target, added in project.added.items()
        if package.table(Path(target).stem).cited
        for _, row in added
    ]
    for target, row in facts:
        header = header_of(project.root / target)
        label = next((row[header.index(c)] for c in ("title", "name") if c in header), row[0])
        assert label in text, f"the chapter's outputs do not show {label!r}"
    check = next(cell for cell in nb.cells if cell.get("id") == "check")
    printed = check.outputs[0]["text"].strip()
    assert Path(printed).resolve().is_relative_to(project.root.resolve()), printed


def test_the_chapter_follows_the_chapter_rules(chapter: Path) -> None:
    import tests.test_chapters as rules
    from helpers.publish.chapters import Chapter, chapter_title
    from helpers.publish.site import chapter_question

    nb = nbformat.read(chapter, as_version=4)
    found = Chapter(chapter, chapter.name[:2], chapter_title(nb))
    rules.test_skeleton(found)
    rules.test_exercises_have_tagged_solutions(found)
    rules.test_charts_and_data_access(found)
    assert chapter_question(nb, chapter).endswith("?")
    assert nb.metadata["nato_iraq"]["inputs"], "the build records the chapter's fingerprint"


def test_the_chapter_code_passes_ruff(project: Project, chapter: Path) -> None:
    for args in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "--no-cache", str(chapter)],
            cwd=project.root,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr
