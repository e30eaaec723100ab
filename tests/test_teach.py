"""`nato-iraq teach`: student and instructor notebooks, offline slides and a figure pack.

One pack of a single chapter is made per test module (a chapter's student
version is executed, about 10 s); the checks then read it.
"""

from __future__ import annotations

import ast
import csv
import dataclasses
import json
import os
import re
import shutil
import stat
from pathlib import Path

import nbformat
import pytest

from helpers.paths import NOTEBOOKS_DIR
from helpers.publish import figure_pack, safe_files, slides, teach
from helpers.publish.chapters import chart_count
from helpers.publish.cli import main
from tests.browser import (
    PageReport,
    browser,
    check_page,
    chromium_or_skip,
    reveal_slides,
    unreadable_slides,
)

pytestmark = pytest.mark.slow

CHAPTER = NOTEBOOKS_DIR / "04_nmi.ipynb"

#: A small chapter in the shape of the real ones: a chart, an exercise and its solution.
DEMO_CELLS = [
    ("markdown", "# A demo chapter"),
    (
        "code",
        "%matplotlib inline\nfrom helpers.charts.commanders import commanders_chart\n"
        "from helpers.data import load\n\nds = load()",
    ),
    ("markdown", "## Who led NMI\n\nSee [the tour](00_dataset_tour.ipynb)."),
    ("code", 'commanders_chart(ds, "mis-nmi")'),
    ("markdown", "### Exercise 1\nHow many people are in the dataset?"),
    ("solution", "answer = len(ds.people)\nanswer"),
    ("code", "print(len(ds.missions))"),
]


def write_demo_chapter(folder: Path) -> Path:
    cells = []
    for kind, source in DEMO_CELLS:
        if kind == "markdown":
            cells.append(nbformat.v4.new_markdown_cell(source))
        else:
            cells.append(nbformat.v4.new_code_cell(source))
            if kind == "solution":
                cells[-1].metadata["tags"] = [teach.SOLUTION_TAG]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / "01_demo.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("chapters")
    return write_demo_chapter(folder)


@pytest.fixture(scope="module")
def pack(demo: Path) -> Path:
    out = demo.parent.parent / "pack"
    report = teach.make_pack(out, ["1"], folder=demo.parent, progress=False)
    assert report.chapters == [demo.name]
    return out


def tagged(nb: nbformat.NotebookNode, tag: str) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if tag in c.metadata.get("tags", [])]


def chart_outputs(nb: nbformat.NotebookNode) -> int:
    return sum(chart_count(cell) for cell in nb.cells)


#: The collection's own chapters.
CHAPTER_PATHS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


# --- pieces ---------------------------------------------------------------------------


def test_student_version_drops_solutions_and_keeps_the_prompts() -> None:
    nb = nbformat.read(CHAPTER, as_version=4)
    assert tagged(nb, teach.SOLUTION_TAG), "the chapter should have solutions to remove"
    student = teach.student_version(nb)
    assert not tagged(student, teach.SOLUTION_TAG)
    prompts = [c.source for c in nb.cells if c.source.startswith("### Exercise")]
    assert prompts and prompts == [c.source for c in student.cells if c.source in prompts]
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")
    assert tagged(nb, teach.SOLUTION_TAG), "the original is left as it was"
    # One empty answer cell per exercise with a worked solution.
    answers = tagged(student, teach.ANSWER_TAG)
    solved = [c for c in nb.cells if c.source.startswith("### Exercise")]
    assert 0 < len(answers) <= len(solved)
    # A data exercise gets a code cell to answer in, a written one a text cell.
    for answer in answers:
        if answer.cell_type == "code":
            assert answer.source == teach.ANSWER_PROMPT
        else:
            assert answer.source == teach.WRITTEN_ANSWER_PROMPT
    assert {c.cell_type for c in answers} == {"code", "markdown"}


def _names(source: str) -> tuple[set[str], set[str]]:
    """Names a cell binds and names it reads (IPython magics left out)."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))
    bound, read = set(), set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else read).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return bound, read


def names_only_solutions_bind(nb: nbformat.NotebookNode) -> set[str]:
    """Names that a non-solution cell reads but only an earlier solution cell binds."""
    bound_by_chapter: set[str] = set()
    only_in_solutions: set[str] = set()
    missing: set[str] = set()
    for cell in (c for c in nb.cells if c.cell_type == "code"):
        bound, read = _names(cell.source)
        if teach.SOLUTION_TAG in cell.metadata.get("tags", []):
            only_in_solutions |= bound - bound_by_chapter
            continue
        missing |= (read - bound_by_chapter) & only_in_solutions
        bound_by_chapter |= bound
    return missing


@pytest.mark.parametrize("path", sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")), ids=str)
def test_no_chapter_needs_a_solution_to_run(path: Path) -> None:
    """The student version runs: no later cell reads a name that only a solution binds."""
    assert names_only_solutions_bind(nbformat.read(path, as_version=4)) == set()


def test_a_chapter_that_needs_a_solution_is_caught(tmp_path: Path) -> None:
    nb = nbformat.read(write_demo_chapter(tmp_path), as_version=4)
    assert names_only_solutions_bind(nb) == set()
    nb.cells.append(nbformat.v4.new_code_cell("print(answer)"))
    assert names_only_solutions_bind(nb) == {"answer"}


def test_unknown_chapters_are_named() -> None:
    assert teach.select_chapters(["4", "00"]) == [
        NOTEBOOKS_DIR / "00_dataset_tour.ipynb",
        CHAPTER,
    ]
    with pytest.raises(teach.PackError, match=r"no chapter numbered 42 .* 00, 01"):
        teach.select_chapters(["42"])


def test_cli_teach_reports_a_bad_chapter_and_writes_nothing(tmp_path: Path, capsys) -> None:
    assert main(["teach", "--out", str(tmp_path / "pack"), "--chapters", "42"]) == 1
    assert "no chapter numbered 42" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_links_point_inside_the_pack() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "See [the tour](00_dataset_tour.ipynb#tables) and [NMI](04_nmi.ipynb)."
        )
    ]
    teach.relink_chapters(nb, {"04_nmi"}, ".slides.html")
    assert nb.cells[0].source == "See the tour and [NMI](04_nmi.slides.html)."


# --- slides ---------------------------------------------------------------------------

#: A chart as a notebook stores it: a PNG (1x1 pixel) with its alt text.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJ"
    "RU5ErkJggg=="
)


def _chart_output(alt: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output(
        "display_data",
        data={"image/png": PNG, "text/plain": "<Figure>"},
        metadata={"image/png": {"width": 500, "height": 380, "alt": alt}},
    )


def _facts_output(rows: int, caption: str = "") -> nbformat.NotebookNode:
    head = f"<caption>{caption}</caption>" if caption else ""
    body = "".join(
        f"<tr><td>2018-{n + 1:02d}</td><td>Fact number {n + 1}</td>"
        f'<td><span class="cite"><b>NATO (2018)</b>: <q>quote {n + 1}</q></span></td></tr>'
        for n in range(rows)
    )
    html = (
        f'<table class="facts">{head}<thead><tr><th>When</th><th>What</th>'
        f"<th>Sources and quotes</th></tr></thead><tbody>{body}</tbody></table>"
    )
    return nbformat.v4.new_output("execute_result", data={"text/html": html, "text/plain": ""})


def _frame_output() -> nbformat.NotebookNode:
    html = '<table class="reading-table"><tr><th>name</th></tr><tr><td>NMI</td></tr></table>'
    return nbformat.v4.new_output("execute_result", data={"text/html": html, "text/plain": "NMI"})


LINK = "(../site/records/events.html#evt-brussels-summit-2018)"

#: A chapter in the shape of the real ones, with every kind of section and output.
LECTURE_CELLS = [
    ("md", f"# A lecture chapter\n\nNMI was launched in [July 2018]{LINK} at Brussels."),
    ("nav", "← [00 · Tour](00_dataset_tour.ipynb)"),
    (
        "md",
        "## Overview\n\n1. The launch\n2. A part\n\n## Prerequisites\n\n"
        "| Concepts | Importance | Notes |\n| --- | --- | --- |\n"
        "| [Dataset tour](00_dataset_tour.ipynb) | Necessary | Tables |\n\n"
        "- **Time to learn**: 20 minutes",
    ),
    ("md", "## Imports\n\nThe dataset and the charts."),
    ("code", "import helpers", []),
    (
        "md",
        f"## The launch\n\nAllied leaders launched NMI at their summit in [July 2018]{LINK}. "
        "The table below lists the steps. The mission was set up in Baghdad in October 2018, "
        "at the request of the Iraqi government, after a long year of planning and many "
        "meetings of defence ministers in Brussels and elsewhere. It was small.",
    ),
    ("code", "event_strip(ds)", [_chart_output("Events of NMI on one time axis.")]),
    ("md", "The strip shows the launch. Canada led the mission first, from 2018 to 2020."),
    ("code", "facts(ds, ids)", [_facts_output(8, caption="Steps of the launch")]),
    ("md", "A table of names follows."),
    ("code", "names", [_frame_output()]),
    ("md", "### A part\n\nThe part has a short point of its own, in one sentence."),
    (
        "md",
        "## Summary\n\n"
        + "".join(f"- Point number {n} of the summary is short enough.\n" for n in range(1, 6))
        + "- This item has only one long sentence that runs on and on and on past the limit, "
        "with clauses and more clauses, many words and more words, and it never stops there.\n"
        "\n## Exercises",
    ),
    ("md", "### Exercise 1\nHow many events does the dataset hold?"),
    ("solution", "len(ds.events)  # the worked solution", []),
    ("md", "### Exercise 2: Two dates\nCompare the two dates of the launch."),
    ("md", "## What's next\n\nChapter 05.\n\n## Sources and further reading"),
    ("code", "sources_list(ds)", []),
]


def lecture_notebook() -> nbformat.NotebookNode:
    cells = []
    for kind, source, *outputs in LECTURE_CELLS:
        if kind in ("md", "nav"):
            cells.append(nbformat.v4.new_markdown_cell(source))
            if kind == "nav":
                cells[-1].metadata["tags"] = ["nav"]
        else:
            cells.append(nbformat.v4.new_code_cell(source, outputs=outputs[0]))
            if kind == "solution":
                cells[-1].metadata["tags"] = [teach.SOLUTION_TAG]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["nato_iraq"] = {"question": "What did NATO launch in 2018?"}
    return nb


def _sections(html: str) -> list[str]:
    return re.findall(r"<section\b.*?</section>", html, flags=re.S)


def _shown(section: str) -> str:
    """What a slide shows: its HTML without the speaker notes."""
    return re.sub(r'<aside class="notes">.*?</aside>', "", section, flags=re.S)


def test_a_deck_is_a_lecture_built_from_the_chapter(tmp_path: Path) -> None:
    deck = slides.write_deck(lecture_notebook(), tmp_path / f"04_demo{slides.DECK_SUFFIX}")
    made = slides.lecture_slides(lecture_notebook(), "04")
    assert [s.kind for s in made] == [
        "title", "outline", "points", "chart", "facts", "points", "summary", "summary",
        "exercises",
    ]  # fmt: skip
    _, outline, points, chart, facts, part, summary, summary2, exercises = made
    # The title slide: the chapter's title, its question and the series.
    html = deck.read_text(encoding="utf-8")
    sections = _sections(html)
    assert len(sections) == len(made)
    assert "<h1>A lecture chapter</h1>" in sections[0]
    assert "What did NATO launch in 2018?" in sections[0] and slides.SERIES in sections[0]
    assert "Chapter 04" in sections[0]
    # The outline is the Overview list; Prerequisites and Imports are not slides.
    assert outline.lines == ["The launch", "A part"]
    assert "Time to learn" in slides.notes_html(outline.notes)
    # A section's points: whole short sentences of its prose, never one that points
    # at the notebook ("The table below") or runs past the limit.
    assert points.heading == "The launch"
    assert points.lines == [
        "Allied leaders launched NMI at their summit in July 2018.",
        "Canada led the mission first, from 2018 to 2020.",
    ]
    # One slide per chart, with its alt text; the prose after it is its notes.
    assert chart.chart.alt == "Events of NMI on one time axis."
    assert 'alt="Events of NMI on one time axis."' in sections[3]
    assert "The strip shows the launch." in slides.notes_html(chart.notes)
    # A fact table: When and What, six rows, the rest counted; no quotes on the slide.
    shown = _shown(sections[4])
    assert shown.count("<tr>") == 1 + slides.MAX_FACT_ROWS
    assert "<th>When</th><th>What</th></tr>" in shown and "Sources and quotes" not in shown
    assert "quote 1" not in shown and "and 2 more in the chapter" in shown
    assert "Steps of the launch" in shown
    # Other outputs stay in the chapter; the notes say so.
    assert "reading-table" not in html and ">NMI<" not in html
    assert "The chapter shows a table here" in slides.notes_html(facts.notes)
    # A ### part is a slide under its section's heading.
    assert (part.kicker, part.heading) == ("The launch", "A part")
    # The summary: every item whole (a later sentence carries its hedge), as many
    # items a slide as fit; the long item gets its words, not a shortened form.
    assert all(len(s.lines) <= slides.MAX_SUMMARY_POINTS for s in (summary, summary2))
    shown_items = [line for s in (summary, summary2) for line in s.lines]
    assert any("never stops there" in line for line in shown_items)
    for s_ in (summary, summary2):
        assert sum(len(line.split()) for line in s_.lines) <= slides.SUMMARY_WORDS or (
            len(s_.lines) == 1
        )
    # The exercises: one slide listing them; worked solutions never reach the deck.
    assert exercises.lines == [
        "Exercise 1: How many events does the dataset hold?",
        "Exercise 2: Two dates",
    ]
    assert "worked solution" not in html
    # Skipped sections, navigation and links.
    for gone in ("Imports", "What&#x27;s next", "Sources and further reading", "00 · Tour"):
        assert gone not in html
    assert "../site/records" not in html and "July 2018" in html
    # 1280x720, the notes plugin, and a speaker note on every slide.
    assert re.search(r'"width": 1280, "height": 720', html)
    assert "plugins: [RevealNotes]" in html
    assert all(
        '<aside class="notes"><p>' in s or '<aside class="notes"><ul>' in s for s in sections
    )


@pytest.mark.parametrize("path", CHAPTER_PATHS, ids=lambda p: p.name)
def test_every_chapter_deck_has_short_slides_with_notes(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    made = slides.lecture_slides(nb, path.name[:2])
    kinds = [s.kind for s in made]
    assert kinds[:2] == ["title", "outline"] and kinds[-1] == "exercises"
    assert "summary" in kinds and "points" in kinds
    assert kinds.count("chart") == chart_outputs(nb)  # every chart, once
    assert made[0].lines == [nb.metadata["nato_iraq"]["question"]]
    for slide in made:
        where = f"{path.name} slide {made.index(slide)} ({slide.kind}: {slide.heading})"
        assert slides.notes_html(slide.notes).strip(), f"{where}: no speaker notes"
        assert slide.lines or slide.chart or slide.table, f"{where}: nothing to show"
        if slide.kind in ("points", "summary"):
            limit = slides.MAX_POINTS if slide.kind == "points" else slides.MAX_SUMMARY_POINTS
            assert len(slide.lines) <= limit, where
            if slide.kind == "summary":  # whole items, as many as fit
                assert sum(len(p.split()) for p in slide.lines) <= slides.SUMMARY_WORDS or (
                    len(slide.lines) == 1
                ), where
            for point in slide.lines:
                if slide.kind == "points":
                    assert len(point.split()) <= slides.MAX_WORDS, f"{where}: {point}"
                assert point[0].isupper() or point[0].isdigit(), f"{where}: {point}"
                assert point.rstrip("\"')")[-1] in ".?!", f"{where}: {point}"
        if slide.table:
            assert len(slide.table.rows) <= slides.MAX_FACT_ROWS, where
            assert len(slide.table.columns()) == 2, where
    html = slides.deck_html(slides.chapter_title(nb), made)
    assert html.count("<section") == html.count('<aside class="notes">') == len(made)
    assert "../site/records" not in html


def test_a_deck_escapes_what_the_notebook_says(tmp_path: Path) -> None:
    nb = lecture_notebook()
    nb.cells[0].source = "# A <b>bold</b> title\n\nA <script>window.x=1</script> line."
    nb.cells[5].source += "\n\nThe mission <img src=x onerror=alert(1)> was small and new."
    nb.cells[8].outputs = [_facts_output(1, caption="&lt;script&gt;alert(2)&lt;/script&gt;")]
    html = slides.write_deck(nb, tmp_path / "deck.slides.html").read_text(encoding="utf-8")
    for live in ("<b>bold", "<script>window", "<img src=x", "<script>alert(2)"):
        assert live not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_the_vendor_folder_holds_only_what_a_deck_loads(tmp_path: Path) -> None:
    vendor = slides.copy_vendor(tmp_path)
    html = slides.write_deck(lecture_notebook(), tmp_path / "deck.slides.html").read_text()
    loaded = re.findall(r'(?:src|href)="(vendor/[^"]+)"', html)
    assert loaded and all((tmp_path / path).is_file() for path in loaded)
    assert not (vendor / "require.js").exists() and not (vendor / "jquery.min.js").exists()


@pytest.mark.parametrize(
    "target",
    ["thesis/chapter1.docx", "pack/my_lesson_plan.md", "pack/student/my_own.ipynb"],
)
def test_teach_refuses_to_replace_files_it_did_not_write(
    tmp_path: Path, capsys, target: str
) -> None:
    """Before any kernel starts, a user's file in the way stops the command, named."""
    out = tmp_path / target.split("/")[0]
    if out.name == "pack":  # a folder that an earlier `teach` made
        (out / "student").mkdir(parents=True)
        (out / "README.md").write_text("# Class pack")
        safe_files.record_owned_files(out, teach.PACK_MARKER, "nato-iraq teach")
    mine = tmp_path / target
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text("precious")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))

    status = main(["teach", "--out", str(out), "--chapters", "04", "--quiet"])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert "no pack was written" in err and str(mine) in err and "Move those files" in err
    assert mine.read_text() == "precious"
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_teach_names_a_file_given_as_its_folder(tmp_path: Path, capsys) -> None:
    out = tmp_path / "pack"
    out.write_text("a file")
    assert main(["teach", "--out", str(out), "--chapters", "04", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "is a file, not a folder" in err and "Traceback" not in err
    assert out.read_text() == "a file"


def test_a_remade_pack_keeps_the_files_added_to_it(pack: Path, demo: Path, capsys) -> None:
    """A user's lesson plan added to a pack is never deleted by making the pack again."""
    plan = pack / "my_lesson_plan.md"
    plan.write_text("week 1: chapter 01")
    try:
        status = main(["teach", "--out", str(pack), "--notebooks", str(demo.parent), "--quiet"])
        assert status == 1 and str(plan) in capsys.readouterr().err
        assert plan.read_text() == "week 1: chapter 01"
    finally:
        plan.unlink()


def test_pack_files_follow_the_umask_and_formulas_stay_text(pack: Path) -> None:
    """Not 0o600 (a temporary file's mode): colleagues on a shared server can read the pack."""
    expected = 0o666 & ~_umask()
    files = [p for p in pack.rglob("*") if p.is_file()]
    assert files and {stat.S_IMODE(p.stat().st_mode) for p in files} == {expected}
    assert stat.S_IMODE(pack.stat().st_mode) == 0o777 & ~_umask()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_captions_csv_neutralises_formulas(tmp_path: Path) -> None:
    hostile = figure_pack.Caption(
        file_stem="01-01-chart",
        chapter="01",
        chart="chart",
        title='=HYPERLINK("http://example.com","x")',
        sources=["+cmd|' /C calc'!A0", "@SUM(1)"],
        note="-2+3 <img src=x onerror=alert(1)>",
    )
    (tmp_path / "figures-01.jsonl").write_text(json.dumps(dataclasses.asdict(hostile)) + "\n")
    assert teach.write_captions(tmp_path) == 1
    with (tmp_path / "captions.csv").open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["title"] == '\'=HYPERLINK("http://example.com","x")'
    assert row["sources"] == "'+cmd|' /C calc'!A0; @SUM(1)"
    assert row["note"] == "'-2+3 <img src=x onerror=alert(1)>"
    assert row["file_stem"] == "01-01-chart"  # ordinary cells are written as they are
    # In the Markdown captions the markup is literal text, not an element.
    md = (tmp_path / "captions.md").read_text(encoding="utf-8")
    assert "Note: -2\\+3 \\<img src=x onerror=alert(1)\\>" in md
    assert "<img" not in md.replace("\\<img", "")


def test_charts_are_collected_once_with_title_and_sources(tmp_path: Path) -> None:
    from helpers.charts.commanders import commanders_chart
    from helpers.data import load

    ds = load()
    assert figure_pack.collect(object(), "nothing") is None  # not collecting: a no-op
    figure_pack.start_collecting(tmp_path, "05")
    try:
        fig = commanders_chart(ds, "mis-nmi")
    finally:
        figure_pack.stop_collecting()
    (caption,) = figure_pack.read_manifest(tmp_path)
    assert caption.file_stem == "05-01-commanders-chart"
    name = ds.missions.set_index("mission_id").loc["mis-nmi", "name"]
    assert caption.title == f"Commanders of {name}"
    # The caption names the sources the chart's own source line names, in its order.
    assert caption.sources == list(fig.nato_iraq_sources) and "NATO news (2021)" in caption.sources
    assert (tmp_path / "05-01-commanders-chart.png").stat().st_size > 1000
    assert (tmp_path / "05-01-commanders-chart.svg").read_text().startswith("<?xml")


# --- the pack -------------------------------------------------------------------------


def test_the_pack_has_its_parts_and_a_readme(pack: Path, demo: Path) -> None:
    assert sorted(p.name for p in pack.iterdir() if not p.name.startswith(".")) == sorted(
        [
            "README.md", "figures", "instructor", "slides", "student", "data", "helpers",
            *teach.PACK_PROJECT_FILES, *teach.PACK_COPIES.values(),
        ]
    )  # fmt: skip
    readme = (pack / "README.md").read_text(encoding="utf-8")
    for folder in ("student/", "instructor/", "slides/", "figures/"):
        assert f"`{folder}`" in readme
    assert demo.name in readme
    # The demo pack is shorter than the collection: its guide says so first.
    guide = (pack / "COURSE_GUIDE.md").read_text(encoding="utf-8")
    assert guide.startswith("> **This pack holds only some chapters: 01_demo.**")


def test_the_pack_runs_on_its_own_in_a_copy(pack: Path, demo: Path, tmp_path: Path) -> None:
    """Copied anywhere, with no repository beside it, the pack installs and runs its chapters."""
    import os
    import subprocess

    copy = tmp_path / "somewhere" / "pack"
    shutil.copytree(pack, copy)
    # The publishing machinery stays home: only what a chapter's kernel imports travels.
    assert not (copy / "helpers" / "publish" / "build.py").exists()
    assert (copy / "helpers" / "data.py").is_file() and (
        copy / "data" / "datapackage.json"
    ).is_file()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_PROJECT"))}
    run = subprocess.run(
        ["uv", "run", "--quiet", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         f"student/{demo.name}", "--output", "executed.ipynb"],
        cwd=copy, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    executed = nbformat.read(copy / "student" / "executed.ipynb", as_version=4)
    assert chart_outputs(executed) == 1
    where = subprocess.run(
        ["uv", "run", "--quiet", "python", "-c", "import helpers; print(helpers.__file__)"],
        cwd=copy, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert Path(where.stdout.strip()).is_relative_to(copy), where.stdout


@pytest.mark.parametrize("path", CHAPTER_PATHS, ids=lambda p: p.name)
def test_student_text_never_mentions_removed_solutions(path: Path) -> None:
    student = teach.student_version(nbformat.read(path, as_version=4))
    prose = " ".join(c.source for c in student.cells if c.cell_type == "markdown")
    # Saying where the model answers are (the instructor edition) is fine;
    # pointing at a solution the student copy no longer has is not.
    assert not re.search(r"\bsolutions?\b|answers? below|in the cell below it", prose, re.I), (
        path.name
    )


def test_students_get_executed_notebooks_without_solutions(pack: Path, demo: Path) -> None:
    instructor = nbformat.read(pack / "instructor" / demo.name, as_version=4)
    student = nbformat.read(pack / "student" / demo.name, as_version=4)
    assert tagged(instructor, teach.SOLUTION_TAG)
    assert not tagged(student, teach.SOLUTION_TAG)
    code = [c for c in student.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert chart_outputs(student) == 1
    # A link to a chapter outside the pack keeps its words, not its target.
    assert "See the tour." in student.cells[2].source


def test_every_chart_is_in_the_figure_pack_with_a_caption(pack: Path, demo: Path) -> None:
    charts = chart_outputs(nbformat.read(pack / "student" / demo.name, as_version=4))
    with (pack / "figures" / "captions.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == charts
    captions = (pack / "figures" / "captions.md").read_text(encoding="utf-8")
    for row in rows:
        # The demo chapter draws NMI's commanders: its title and sources, not just any text.
        assert row["title"] == "Commanders of NATO Mission Iraq"
        assert "NATO news (2021)" in row["sources"].split("; ")
        for ext in ("png", "svg"):
            assert (pack / "figures" / f"{row['file_stem']}.{ext}").stat().st_size > 1000
        assert f"**{row['title']}**" in captions
    assert figure_pack.manifests(pack / "figures") == []


def test_slides_work_offline_in_the_browser(pack: Path, demo: Path) -> None:
    executable = chromium_or_skip()
    deck = pack / "slides" / f"{demo.stem}{slides.DECK_SUFFIX}"
    html = deck.read_text(encoding="utf-8")
    # No script, style or font is fetched from a server (links in the text may be).
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?(https?:)?//", html)
    assert "@import url(http" not in html
    with browser(executable) as context:
        report = check_page(context, deck, min_text=20)  # one slide shows at a time
        assert report.problems == []
        assert report.network_requests == []
        measured = reveal_slides(context, deck, report)
    assert report.problems == []
    assert len(measured) >= 3
    assert unreadable_slides(measured) == []


def test_every_chapter_deck_fits_its_slides_in_the_browser(tmp_path: Path) -> None:
    """Every slide of every chapter's deck, at 1280x720: nothing runs off the slide, no text
    is wider than its box or breaks inside words, every slide has notes, and the deck
    makes no network request and logs no error."""
    executable = chromium_or_skip()
    slides.copy_vendor(tmp_path)
    decks = [
        slides.write_deck(
            nbformat.read(path, as_version=4), tmp_path / f"{path.stem}{slides.DECK_SUFFIX}"
        )
        for path in CHAPTER_PATHS
    ]
    problems: list[str] = []
    counts = {}
    with browser(executable) as context:
        for deck in decks:
            report = PageReport(deck.as_uri())
            measured = reveal_slides(context, deck, report)
            counts[deck.name] = len(measured)
            problems += [f"{deck.name}: {p}" for p in unreadable_slides(measured)]
            problems += report.problems
            problems += [
                f"{deck.name}: slide {s['index']}: reveal.js set up at {s['size']}"
                for s in measured
                if s["size"] != [1280, 720] or not s["notes_plugin"]
            ]
            kinds = {s["kind"] for s in measured}
            assert {"title", "outline", "points", "summary", "exercises"} <= kinds, deck.name
    assert problems == []
    assert len(counts) == len(CHAPTER_PATHS) and all(n >= 10 for n in counts.values()), counts


#: A deck made by hand with one fault per slide, to show that the walk sees each.
FAULTY_DECK = """<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="vendor/reveal.js/dist/reveal.css">
<style>.reveal .slides > section { height: 100%; box-sizing: border-box; }</style></head>
<body><div class="reveal"><div class="slides">
<section class="points"><h2>Fine</h2><p>Short.</p><aside class="notes">Notes.</aside></section>
<section class="points"><h2>Too long</h2>LINES<aside class="notes">Notes.</aside></section>
<section class="points"><h2>Too wide</h2><p style="width: 300px">WORD</p>
<aside class="notes">Notes.</aside></section>
<section class="points"><h2>Breaks words</h2><p style="word-break: break-all">Words.</p>
<aside class="notes">Notes.</aside></section>
<section class="points"><h2>No notes</h2><p>Short.</p></section>
</div></div>
<script src="vendor/reveal.js/dist/reveal.js"></script>
<script src="vendor/reveal.js/plugin/notes/notes.js"></script>
<script>Reveal.initialize({width: 1280, height: 720, center: false, transition: "none",
  plugins: [RevealNotes]});</script></body></html>"""


def test_a_slide_that_runs_off_or_breaks_words_is_reported(tmp_path: Path) -> None:
    executable = chromium_or_skip()
    slides.copy_vendor(tmp_path)
    deck = tmp_path / "faulty.slides.html"
    faults = FAULTY_DECK.replace("LINES", "<p>Line.</p>" * 60).replace("WORD", "W" * 200)
    deck.write_text(faults, encoding="utf-8")
    with browser(executable) as context:
        measured = reveal_slides(context, deck)
    problems = unreadable_slides(measured)
    faulty = {int(p.split(":")[0].removeprefix("slide ")) for p in problems}
    assert faulty == {1, 2, 3, 4}, problems
    assert any("px of content in" in p for p in problems if p.startswith("slide 1:"))
    assert any("below" in p for p in problems if p.startswith("slide 1:"))
    assert any("of text in 300 px" in p for p in problems if p.startswith("slide 2:"))
    assert any("breaks words" in p for p in problems if p.startswith("slide 3:"))
    assert problems[-1] == "slide 4: no speaker notes"


def test_a_slide_too_long_for_the_window_is_reported() -> None:
    fits = {
        "index": 0,
        "scroll": 500,
        "client": 720,
        "bottom": 700,
        "viewport": 720,
        "outside": [],
        "overflowing": [],
        "midword": [],
        "notes": 120,
        "shown": 40,
    }
    long = {**fits, "index": 1, "scroll": 2000}
    bare = {**fits, "index": 2, "notes": 0, "shown": 0}
    beside = {**fits, "index": 3, "outside": ["p 40 px beyond the right edge"]}
    assert unreadable_slides([fits]) == []
    assert unreadable_slides([long, bare, beside]) == [
        "slide 1: 2000 px of content in 720 px",
        "slide 2: no speaker notes",
        "slide 2: nothing on the slide",
        "slide 3: p 40 px beyond the right edge",
    ]
