"""The reader site: built from the stored notebooks, complete, offline, and swapped in whole.

One site is built per test module (about 10 s) from the committed notebooks
into a temporary folder; the browser checks then open every page of it.
"""

from __future__ import annotations

import base64
import html
import io
import re
from pathlib import Path

import nbformat
import pytest

from helpers.datapackage import read_datapackage
from helpers.paths import DATAPACKAGE, NOTEBOOKS_DIR, PROJECT_ROOT
from helpers.publish import site
from helpers.publish.chapters import chapters, chart_count
from tests.browser import browser, check_page, chromium_or_skip
from tests.notebook_factory import write_notebook

pytestmark = pytest.mark.slow

#: Every table file of the data package.
DATA_FILES = [t.path for t in read_datapackage(DATAPACKAGE).tables.values()]
#: Capitalised words in the prose that are not abbreviations (roman numerals, names).
NOT_ABBREVIATIONS = {"II", "III", "IV", "I"}
#: Where the browser test leaves its screenshot of the landing page.
SCREENSHOT = PROJECT_ROOT / ".cache" / "screenshots" / "site-landing.png"


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    report = site.build_site(out=out)
    assert report.built
    return out


@pytest.fixture(scope="module")
def chromium():
    """One browser for the module's browser checks (starting one takes about 2 s)."""
    with browser(chromium_or_skip()) as context:
        yield context


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


# --- the parts of a page, without Sphinx ---------------------------------------------


def test_reading_time_counts_prose_code_and_charts() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("word " * 400)]
    assert site.reading_minutes(nb) == 2
    chart = nbformat.v4.new_code_cell("x " * 100)
    chart.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "AA=="})]
    nb.cells.append(chart)
    # 400 words of prose + 100 of code read at half speed = 3 minutes, + half a minute a chart.
    assert site.reading_minutes(nb) == 4


def test_a_chapter_states_its_own_time_to_learn() -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("- **Time to learn**: 25 minutes")]
    assert site.stated_minutes(nb) == 25
    assert site.stated_minutes(nbformat.v4.new_notebook()) is None


def test_key_figure_is_the_tagged_chart_else_the_first() -> None:
    first, second = _png(10, 10), _png(20, 10)
    cells = []
    for png in (first, second):
        cell = nbformat.v4.new_code_cell("chart()")
        data = {"image/png": base64.b64encode(png).decode()}
        cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    assert site.key_figure_png(nb) == first
    cells[1].metadata["tags"] = [site.KEY_FIGURE_TAG]
    assert site.key_figure_png(nb) == second


def test_thumbnails_are_scaled_to_the_card_width() -> None:
    from PIL import Image

    small = Image.open(io.BytesIO(site.thumbnail(_png(1600, 1000))))
    assert small.size == (site.THUMBNAIL_WIDTH, round(site.THUMBNAIL_WIDTH * 1000 / 1600))


def test_a_chapter_without_its_question_is_named(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "01_demo.ipynb", "1 + 1")
    with pytest.raises(ValueError, match=r"01_demo\.ipynb: .*nato_iraq\.question"):
        site.chapter_card(path)


def test_every_chapter_states_its_question() -> None:
    for chapter in chapters(NOTEBOOKS_DIR):
        nb = nbformat.read(chapter.path, as_version=4)
        assert site.chapter_question(nb, chapter.path).endswith("?"), chapter.path.name


# --- the built site -------------------------------------------------------------------


def test_landing_page_has_a_card_per_chapter(built_site: Path) -> None:
    index = (built_site / "index.html").read_text(encoding="utf-8")
    series = chapters(NOTEBOOKS_DIR)
    cards = re.findall(r'<a class="chapter-card" href="([^"]+)"', index)
    assert cards == [f"chapters/{c.path.stem}.html" for c in series]
    for chapter in series:
        nb = nbformat.read(chapter.path, as_version=4)
        assert site.chapter_question(nb, chapter.path) in index.replace("&#x27;", "'")
        assert (built_site / "_static" / "thumbs" / f"{chapter.number}.png").is_file()
    assert len(re.findall(r'class="card-time">Time to learn: \d+ min<', index)) == len(series)


def test_every_chapter_page_shows_its_charts_and_citations(built_site: Path) -> None:
    for chapter in chapters(NOTEBOOKS_DIR):
        page = (built_site / "chapters" / f"{chapter.path.stem}.html").read_text("utf-8")
        nb = nbformat.read(chapter.path, as_version=4)
        charts = sum(chart_count(cell) for cell in nb.cells)
        assert page.count('src="../_images/') >= charts >= 2, chapter.path.name
        # Facts are shown with their sources' verbatim quotes.
        assert '<span class="cite"' in page and "<q>" in page, chapter.path.name


def test_data_page_links_every_table_and_the_package(built_site: Path) -> None:
    page = (built_site / "data.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="(_downloads/[^"]+)"', page))
    names = {Path(link).name for link in links}
    package = read_datapackage(DATAPACKAGE)
    assert names == {Path(t.path).name for t in package.tables.values()} | {"datapackage.json"}
    for link in links:
        assert (built_site / link).is_file()
    # The codebook is on the page: every table's columns are listed.
    assert "date_basis" in page and "short_name" in page


def test_sources_page_lists_every_source(built_site: Path) -> None:
    import csv
    from urllib.parse import quote

    page = (built_site / "sources.html").read_text(encoding="utf-8")
    with (DATAPACKAGE.parent / "sources.csv").open(encoding="utf-8") as fh:
        sources = list(csv.DictReader(fh))
    for source in sources:
        assert source["source_id"] in page
        if source["url"]:
            # The Markdown renderer percent-encodes characters outside ASCII.
            href = quote(source["url"], safe=":/?#[]@!$&'()*+,;=%~")
            assert f'href="{href}"' in page.replace("&amp;", "&"), source["url"]


def test_records_section_has_an_entry_for_every_cited_record(built_site: Path) -> None:
    from helpers.data import load

    ds = load()
    pages: dict[str, str] = {}
    cited = set(ds.citations["record_id"])
    for name, table in ds.package.tables.items():
        if not table.cited:
            continue
        ids = set(ds[name][table.primary_key[0]]) & cited
        if not ids:
            continue
        pages[name] = page = (built_site / "records" / f"{name}.html").read_text("utf-8")
        anchors = set(re.findall(r'<section id="([a-z0-9-]+)"', page)) | set(
            re.findall(r'<span id="([a-z0-9-]+)"></span>', page)
        )
        assert ids <= anchors, sorted(ids - anchors)[:5]
    # Every quote is on its record's page, escaped as HTML text.
    import html as html_module

    for record, quote in zip(ds.citations["record_id"], ds.citations["quote"], strict=True):
        name = ds.record_table(record)
        assert html_module.escape(quote, quote=True) in pages[name], (record, quote)
    disagreements = (built_site / "records" / "discrepancies.html").read_text("utf-8")
    for dis in ds.discrepancies["discrepancy_id"]:
        assert f'id="{dis}"' in disagreements


def test_evidence_links_point_to_records_and_show_their_quotes(built_site: Path) -> None:
    from helpers.data import load
    from helpers.publish.evidence import EVIDENCE_LINK

    ds = load()
    quotes = ds.citations.groupby("record_id")["quote"].agg(list)
    linked = 0
    for chapter in chapters(NOTEBOOKS_DIR):
        nb = nbformat.read(chapter.path, as_version=4)
        wanted = [
            m for cell in nb.cells if cell.cell_type == "markdown"
            for m in EVIDENCE_LINK.finditer(cell.source)
        ]  # fmt: skip
        page = (built_site / "chapters" / f"{chapter.path.stem}.html").read_text("utf-8")
        shown = re.findall(
            r'<a class="evidence" href="../records/([a-z_]+).html#([a-z0-9-]+)" title="([^"]*)">',
            page,
        )
        assert [(m["page"], m["id"]) for m in wanted] == [(p, i) for p, i, _ in shown]
        assert "../site/records/" not in page  # no link is left pointing into the repository
        for (_, record, title), match in zip(shown, wanted, strict=True):
            if record not in quotes.index:
                continue
            # The title shows the record's quotes, one that states the linked number first.
            first = title.split("\n")[0]
            assert any(html.escape(q[:40], quote=True) in title for q in quotes[record]), record
            numbers = re.findall(r"\d+", match["text"])
            if numbers and any(n in q for q in quotes[record] for n in numbers):
                assert any(n in first for n in numbers), (record, match["text"], first)
        # Each record the prose links to names this chapter among those that show it.
        for _, record, _ in shown:
            name = ds.record_table(record) if not record.startswith("dis-") else "discrepancies"
            entries = (built_site / "records" / f"{name}.html").read_text("utf-8")
            entry = entries[entries.index(f'id="{record}"') :]
            entry = entry[: entry.index('class="shown-in"') + 2000]
            assert f"../chapters/{chapter.path.stem}.html" in entry, (chapter.path.name, record)
        linked += len(shown)
    assert linked > 100


def test_site_search_finds_records_by_their_words(built_site: Path) -> None:
    index = (built_site / "searchindex.js").read_text("utf-8")
    # Sphinx indexes each entry's heading, with the record's id as its anchor.
    assert '"evt-allawi-letter"' in index or "evt-allawi-letter" in index
    assert "Istanbul Summit agrees" in index


def test_unchanged_inputs_keep_the_site_and_a_failure_keeps_the_old_one(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    path = write_notebook(notebooks / "01_demo.ipynb", "1 + 1")
    nb = nbformat.read(path, as_version=4)
    nb.metadata["nato_iraq"] = {"question": "Does a small site build?"}
    nbformat.write(nb, path)
    out = tmp_path / "site"

    assert site.build_site([path], out=out).built
    index = (out / "index.html").read_bytes()
    assert not site.build_site([path], out=out).built  # nothing changed: kept as is

    # A reference Sphinx cannot resolve is a warning, and any warning fails the build.
    nb.cells.append(nbformat.v4.new_markdown_cell("See {doc}`no-such-page`."))
    nbformat.write(nb, path)
    with pytest.raises(site.SiteBuildError, match="no-such-page"):
        site.build_site([path], out=out)
    assert (out / "index.html").read_bytes() == index
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebooks", "site"]


# --- in the browser -------------------------------------------------------------------


def test_every_page_loads_offline_without_errors(built_site: Path, chromium) -> None:
    pages = site.page_list(built_site)
    assert len(pages) >= len(chapters(NOTEBOOKS_DIR)) + 3
    problems: list[str] = []
    for page in pages:
        shot = SCREENSHOT if page == built_site / "index.html" else None
        problems += check_page(chromium, page, screenshot=shot).problems
    assert problems == []
    assert SCREENSHOT.stat().st_size > 10_000


def test_charts_have_alt_text_captions_and_numbers(built_site: Path) -> None:
    for chapter in chapters(NOTEBOOKS_DIR):
        page = (built_site / "chapters" / f"{chapter.path.stem}.html").read_text("utf-8")
        figures = re.findall(r'<figure class="[^"]*chart[^"]*".*?</figure>', page, re.S)
        nb = nbformat.read(chapter.path, as_version=4)
        assert len(figures) == sum(chart_count(cell) for cell in nb.cells), chapter.path.name
        for number, figure in enumerate(figures, start=1):
            alt = re.search(r'<img alt="([^"]*)"', figure).group(1)
            assert len(alt) >= 60 and ".png" not in alt, (chapter.path.name, alt)
            assert f"Figure {number}" in figure, (chapter.path.name, number)


def test_chapters_offer_downloads_a_cite_line_and_fold_solutions(built_site: Path) -> None:
    import zipfile

    archive = built_site / "_static" / "downloads" / "nato-iraq-data.zip"
    with zipfile.ZipFile(archive) as zipped:
        names = {Path(n).name for n in zipped.namelist()}
    assert "datapackage.json" in names and {Path(t).name for t in DATA_FILES} <= names
    for chapter in chapters(NOTEBOOKS_DIR):
        page = (built_site / "chapters" / f"{chapter.path.stem}.html").read_text("utf-8")
        assert f'href="../_static/downloads/{chapter.path.name}"' in page
        assert (built_site / "_static" / "downloads" / chapter.path.name).read_bytes() == (
            chapter.path.read_bytes()
        )
        assert "Cite this chapter:" in page and "edition" in page
        # Solutions are folded: no solution code or model answer shows before a click.
        nb = nbformat.read(chapter.path, as_version=4)
        solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
        assert solutions
        assert page.count("Show the solution") + page.count("Show the model answer") >= len(
            solutions
        )


def test_glossary_has_every_abbreviation_of_the_prose(built_site: Path) -> None:
    from helpers.publish.glossary import read_glossary

    entries = read_glossary()
    page = (built_site / "glossary.html").read_text("utf-8")
    for entry in entries:
        assert f'id="{entry.anchor}"' in page
    known = {e.term for e in entries} | {e.term + "s" for e in entries}
    # "JFC Naples", "ISO 639-1", "COVID-19": the first word is the abbreviation in use.
    known |= {re.split(r"[\s-]", e.term)[0] for e in entries}
    unexplained = set()
    for chapter in chapters(NOTEBOOKS_DIR):
        nb = nbformat.read(chapter.path, as_version=4)
        prose = " ".join(c.source for c in nb.cells if c.cell_type == "markdown")
        # Link targets, code and HTML are not prose; quoted words are the sources', not ours.
        prose = re.sub(r"\]\([^)]*\)|`[^`]*`|<[^>]+>|\"[^\"]*\"|“[^”]*”", " ", prose)
        for token in re.findall(r"(?<![\w-])[A-Z][A-Z0-9]+(?:[-/][A-Z0-9]+)*(?![\w-])", prose):
            if token not in known and token not in NOT_ABBREVIATIONS:
                unexplained.add(token)
        page = (built_site / "chapters" / f"{chapter.path.stem}.html").read_text("utf-8")
        assert 'class="glossary-term"' in page, chapter.path.name
    assert unexplained == set()


def test_the_browser_check_catches_broken_pages(tmp_path: Path, chromium) -> None:
    page = tmp_path / "broken.html"
    page.write_text(
        '<html><body><img src="missing.png"><a href="nowhere.html">x</a>'
        '<a href="#no-anchor">y</a><script>console.error("boom")</script></body></html>'
    )
    report = check_page(chromium, page)
    assert report.broken_images and report.console_errors
    assert len(report.broken_links) == 2


def test_the_browser_check_catches_empty_pages(built_site: Path, tmp_path: Path, chromium) -> None:
    """A chapter page whose content vanished (only the theme's frame is left) fails the walk."""
    chapter = next(p for p in site.page_list(built_site) if p.parent.name == "chapters")
    page = chapter.read_text(encoding="utf-8")
    blank = re.sub(r"(<article[^>]*>).*?(</article>)", r"\1\2", page, flags=re.S)
    assert blank != page, "the theme no longer wraps a chapter in <article>: adapt this test"
    target = chapter.with_name("blank.html")
    target.write_text(blank, encoding="utf-8")
    try:
        report = check_page(chromium, target)
    finally:
        target.unlink()
    assert any("no visible heading" in p for p in report.empty)
    whole = check_page(chromium, chapter)
    assert whole.empty == [] and whole.text_length > 2000

    flat = tmp_path / "flat.html"
    flat.write_text(
        "<html><body><h1>Title</h1><p>" + "words " * 60 + "</p>"
        '<img src="data:image/png;base64,' + base64.b64encode(_png(10, 10)).decode() + '"'
        ' style="width:1px;height:1px"></body></html>'
    )
    (problem,) = check_page(chromium, flat).empty
    assert problem.endswith("shown with no size")


def test_the_browser_check_catches_live_injected_markup(tmp_path: Path, chromium) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(
        "<html><body><h1>A page</h1><p>" + "text " * 60 + "</p>"
        '<img src="x" data-hostile="1" onerror="alert(1)">'
        "<script>window.__hostile = 1</script></body></html>"
    )
    report = check_page(chromium, page)
    assert report.dialogs == ["alert: 1"]
    assert report.injected == ["1 element(s) with data-hostile", "a script set window.__hostile"]
    escaped = tmp_path / "escaped.html"
    escaped.write_text(
        "<html><body><h1>A page</h1><p>"
        + "text " * 60
        + "&lt;img src=x data-hostile=1 onerror=alert(1)&gt;</p></body></html>"
    )
    quiet = check_page(chromium, escaped)
    assert quiet.dialogs == [] and quiet.injected == [] and quiet.problems == []
