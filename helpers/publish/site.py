"""The reader site: the stored notebooks rendered as a static HTML book in ``site/``.

The site is made from what is already stored (no notebook is executed here):
a landing page with a card per chapter, one page per notebook with its
outputs, a data page (codebook and downloads) and a sources page. Sphinx with
myst-nb and sphinx-book-theme renders it without any network access.

The build writes into a temporary folder beside ``site/`` and swaps it into
place only when Sphinx has finished without a warning, so a failed build
leaves the previous site whole. A build whose inputs have not changed since
the last one is skipped (see :func:`site_inputs_digest`).
"""

from __future__ import annotations

import base64
import io
import math
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from helpers.datapackage import read_datapackage
from helpers.digest import files_digest
from helpers.paths import DATA_DIR, NOTEBOOKS_DIR, PROJECT_ROOT
from helpers.publish import safe_files
from helpers.publish.chapter_page import DATA_ZIP, site_notebook
from helpers.publish.chapters import (
    METADATA_KEY,
    chapter_number,
    chapter_paths,
    chapter_title,
    chart_count,
    has_tag,
)
from helpers.publish.edition import Edition, read_edition
from helpers.publish.glossary import GLOSSARY_FILE, glossary_page, read_glossary
from helpers.publish.records import RECORDS_FOLDER, RecordsSection, chapter_mentions
from helpers.untrusted import html_text, markdown_text, safe_url

SITE_DIR = PROJECT_ROOT / "site"
#: The site's record of itself: the digest of the inputs it was built from and
#: the hash of every file it wrote (see :mod:`helpers.publish.safe_files`).
STAMP_NAME = ".nato-iraq-site"
#: Cell tag that picks a chapter's card thumbnail (default: its first chart).
KEY_FIGURE_TAG = "key-figure"
#: Words a reader gets through in a minute of prose; code is read at half that.
WORDS_PER_MINUTE = 200
#: Extra reading time for each chart, in minutes.
MINUTES_PER_FIGURE = 0.5
#: Twice the card's width on the page, so the thumbnail is sharp on high-resolution screens.
THUMBNAIL_WIDTH = 720
#: How messages name the site folder (``nato-iraq build --site DIR``).
SITE_ROLE = "site folder (--site)"
SITE_TITLE = "NATO and Iraq, 2004 to today"
#: How the sources page explains each ``quote_origin``.
QUOTE_ORIGINS = {
    "source_text": "the text itself",
    "gazetteer_name": "the gazetteer's place names",
}
_ASSETS = Path(__file__).with_name("site_assets")
#: The codebook's table sections, as the data page includes them.
CODEBOOK_TABLES = "codebook_tables.md"


class SiteBuildError(Exception):
    """Sphinx failed or warned; the message carries its output. ``site/`` is untouched."""


@dataclass(frozen=True)
class Card:
    """What the landing page shows of one chapter."""

    page: str  # path of the chapter's page, relative to the site root, without suffix
    number: str
    title: str
    question: str
    minutes: int  # time to learn: as the chapter states it, else estimated
    thumbnail: bytes | None  # PNG of the chapter's key figure, scaled down


def chapter_question(nb: nbformat.NotebookNode, path: Path) -> str:
    """The question a chapter answers, stored in its metadata (``nato_iraq.question``)."""
    question = nb.metadata.get(METADATA_KEY, {}).get("question", "").strip()
    if not question:
        raise ValueError(
            f"{path}: notebook metadata has no 'nato_iraq.question'; add the question"
            " the chapter answers (it is shown on the site's landing page)"
        )
    return question


def reading_minutes(nb: nbformat.NotebookNode) -> int:
    """Estimated reading time: prose and code at their own pace, plus each chart."""
    prose = code = figures = 0
    for cell in nb.cells:
        words = len(cell.source.split())
        if cell.cell_type == "markdown":
            prose += words
        elif cell.cell_type == "code":
            code += words
            figures += chart_count(cell)
    minutes = (prose + 2 * code) / WORDS_PER_MINUTE + MINUTES_PER_FIGURE * figures
    return max(1, math.ceil(minutes))


#: How a chapter states its own time to learn, in its prerequisites.
TIME_TO_LEARN = re.compile(r"\*\*Time to learn\*\*:\s*(\d+)\s*min")


def stated_minutes(nb: nbformat.NotebookNode) -> int | None:
    """The "Time to learn" a chapter states for itself, if it does."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = TIME_TO_LEARN.search(cell.source)
            if match:
                return int(match.group(1))
    return None


def key_figure_png(nb: nbformat.NotebookNode) -> bytes | None:
    """The PNG of the cell tagged ``key-figure``, else of the first chart."""
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    tagged = [cell for cell in code_cells if has_tag(cell, KEY_FIGURE_TAG)]
    for cell in tagged + code_cells:
        for output in cell.outputs:
            png = output.get("data", {}).get("image/png")
            if png:
                return base64.b64decode(png)
    return None


def thumbnail(png: bytes, width: int = THUMBNAIL_WIDTH) -> bytes:
    """``png`` scaled down to ``width`` pixels, as PNG bytes (Pillow comes with matplotlib)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        if image.width > width:
            height = round(image.height * width / image.width)
            image = image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def chapter_card(path: Path, nb: nbformat.NotebookNode | None = None) -> Card:
    """The landing-page card of the notebook at ``path`` (``nb``: its content, if read)."""
    nb = nb if nb is not None else nbformat.read(path, as_version=4)
    png = key_figure_png(nb)
    return Card(
        page=f"chapters/{path.stem}",
        number=chapter_number(path),
        title=chapter_title(nb),
        question=chapter_question(nb, path),
        # The chapter's own figure wins, so that the card and the page agree.
        minutes=stated_minutes(nb) or reading_minutes(nb),
        thumbnail=thumbnail(png) if png else None,
    )


def _card_html(card: Card) -> str:
    title = html_text(card.title)
    image = (
        f'<img src="_static/thumbs/{card.number}.png" alt="Key figure of chapter'
        f' {card.number}: {title}" loading="lazy">'
        if card.thumbnail
        else '<div class="card-nofigure">No chart</div>'
    )
    return (
        f'<a class="chapter-card" href="{card.page}.html">\n'
        f"{image}\n"
        f'<div class="card-body"><span class="card-number">Chapter {card.number}</span>\n'
        f'<span class="card-title">{title}</span>\n'
        f'<span class="card-question">{html_text(card.question)}</span>\n'
        f'<span class="card-time">Time to learn: {card.minutes} min</span></div></a>'
    )


def landing_page(cards: list[Card]) -> str:
    """MyST source of the landing page: introduction, chapter cards and the table of contents."""
    grid = "\n".join(_card_html(card) for card in cards)
    # Numbered in the sidebar, so that "chapter 04" is easy to find.
    toctree = "\n".join(f"{card.number} · {card.title} <{card.page}>" for card in cards)
    return f"""# {SITE_TITLE}

A cited dataset and a series of narrative notebooks on NATO's engagement with
Iraq: the training mission NTM-I (2004-2011), the partnership years that
followed, and NATO Mission Iraq (NMI) from 2018. Every fact comes from a named
source with a short verbatim quote in the source's own language (with an English
gloss where it is not English); where the sources disagree, each version is
kept and the disagreement is shown.

Start with the dataset tour if you want to rerun or adapt the analyses; start
with the overview if you want the story. The [data](data.md) page describes
every table and links to the files; the [sources](sources.md) page lists the
texts behind them, and the [records](records/index.md) give every fact with its
quotes: each figure and date in the chapters links to its record. The
[glossary](glossary.md) explains every abbreviation.

<div class="chapter-grid">
{grid}
</div>

```{{toctree}}
:hidden:
:caption: Chapters

{toctree}
```

```{{toctree}}
:hidden:
:caption: Reference

data
sources
{RECORDS_FOLDER}/index
glossary
```
"""


def data_page(tables: list[tuple[str, str, str]]) -> str:
    """MyST source of the data page: downloads (all at once, or table by table), then the codebook.

    ``tables`` holds (name, file path, what it holds) for each table in the package.
    """
    downloads = "\n".join(
        f"| {markdown_text(name)} | {markdown_text(holds)}"
        f" | {{download}}`{Path(path).name} <data/{Path(path).name}>` |"
        for name, path, holds in tables
    )
    package_row = (
        "| | The data package: every table and column described, as JSON"
        " | {download}`datapackage.json <data/datapackage.json>` |"
    )
    return f"""# The data

The dataset is a set of tidy CSV tables described by a
[Frictionless](https://specs.frictionlessdata.io/data-package/) data package.
The codebook below is made from that description: every column with its
type, unit, allowed values and keys.

## Download

<p><a class="download-all" href="_static/downloads/{DATA_ZIP}" download>Download all the data
(one zip: every table, datapackage.json and the codebook)</a>, or one table at a time:</p>

| Table | What it holds | File |
| --- | --- | --- |
{downloads}
{package_row}

```{{include}} {CODEBOOK_TABLES}
:heading-offset: 1
```
"""


def sources_page(sources: list[dict[str, str]]) -> str:
    """MyST source of the sources page: one entry per source, with its date and how it is known.

    Every value is data, so every value goes through :mod:`helpers.untrusted`:
    shown as literal text, and linked only when it is an http(s) address.
    """
    entries = []
    for source in sources:
        md = {key: markdown_text(value) for key, value in source.items()}
        address = safe_url(source["url"])
        link = f"<{address}>" if address else "no address given"
        origin = QUOTE_ORIGINS.get(source["quote_origin"], md["quote_origin"])
        entries.append(
            f"## {md['title']}\n\n"
            f"- **Short name:** {md['short_name']} ({md['source_id']})\n"
            f"- **Publisher:** {md['publisher'] or 'publisher not stated'}\n"
            f"- **Date:** {md['date'] or 'undated'} ({md['date_basis']}). {md['date_note']}\n"
            f"- **Address:** {link}\n"
            f"- **Kind:** {markdown_text(source['source_type'].replace('_', ' '))};"
            f" language: {md['language']}; read on {md['read_date']}\n"
            f"- **Quotes are from:** {origin}\n\n{md['notes']}\n"
        )
    return (
        "# Sources\n\nEvery fact in the dataset cites one of these texts with a short"
        " verbatim quote from the text itself, in its own language (with an English"
        " gloss where it is not English); the gazetteer is quoted by its place names."
        " The texts belong to their publishers; the dataset holds only the quotes.\n\n"
        + "\n".join(entries)
    )


def _first_sentence(text: str) -> str:
    head, _, _ = text.strip().partition(". ")
    return head.rstrip(".") + "."


def _sources_rows(data_dir: Path) -> list[dict[str, str]]:
    import csv

    with (data_dir / "sources.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def site_inputs_digest(notebooks: list[Path], data_dir: Path = DATA_DIR) -> str:
    """A hash of everything the site is made from: notebooks, data, this module, its assets."""
    files = [
        *notebooks,
        *sorted(data_dir.glob("*.csv")),
        data_dir / "datapackage.json",
        data_dir / "CODEBOOK.md",
        # The pages are made by the helpers (records, wording, dates...): all of them count.
        *sorted((PROJECT_ROOT / "helpers").rglob("*.py")),
        *sorted(p for p in _ASSETS.rglob("*") if p.is_file()),
        PROJECT_ROOT / "uv.lock",
        PROJECT_ROOT / "CITATION.cff",
        GLOSSARY_FILE,
    ]
    return files_digest(files)


def write_records(src: Path, section: RecordsSection) -> None:
    """The records pages, one per table with cited records, and the disagreements."""
    folder = src / RECORDS_FOLDER
    folder.mkdir(parents=True)
    for name, text in section.pages().items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")


def codebook_tables(codebook: str) -> str:
    """The codebook's table sections only: the data page gives its own list of tables."""
    start = codebook.find("\n## ")
    return codebook[start + 1 :] if start >= 0 else codebook


def write_downloads(folder: Path, notebooks: list[Path], data_dir: Path) -> None:
    """Each chapter's notebook as stored, and all the data in one zip, under ``folder``."""
    folder.mkdir(parents=True)
    for path in notebooks:
        shutil.copyfile(path, folder / path.name)
    files = [*sorted(data_dir.glob("*.csv")), data_dir / "datapackage.json"]
    files += [data_dir / "CODEBOOK.md"] if (data_dir / "CODEBOOK.md").is_file() else []
    # Fixed times and order: the same data make the same zip.
    with zipfile.ZipFile(folder / DATA_ZIP, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            info = zipfile.ZipInfo(f"nato-iraq-data/{file.name}", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, file.read_bytes())


def write_edition(src: Path, edition: Edition) -> None:
    """``edition.py`` beside ``conf.py``: the version and dates the footer shows."""
    (src / "edition.py").write_text(
        f"VERSION = {edition.version!r}\n"
        f"EDITION_DATE = {edition.released_words!r}\n"
        f"FACTS_AS_OF = {edition.facts_as_of_words!r}\n",
        encoding="utf-8",
    )


def write_sources(src: Path, notebooks: list[Path], data_dir: Path) -> list[Card]:
    """Lay out the Sphinx source folder ``src``; return the landing-page cards."""
    from helpers.data import load

    (src / "chapters").mkdir(parents=True)
    ds = load(data_dir)
    edition = read_edition(ds)
    section = RecordsSection(ds, chapter_mentions(notebooks, ds))
    glossary = read_glossary()
    write_records(src, section)
    (src / "glossary.md").write_text(glossary_page(glossary, section.table_of), encoding="utf-8")
    cards = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        cards.append(chapter_card(path, nb))
        number = chapter_number(path)
        nb = site_notebook(nb, path.stem, number, edition, section, glossary)
        nbformat.write(nb, src / "chapters" / path.name)
    # Copied files get the umask's mode, not the mode of the user's own files.
    shutil.copytree(
        data_dir, src / "data", ignore=shutil.ignore_patterns(".*"), copy_function=shutil.copyfile
    )
    codebook = (data_dir / "CODEBOOK.md").read_text(encoding="utf-8")
    (src / CODEBOOK_TABLES).write_text(codebook_tables(codebook), encoding="utf-8")
    static = src / "_static"
    (static / "thumbs").mkdir(parents=True)
    for asset in ("site.css", "site.js"):
        shutil.copyfile(_ASSETS / asset, static / asset)
    write_downloads(static / "downloads", notebooks, data_dir)
    for card in cards:
        if card.thumbnail:
            (static / "thumbs" / f"{card.number}.png").write_bytes(card.thumbnail)
    (src / "index.md").write_text(landing_page(cards), encoding="utf-8")
    package = read_datapackage(data_dir / "datapackage.json")
    tables = [(t.name, t.path, _first_sentence(t.description)) for t in package.tables.values()]
    (src / "data.md").write_text(data_page(tables), encoding="utf-8")
    (src / "sources.md").write_text(sources_page(_sources_rows(data_dir)), encoding="utf-8")
    shutil.copyfile(_ASSETS / "conf.py", src / "conf.py")
    write_edition(src, edition)
    return cards


def run_sphinx(src: Path, out: Path, doctrees: Path) -> None:
    """Render ``src`` into ``out`` as HTML; any warning is an error."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    log = io.StringIO()
    try:
        with patch_docutils(src), docutils_namespace():
            app = Sphinx(
                srcdir=src,
                confdir=src,
                outdir=out,
                doctreedir=doctrees,
                buildername="html",
                status=log,
                warning=log,
                warningiserror=True,
                freshenv=True,
                verbosity=0,
            )
            app.build()
    except Exception as exc:
        raise SiteBuildError(f"Sphinx failed: {exc}\n{_tail(log.getvalue())}") from None
    if app.statuscode:
        raise SiteBuildError(f"Sphinx exited with status {app.statuscode}\n{_tail(log.getvalue())}")


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


@dataclass(frozen=True)
class SiteReport:
    """What :func:`build_site` did."""

    out: Path
    built: bool  # False when the inputs were unchanged and the site was kept
    pages: int


def build_site(
    notebooks: list[Path] | None = None,
    out: Path = SITE_DIR,
    data_dir: Path = DATA_DIR,
    force: bool = False,
) -> SiteReport:
    """Render the stored notebooks, the data and the sources as a static site in ``out``.

    Skipped when ``out`` was built from the same inputs (``force`` rebuilds).
    Raises :class:`SiteBuildError` on any Sphinx warning or error; ``out`` is
    then left as it was.
    """
    notebooks = sorted(notebooks or chapter_paths(NOTEBOOKS_DIR))
    digest = site_inputs_digest(notebooks, data_dir)
    record = safe_files.read_owned_record(out, STAMP_NAME) if out.is_dir() else None
    if not force and record is not None and record.get("inputs") == digest:
        return SiteReport(out, built=False, pages=len(list(out.rglob("*.html"))))
    # Before the work: a site folder holding files of someone else's is never replaced.
    safe_files.check_replaceable(out, STAMP_NAME, SITE_ROLE)
    out.parent.mkdir(parents=True, exist_ok=True)
    with safe_files.work_folder(out) as work_dir:
        src, html_dir = work_dir / "src", work_dir / "html"
        write_sources(src, notebooks, data_dir)
        run_sphinx(src, html_dir, work_dir / "doctrees")
        _clean_output(html_dir)
        safe_files.record_owned_files(html_dir, STAMP_NAME, "nato-iraq build", inputs=digest)
        safe_files.swap_into_place(html_dir, out, STAMP_NAME, SITE_ROLE)
    return SiteReport(out, built=True, pages=len(list(out.rglob("*.html"))))


#: The theme's fold buttons in the sidebar are icons without words: name them
#: for screen readers (axe-core's "summary-name").
_UNNAMED_TOGGLE = '<summary><span class="toctree-toggle" role="presentation">'
_NAMED_TOGGLE = (
    '<summary aria-label="Show or hide the pages of this part">'
    '<span class="toctree-toggle" role="presentation">'
)


def _clean_output(html_dir: Path) -> None:
    """Drop what a reader never opens (Sphinx's build record, copied notebook sources) and
    name the theme's unnamed controls."""
    (html_dir / ".buildinfo").unlink(missing_ok=True)
    for page in html_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if _UNNAMED_TOGGLE in text:
            page.write_text(text.replace(_UNNAMED_TOGGLE, _NAMED_TOGGLE), encoding="utf-8")
    for leftover in html_dir.rglob("*.ipynb"):
        if "downloads" not in leftover.parent.parts:  # the chapters offered for download stay
            leftover.unlink()
    sources = html_dir / "_sources"
    if sources.is_dir() and not any(sources.iterdir()):
        sources.rmdir()


def page_list(out: Path = SITE_DIR) -> list[Path]:
    """Every HTML page of a built site except Sphinx's search and index pages."""
    skip = {"search.html", "genindex.html"}
    return sorted(p for p in out.rglob("*.html") if p.name not in skip and "_static" not in p.parts)
