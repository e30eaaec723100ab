"""A class pack: student and instructor notebooks, slides and a figure pack, in one folder.

``nato-iraq teach --out DIR`` calls :func:`make_pack`. The pack is assembled
in a temporary folder beside ``DIR`` and moved into place only when every part
succeeded, so a failed run leaves an earlier pack whole.

- ``instructor/``: the chapters as committed, solutions and outputs included.
- ``student/``: the same chapters without the cells tagged ``solution``,
  executed top to bottom (which proves they still run without them).
- ``slides/``: a reveal.js deck per chapter that works offline from disk.
- ``figures/``: every chart as PNG and SVG, with ``captions.md`` and ``captions.csv``.
"""

from __future__ import annotations

import csv
import re
import shutil
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat

from helpers.paths import DATA_DIR, NOTEBOOKS_DIR, PROJECT_ROOT
from helpers.publish import safe_files
from helpers.publish.chapters import (
    METADATA_KEY,
    NAV_TAG,
    SOLUTION_TAG,
    apply_navigation,
    chapter_number,
    chapter_paths,
    has_tag,
    navigation,
)
from helpers.publish.evidence import without_evidence_links
from helpers.untrusted import markdown_text, spreadsheet_cell

#: Cells with this tag hold an exercise's worked answer.
#: Files of the collection copied into every pack, and their names there.
PACK_COPIES = {
    "CITATION.cff": "CITATION.cff",
    "LICENSE": "LICENSE-code.txt",
    "data/LICENSE.md": "LICENSE-data-and-text.md",
    "docs/COURSE_GUIDE.md": "COURSE_GUIDE.md",
}
#: The pack's own project files (pinned like the collection's lock; see the folder's files).
PACK_TEMPLATE = Path(__file__).with_name("pack_template")
PACK_PROJECT_FILES = ("pyproject.toml", "uv.lock")
#: The publishing modules a chapter's kernel imports (charts hand their figures to the pack).
KERNEL_SIDE_PUBLISH = {"__init__.py", "figure_pack.py"}
#: A pack's record of itself: the hash of every file it was made with (see
#: :mod:`helpers.publish.safe_files`). Remaking the pack replaces only those files.
PACK_MARKER = ".nato-iraq-pack"
#: How messages name the pack folder.
PACK_ROLE = "pack folder (--out)"


class PackError(Exception):
    """The pack could not be made; the message says which chapter and why."""


@dataclass(frozen=True)
class PackReport:
    """What :func:`make_pack` wrote."""

    out: Path
    chapters: list[str]
    figures: int
    seconds: float


def _not_in_pack(folder: str, names: list[str]) -> set[str]:
    """What ``shutil.copytree`` leaves out of the pack's helpers: caches and the publishing side."""
    skip = {name for name in names if name == "__pycache__" or name.startswith(".")}
    if Path(folder).name == "publish":
        skip |= {name for name in names if name not in KERNEL_SIDE_PUBLISH}
    return skip


def copy_runtime(pack: Path) -> None:
    """Everything the chapters need to run inside ``pack`` with no repository beside it.

    The helpers the chapters import (not the build, site and pack machinery),
    the data, and a project of the pack's own (``pyproject.toml`` and
    ``uv.lock``), so that ``uv run jupyter lab`` works in a copy of the pack.
    """
    shutil.copytree(
        PROJECT_ROOT / "helpers", pack / "helpers", ignore=_not_in_pack,
        copy_function=shutil.copyfile,
    )  # fmt: skip
    shutil.copytree(
        DATA_DIR, pack / "data", ignore=shutil.ignore_patterns(".*"), copy_function=shutil.copyfile
    )
    for name in PACK_PROJECT_FILES:
        shutil.copyfile(PACK_TEMPLATE / name, pack / name)


def _note_shorter_course(guide: Path, paths: list[Path]) -> None:
    """Say at the top of a shorter pack's course guide which chapters it holds."""
    names = ", ".join(path.stem for path in paths)
    note = (
        f"> **This pack holds only some chapters: {names}.** The guide below plans a"
        " course over all eleven; skip or adapt the sessions, decks and exercises of"
        " chapters that are not here.\n\n"
    )
    guide.write_text(note + guide.read_text(encoding="utf-8"), encoding="utf-8")


def select_chapters(numbers: Sequence[str] | None, folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The notebooks of the chapters numbered ``numbers`` (all when None), in order."""
    series = {chapter_number(path): path for path in chapter_paths(folder)}
    if not numbers:
        return list(series.values())
    wanted = [f"{int(n):02d}" if n.isdigit() else n for n in numbers]
    unknown = [n for n in wanted if n not in series]
    if unknown:
        raise PackError(
            f"no chapter numbered {', '.join(unknown)} in {folder};"
            f" the chapters are {', '.join(series)}"
        )
    return [series[n] for n in sorted(set(wanted))]


#: Tag of the empty cell a student version has where a solution was.
ANSWER_TAG = "answer"
ANSWER_PROMPT = "# Your answer here"
WRITTEN_ANSWER_PROMPT = "*Your answer here (double-click to write).*"


def student_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` without outputs, each run of solution cells replaced by an answer cell."""
    copy = nbformat.from_dict(nb)
    cells = []
    for cell in copy.cells:
        if not has_tag(cell, SOLUTION_TAG):
            cells.append(cell)
        elif not (cells and has_tag(cells[-1], ANSWER_TAG)):
            # A written answer gets a text cell to write in, a code answer a code cell.
            if cell.cell_type == "markdown":
                answer = nbformat.v4.new_markdown_cell(WRITTEN_ANSWER_PROMPT)
            else:
                answer = nbformat.v4.new_code_cell(ANSWER_PROMPT)
            answer.id = f"answer-{cell.get('id', '')}"
            answer.metadata["tags"] = [ANSWER_TAG]
            cells.append(answer)
    copy.cells = cells
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    copy.metadata.pop(METADATA_KEY, None)
    return copy


_CHAPTER_LINK = re.compile(r"\[([^\]]+)\]\((\d\d_[A-Za-z0-9_]+)\.ipynb(#[^)]*)?\)")


def relink_chapters(nb: nbformat.NotebookNode, in_pack: set[str], suffix: str) -> None:
    """Point links between chapters at the pack's own files, in place.

    A link to a chapter in the pack (by stem, e.g. ``04_nmi``) gets ``suffix``
    (``.ipynb`` for notebooks, ``.slides.html`` for decks); a link to a chapter
    left out of a shorter course becomes plain text, so nothing in the pack
    points at a missing file. Evidence links point into the reader site, which
    the pack does not hold: they become their words.
    """

    def replace(match: re.Match[str]) -> str:
        text, stem, anchor = match.group(1), match.group(2), match.group(3) or ""
        return f"[{text}]({stem}{suffix}{anchor})" if stem in in_pack else text

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _CHAPTER_LINK.sub(replace, cell.source)
            cell.source = without_evidence_links(cell.source)


def _with_pack_navigation(nb: nbformat.NotebookNode, line: str) -> None:
    """Previous/next links among the pack's own chapters (a short course skips some)."""
    if any(has_tag(c, NAV_TAG) for c in nb.cells):
        apply_navigation(nb, line)


def _figure_preamble(folder: Path, chapter: str) -> str:
    return (
        "from pathlib import Path as _Path\n"
        "from helpers.publish import figure_pack as _figure_pack\n"
        f"_figure_pack.start_collecting(_Path({str(folder)!r}), {chapter!r})\n"
        "del _Path, _figure_pack\n"
    )


def write_captions(folder: Path) -> int:
    """Write ``captions.md`` and ``captions.csv`` from the collected manifest; return the count."""
    from helpers.publish.figure_pack import manifests, read_manifest

    captions = read_manifest(folder)
    lines = [
        "# Figure captions",
        "",
        "Every chart of the pack, as `NN-KK-chart.png` and `.svg` (chapter NN, chart KK).",
        "Each caption gives the chart's title and the sources it draws on;"
        " keep the source line when you reuse a figure.",
        "",
    ]
    for c in captions:
        # Titles, sources and notes come from the data: literal text, never markup.
        sources = "; ".join(markdown_text(name) for name in c.sources)
        lines += [f"## {c.file_stem}", "", f"**{markdown_text(c.title)}**", ""]
        lines.append(f"Sources: {sources}." if c.sources else "Sources: none stated.")
        if c.note:
            lines += ["", f"Note: {markdown_text(c.note)}"]
        lines += ["", f"Files: `{c.file_stem}.png`, `{c.file_stem}.svg`", ""]
    (folder / "captions.md").write_text("\n".join(lines), encoding="utf-8")
    with (folder / "captions.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["file_stem", "chapter", "chart", "title", "sources", "note"])
        for c in captions:
            row = [c.file_stem, c.chapter, c.chart, c.title, "; ".join(c.sources), c.note]
            # A spreadsheet would run a cell such as '=HYPERLINK(...)' as a formula.
            writer.writerow([spreadsheet_cell(cell) for cell in row])
    for manifest in manifests(folder):
        manifest.unlink()
    return len(captions)


def pack_readme(chapter_names: list[str], figures: int) -> str:
    """The README at the top of a pack: what is where, and how to use it."""
    listing = "\n".join(f"- `{name}`" for name in chapter_names)
    return f"""# Class pack: NATO and Iraq, 2004 to today

Made by `nato-iraq teach` from the research notebook collection. The pack
stands alone: copy the folder anywhere and it runs, with nothing else beside
it but [uv](https://docs.astral.sh/uv/). Chapters in this pack:

{listing}

## What is where

- `COURSE_GUIDE.md`: learning objectives per chapter, a two-week plan of
  sessions with readings and exercises, and a marking rubric.
- `student/`: the chapters with their exercises and without the worked
  solutions and model answers, executed top to bottom. Hand these out.
- `instructor/`: the chapters with solutions, model answers and marking
  notes, and all outputs, for preparing and marking.
- `slides/`: one lecture deck per chapter (`NN_name.slides.html`): the
  chapter's key points and charts, with the chapter's prose as speaker notes.
  The decks open offline from disk; the scripts they need are in `slides/vendor/`.
- `figures/`: all {figures} charts as PNG and SVG, with `captions.md` and
  `captions.csv` giving each one's title and sources, for your own slides.
- `data/`, `helpers/`, `pyproject.toml`, `uv.lock`: the dataset, the helper
  modules the chapters import, and the pack's own environment.

## Using it

- From this folder, `uv run jupyter lab` opens the notebooks (the first run
  installs the pinned environment, about a minute). To run a chapter from top
  to bottom without opening it:
  `uv run jupyter nbconvert --to notebook --execute student/NN_name.ipynb`.
- Where a worked solution was, a student notebook has an empty cell tagged
  `answer`: a code cell for a data exercise, a text cell for a written one.
- In the collection's reader site, each figure and date of a chapter's prose
  links to the record that states it, with the sources' quotes; in the pack
  those words stay as plain text, and `facts(...)` tables show the quotes.
- Slides: open a `.slides.html` file in a browser; arrow keys move between
  slides and `s` opens the speaker view with the notes. Keep `slides/vendor/`
  beside the decks.
- Figures: keep each chart's source line (it is part of the image), and give
  the chart's sources when you show it.
- Links between chapters point at this pack's own files; where a chapter is
  not in the pack, its title is kept without a link. Text that names a
  chapter left out (such as "the next chapter") is not rewritten: check the
  Summary and "What's next" cells when you cut a shorter course.

## Terms

Code (the notebooks' code and `helpers/`) is MIT-licensed (`LICENSE-code.txt`);
the data, the text and the charts are CC BY 4.0
(`LICENSE-data-and-text.md`). The source texts belong to their publishers:
the dataset holds only short quotes. Cite the collection as `CITATION.cff` says.
"""


def make_pack(
    out: Path,
    numbers: Sequence[str] | None = None,
    folder: Path = NOTEBOOKS_DIR,
    timeout: int = 120,
    progress: bool = True,
    jobs: int | None = None,
) -> PackReport:
    """Write the class pack for the chapters ``numbers`` (all when None) into ``out``."""
    from tqdm import tqdm

    from helpers.publish import build, kernel_env, slides

    start = time.perf_counter()
    paths = select_chapters(numbers, folder)
    # Before any work: never replace a file, or a folder holding files, we did not write.
    safe_files.check_replaceable(out, PACK_MARKER, PACK_ROLE)
    kernel_env.prepare()
    out.parent.mkdir(parents=True, exist_ok=True)
    with safe_files.work_folder(out) as work:
        pack = work / "pack"
        dirs = {name: pack / name for name in ("student", "instructor", "slides", "figures")}
        for directory in dirs.values():
            directory.mkdir(parents=True)
        for path in paths:
            # copyfile, not copy: the pack's files get the umask's mode, not the source's.
            shutil.copyfile(path, dirs["instructor"] / path.name)
        lines = navigation(dirs["instructor"])
        in_pack = {p.stem for p in paths}
        for path in paths:
            instructor = nbformat.read(dirs["instructor"] / path.name, as_version=4)
            _with_pack_navigation(instructor, lines[dirs["instructor"] / path.name])
            relink_chapters(instructor, in_pack, ".ipynb")
            build.write_atomically(instructor, dirs["instructor"] / path.name)
            build.write_atomically(student_version(instructor), dirs["student"] / path.name)

        def run_student(path: Path) -> None:
            """Execute the student version (collecting its charts) and make its deck."""
            student_path = dirs["student"] / path.name
            executed = build.execute_notebook(
                student_path,
                timeout=timeout,
                preamble=_figure_preamble(dirs["figures"], chapter_number(path)),
            )
            build.write_atomically(executed, student_path)
            relink_chapters(executed, in_pack, slides.DECK_SUFFIX)
            slides.write_deck(executed, dirs["slides"] / f"{path.stem}{slides.DECK_SUFFIX}")

        # Chapters are independent: one kernel per core, as in `nato-iraq build`.
        bar = tqdm(total=len(paths), unit="chapter", disable=not progress, file=sys.stderr)
        with ThreadPoolExecutor(max_workers=jobs or build.default_jobs()) as pool:
            futures = {pool.submit(run_student, path): path for path in paths}
            for future in as_completed(futures):
                try:
                    future.result()
                except build.CellFailure as failure:
                    for other in futures:
                        other.cancel()
                    raise PackError(
                        f"the student version of {failure} (cell numbers count in the student"
                        " version, where solution cells are removed)"
                    ) from None
                bar.write(f"ok      {futures[future].name}", file=sys.stderr)
                bar.update()
        bar.close()
        slides.copy_vendor(dirs["slides"])
        figures = write_captions(dirs["figures"])
        (pack / "README.md").write_text(
            pack_readme([p.name for p in paths], figures), encoding="utf-8"
        )
        # Whoever gets the pack gets the terms and the citation with it.
        for name, target in PACK_COPIES.items():
            shutil.copyfile(PROJECT_ROOT / name, pack / target)
        # The guide plans a course over the collection's chapters: say when a pack differs.
        if {p.name for p in paths} != {p.name for p in chapter_paths(NOTEBOOKS_DIR)}:
            _note_shorter_course(pack / PACK_COPIES["docs/COURSE_GUIDE.md"], paths)
        copy_runtime(pack)
        # Last: the record of every file written, so that a rerun can tell them from yours.
        safe_files.record_owned_files(pack, PACK_MARKER, "nato-iraq teach")
        safe_files.swap_into_place(pack, out, PACK_MARKER, PACK_ROLE)
    return PackReport(out, [p.name for p in paths], figures, time.perf_counter() - start)
