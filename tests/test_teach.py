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
from tests.browser import browser, check_page, chromium_or_skip, reveal_slides, unreadable_slides

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
    assert all(c.source == teach.ANSWER_PROMPT for c in answers)


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


def test_slide_types_follow_headings_and_charts() -> None:
    md = nbformat.v4.new_markdown_cell
    chart = nbformat.v4.new_code_cell("chart()")
    chart.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "AA=="})]
    quiet = nbformat.v4.new_code_cell("x = 1")
    nav = md("← [x](x.ipynb)")
    nav.metadata["tags"] = ["nav"]
    cells = [md("# Title"), md("## Section"), md("### Part"), md("Prose"), chart, quiet, nav]
    assert [slides.slide_type(c) for c in cells] == [
        "slide",
        "slide",
        "subslide",
        "-",
        "subslide",
        "skip",
        "skip",
    ]


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
    assert not re.search(r"solution|model answer|marking note", prose, re.I), path.name


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
        measured = reveal_slides(context, deck)
    assert len(measured) >= 3
    assert unreadable_slides(measured) == []


def test_a_slide_too_long_for_the_window_is_reported() -> None:
    fits = {
        "index": 0,
        "scroll": 500,
        "client": 500,
        "overflow": "visible",
        "bottom": 700,
        "viewport": 800,
    }
    scrolls = {**fits, "index": 1, "scroll": 2000, "client": 700, "overflow": "auto"}
    clipped = {**scrolls, "index": 2, "overflow": "visible"}
    assert unreadable_slides([fits, scrolls]) == []
    assert unreadable_slides([clipped]) == ["slide 2: 2000 px of content in 700 px"]


def test_the_pack_project_pins_what_the_collection_is_built_with() -> None:
    """The pack's environment is the collection's: same versions, same edition."""
    import tomllib

    import yaml

    template = tomllib.loads((teach.PACK_TEMPLATE / "pyproject.toml").read_text("utf-8"))
    main_lock = tomllib.loads((NOTEBOOKS_DIR.parent / "uv.lock").read_text("utf-8"))
    locked = {p["name"]: p["version"] for p in main_lock["package"]}
    for requirement in template["project"]["dependencies"]:
        name, _, version = requirement.partition("==")
        assert locked[name] == version, (
            f"{name}: pack pins {version}, the collection has {locked[name]}"
        )
    citation = yaml.safe_load((NOTEBOOKS_DIR.parent / "CITATION.cff").read_text("utf-8"))
    assert template["project"]["version"] == str(citation["version"])
    pack_lock = tomllib.loads((teach.PACK_TEMPLATE / "uv.lock").read_text("utf-8"))
    pack_locked = {p["name"]: p["version"] for p in pack_lock["package"]}
    for requirement in template["project"]["dependencies"]:
        name, _, version = requirement.partition("==")
        assert pack_locked[name] == version
