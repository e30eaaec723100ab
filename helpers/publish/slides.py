"""Lecture decks from executed notebooks: reveal.js slides built here, working offline.

A chapter becomes a deck of 1280x720 slides, one idea per slide, without any
hand-made slide markup:

- a title slide: the chapter's title, its question (notebook metadata
  ``nato_iraq.question``) and the series' name;
- an outline: the items of the chapter's Overview list;
- for every content section (``##``, and each ``###`` part of one): a slide
  with its heading and at most :data:`MAX_POINTS` short points, whole
  sentences of the section's prose of at most :data:`MAX_WORDS` words that
  stand on their own (a long sentence may appear without its bracketed
  asides, or as its first clause, before a semicolon or a colon; see
  :func:`short_forms`; nothing is ever cut mid-clause); then a
  slide per chart, the chart as large as the slide allows, and a slide per
  table of facts (``facts(...)``), its When and What columns only and at most
  :data:`MAX_FACT_ROWS` rows (the rest counted, "and N more in the chapter");
  other outputs (pandas tables, printed text) stay in the chapter, and the
  notes say so;
- the Summary as slides of at most :data:`MAX_SUMMARY_POINTS` short points;
- the Exercises as one slide that lists them for the seminar.

Every slide carries speaker notes (``<aside class="notes">``, shown by the
notes plugin on ``s``): the chapter's prose for that slide, as plain HTML,
with evidence links reduced to their words. Sizes are fixed for a 1280x720
slide and long content is split over slides, so nothing scrolls or runs off a
slide, and words wrap only between words.

Every text taken from a notebook or the data is escaped with
:func:`helpers.untrusted.html_text`. A deck loads only reveal.js, its notes
plugin and their styles and fonts, from ``vendor/`` beside it (copied by
:func:`copy_vendor` from ``slides_vendor/``; see its README); charts are
embedded, so a deck opens from disk with no connection.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import nbformat
from markdown_it import MarkdownIt

from helpers.publish.chapters import METADATA_KEY, NAV_TAG, SOLUTION_TAG, chapter_title, has_tag
from helpers.publish.evidence import without_evidence_links
from helpers.untrusted import html_text

VENDOR_DIR = Path(__file__).with_name("slides_vendor")
#: File ending of a deck: ``04_nmi.slides.html``.
DECK_SUFFIX = ".slides.html"
#: Folder beside the decks that holds the vendored scripts, styles and fonts.
VENDOR_LINK = "vendor"
#: The series' name, on every title slide.
SERIES = "NATO and Iraq, 2004 to today"

#: The slide's size in CSS pixels; reveal.js scales it to the window.
WIDTH, HEIGHT = 1280, 720
#: Points on a section's slide, and on each slide of the summary.
MAX_POINTS = 3
MAX_SUMMARY_POINTS = 4
#: Words of summary items on one slide (items are shown whole; see summary_points).
SUMMARY_WORDS = 95
#: Longest point, in words; a point is always a whole sentence.
MAX_WORDS = 25
#: Shortest point, in words (shorter sentences rarely stand on their own).
MIN_WORDS = 5
#: Rows of a table of facts on its slide.
MAX_FACT_ROWS = 6
#: Outline and exercise lists longer than this are set in two columns.
ONE_COLUMN_ITEMS = 6

#: Sections that are for running or navigating the chapter, not for a lecture
#: (compared in lower case, with typographic apostrophes made plain).
SKIPPED_SECTIONS = frozenset(
    {"overview", "prerequisites", "imports", "what's next", "sources and further reading"}
)
SUMMARY = "summary"
EXERCISES = "exercises"

# --- the chapter as blocks -------------------------------------------------------------

#: A piece of inline text and how it is set: "" (plain), "strong", "em" or "code".
Run = tuple[str, str]


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Para:
    runs: list[Run]

    @property
    def text(self) -> str:
        return plain(self.runs)


class TableNote(Para):
    """Text that follows a table of facts in its output (the dataset's note): data, not prose."""


@dataclass
class Items:
    ordered: bool
    items: list[list[Run]]


@dataclass
class Code:
    text: str


@dataclass
class Chart:
    png: str  # base64
    alt: str


@dataclass
class FactTable:
    caption: str
    header: list[str]
    rows: list[list[str]]

    def columns(self) -> list[int]:
        """The columns a slide shows: When and What, else the first two."""
        if "When" in self.header and "What" in self.header:
            return [self.header.index("When"), self.header.index("What")]
        return list(range(min(2, len(self.header))))


@dataclass
class Hidden:
    """An output the slides leave out: the notes say what the chapter shows there."""

    what: str


Block = Heading | Para | Items | Code | Chart | FactTable | Hidden


@dataclass
class Section:
    heading: str
    #: The ``##`` heading above a ``###`` part; empty for a ``##`` section.
    parent: str = ""
    blocks: list[Block] = field(default_factory=list)

    @property
    def key(self) -> str:
        return section_key(self.heading)


@dataclass
class Chapter:
    title: str
    question: str
    intro: list[Block]
    sections: list[Section]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key and not s.parent), None)

    def parts(self, key: str) -> list[Section]:
        """The ``###`` parts of the ``##`` section ``key``."""
        return [s for s in self.sections if s.parent and section_key(s.parent) == key]


def section_key(heading: str) -> str:
    return " ".join(heading.replace("\u2019", "'").lower().split())


_markdown = MarkdownIt("commonmark").enable("table")


def plain(runs: list[Run], code_marks: bool = False) -> str:
    """The text of ``runs`` with spaces normalised (code in backticks with ``code_marks``)."""
    text = "".join(f"`{t}`" if code_marks and style == "code" else t for style, t in runs)
    return " ".join(text.split())


def _runs(children) -> list[Run]:
    runs: list[Run] = []
    styles: list[str] = []
    for token in children or []:
        kind = token.type
        if kind in ("text", "html_inline"):
            runs.append((styles[-1] if styles else "", token.content))
        elif kind == "code_inline":
            runs.append(("code", token.content))
        elif kind in ("softbreak", "hardbreak"):
            runs.append(("", " "))
        elif kind in ("strong_open", "em_open"):
            styles.append(kind.removesuffix("_open"))
        elif kind in ("strong_close", "em_close") and styles:
            styles.pop()
        # Links keep their words (link_open/close carry none); images are left out.
    return runs


def markdown_blocks(source: str) -> list[Block]:
    """Headings, paragraphs, lists, code and tables of a Markdown cell, links as their words."""
    tokens = _markdown.parse(without_evidence_links(source))
    blocks: list[Block] = []
    lists: list[Items] = []
    row: list[str] | None = None
    rows: list[list[str]] = []
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "heading_open":
            level = int(token.tag[1])
            blocks.append(Heading(level, plain(_runs(tokens[index + 1].children))))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            if not lists:
                lists.append(Items(kind == "ordered_list_open", []))
            else:
                lists.append(lists[0])  # a nested list continues its item
        elif kind in ("bullet_list_close", "ordered_list_close"):
            done = lists.pop()
            if not lists:
                blocks.append(done)
        elif kind == "list_item_open" and len(lists) == 1:
            lists[0].items.append([])
        elif kind == "inline" and tokens[index - 1].type == "paragraph_open":
            runs = _runs(token.children)
            if lists and lists[0].items:
                item = lists[0].items[-1]
                item.extend([("", " ")] if item else [])
                item.extend(runs)
            elif not lists:
                blocks.append(Para(runs))
        elif kind in ("fence", "code_block"):
            blocks.append(Code(token.content.rstrip("\n")))
        elif kind == "html_block":
            blocks.append(Para([("", token.content)]))  # shown as text, never as markup
        elif kind == "tr_open":
            row = []
        elif kind == "inline" and row is not None:
            row.append(plain(_runs(token.children)))
        elif kind == "tr_close" and row is not None:
            rows.append(row)
            row = None
        elif kind == "table_close":
            header, *body = rows or [[]]
            blocks.append(Items(False, [[("", _table_row(header, r))] for r in body]))
            rows = []
    return blocks


def _table_row(header: list[str], row: list[str]) -> str:
    first, *rest = row or [""]
    details = [f"{h}: {v}" for h, v in zip(header[1:], rest, strict=False) if v]
    return first + (f" ({'; '.join(details)})" if details else "")


class _FactsParser(HTMLParser):
    """The tables of class ``facts`` in an output, and the text after them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[FactTable] = []
        self.after: list[str] = []
        self._table: FactTable | None = None
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._caption: list[str] | None = None
        self._depth = 0  # tables open inside the fact table

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            if self._table is None and "facts" in (dict(attrs).get("class") or "").split():
                self._table = FactTable("", [], [])
                return
            self._depth += 1
        if self._table is None or self._depth:
            return
        if tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if self._table is None:
            return
        if tag == "table":
            if self._depth:
                self._depth -= 1
            else:
                self.tables.append(self._table)
                self._table = None
            return
        if self._depth:
            return
        if tag == "caption" and self._caption is not None:
            self._table.caption = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if not self._table.header:
                self._table.header = self._row
            else:
                self._table.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._table is None:
            self.after.append(data)
        elif self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def output_blocks(output: nbformat.NotebookNode) -> list[Block]:
    """What one output of a code cell is on the slides: a chart, fact tables, or left out."""
    data = output.get("data", {})
    if "image/png" in data:
        meta = output.get("metadata", {}).get("image/png", {})
        title = meta.get("title") or ""
        alt = meta.get("alt") or (f"Chart: {title}." if title else "")
        return [Chart("".join(str(data["image/png"]).split()), alt)]
    html = data.get("text/html")
    if isinstance(html, list):
        html = "".join(html)
    if html and "facts" in html:
        parser = _FactsParser()
        parser.feed(html)
        parser.close()
        if parser.tables:
            after = " ".join("".join(parser.after).split())
            return [*parser.tables, *([TableNote([("", after)])] if after else [])]
    if html:
        return [Hidden("a table" if "<table" in html else "an output")]
    if output.get("output_type") == "error":
        return [Hidden("an error message")]
    if output.get("output_type") == "stream" or "text/plain" in data:
        return [Hidden("printed output")]
    return []


def read_chapter(nb: nbformat.NotebookNode) -> Chapter:
    """The chapter's title, question, opening prose and sections, as blocks."""
    title = chapter_title(nb)
    question = str(nb.metadata.get(METADATA_KEY, {}).get("question") or "")
    intro: list[Block] = []
    sections: list[Section] = []
    current: list[Block] = intro
    parent = ""
    for cell in nb.cells:
        if has_tag(cell, NAV_TAG) or has_tag(cell, SOLUTION_TAG):
            continue  # navigation, and worked solutions (never shown to a class)
        if cell.cell_type == "markdown":
            for block in markdown_blocks(cell.source):
                if isinstance(block, Heading) and block.level == 1:
                    current = intro
                elif isinstance(block, Heading) and block.level == 2:
                    parent = block.text
                    sections.append(Section(block.text))
                    current = sections[-1].blocks
                elif isinstance(block, Heading):
                    sections.append(Section(block.text, parent))
                    current = sections[-1].blocks
                else:
                    current.append(block)
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                current.extend(output_blocks(output))
    return Chapter(title, question, intro, sections)


# --- short points from prose -----------------------------------------------------------

#: Words before a full stop that do not end a sentence.
_ABBREVIATIONS = frozenset(
    {
        "e.g",
        "i.e",
        "etc",
        "cf",
        "vs",
        "no",
        "nos",
        "gen",
        "lt",
        "col",
        "maj",
        "brig",
        "adm",
        "capt",
        "cdr",
        "cmdr",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "jr",
        "sr",
        "approx",
        "ca",
        "fig",
        "figs",
        "p",
        "pp",
        "vol",
        "ed",
        "eds",
        "art",
        "para",
        "sgt",
        "gov",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    }
)

_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9])")
#: Sentences that point at the notebook rather than make a point of their own.
_POINTS_AT_PAGE = re.compile(
    r"\b(below|above|this chapter|the chapter|chapters? \d+|sections? \d+|exercises? \d+"
    r"|the (table|tables|chart|charts|strip|map|maps|list|code|cell|quotes|panel|figure)\b"
    r"|this (table|chart|list|strip|map)\b|(lower|upper|left|right) panel|we show|shown here"
    r"|on the (right|left)|rows?|columns?|markers?|squares?|circles?|dots?|diamonds?|triangles?"
    r"|crosses|hatch(ed|ing)?|callouts?|axis|axes|colou?r(s|ed)?|drawn|drawing|bars?|panels?"
    r"|legend|labelled|shad(ed|es|ing)|bold|italics?|arrows?|dashed|dotted|double rules?"
    r"|to the (left|right)|(left|right) and (left|right)|fades?"
    r"|the (last|next|previous|first|second|third) (\w+ )?sections?)\b",
    re.I,
)


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences, never inside brackets or after an abbreviation."""
    found, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()]
        if before.count("(") > before.count(")") or before.count("[") > before.count("]"):
            continue
        last = before.split()[-1].lstrip("([\"'\u201c") if before.split() else ""
        if (
            last.lower() in _ABBREVIATIONS
            or (len(last) == 1 and last.isupper())
            or re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", last)
        ):
            continue
        found.append(text[start : match.end()].strip())
        start = match.end()
    rest = text[start:].strip()
    return [*found, rest] if rest else found


def _balanced(text: str) -> bool:
    pairs = ("()", "[]", "\u201c\u201d")
    return all(text.count(a) == text.count(b) for a, b in pairs) and text.count('"') % 2 == 0


#: Openings that lean on the sentence before (a pronoun, a link word).
_LEANS_BACK = re.compile(
    r"^(this|these|that|those|it|its|they|their|them|he|she|his|her|both|such|here|there"
    r"|then|so|but|yet|and|or|also|still|thus|hence|instead|again|otherwise)\b",
    re.I,
)
#: Openings that count what the sentence before named ("Four belong to ...").
_COUNTS_BACK = re.compile(
    r"^(one|two|three|four|five|six|seven|eight|nine|ten|most|some|many|all|none|each|several"
    r"|half|few|neither|either)\s+(are|were|is|was|belongs?|of|have|has|had|come|came|concerns?"
    r"|rests?|remains?|go|went|says?|said|gives?|gave|dates?|names?|falls?|appears?)\b",
    re.I,
)
#: Sentences that announce others (a count of points, a list to come) or need one before.
_NEEDS_CONTEXT = re.compile(
    r"\b(stand out|as follows|follows|the following|the same|that label|the latter|the former)\b"
    r"|, then,|\b(these|those)\b",
    re.I,
)


def is_point(sentence: str, max_words: int = MAX_WORDS) -> bool:
    """A whole sentence short enough for a slide that stands on its own: it does not
    point at the notebook (a table, a chart, a section) or lean on the sentence before."""
    words = len(sentence.split())
    end = sentence.rstrip("\"'\u201d\u2019)]")
    return (
        MIN_WORDS <= words <= max_words
        and end[-1:] in (".", "!", "?")
        and (sentence[:1].isupper() or sentence[:1].isdigit())
        and "`" not in sentence
        and _balanced(sentence)
        and not _POINTS_AT_PAGE.search(sentence)
        and not _LEANS_BACK.search(sentence)
        and not _COUNTS_BACK.search(sentence)
        and not _NEEDS_CONTEXT.search(sentence)
    )


def _top_level(text: str, mark: str) -> int:
    """Where ``mark`` first occurs outside brackets and quotes (-1 if it does not)."""
    depth, quoted = 0, False
    for index, char in enumerate(text):
        if char in "([\u201c":
            depth += 1
        elif char in ")]\u201d":
            depth -= 1
        elif char == '"':
            quoted = not quoted
        elif char == mark and depth == 0 and not quoted:
            return index
    return -1


def _without_asides(sentence: str) -> str:
    """``sentence`` without its bracketed asides ("Canada led first (2018 to 2020), ...")."""
    while True:
        shorter = re.sub(r"\s*\([^()]*\)", "", sentence)
        if shorter == sentence:
            break
        sentence = shorter
    return " ".join(sentence.split())


def short_forms(sentence: str) -> list[str]:
    """The forms of ``sentence`` a slide may show: the whole sentence only.

    Shortening a sentence (dropping an aside, keeping a first clause) lost the
    hedges and the other side of a comparison ("the latter from one later news
    report"), so a slide said more than the chapter: a point is a whole
    sentence or nothing.
    """
    return [sentence]


def point_of(sentence: str) -> str | None:
    """The first of ``sentence``'s forms that makes a point (see :func:`short_forms`)."""
    return next((form for form in short_forms(sentence) if is_point(form)), None)


def _paragraph_texts(blocks: list[Block]) -> list[str]:
    texts = []
    for block in blocks:
        if type(block) is Para:
            runs = list(block.runs)
            while runs and (runs[0][0] == "strong" or not runs[0][1].strip()):
                runs.pop(0)  # a bold label opening a paragraph ("**Countries** (lower panel).")
            texts.append(plain(runs, code_marks=True))
        elif isinstance(block, Items):
            texts += [plain(item, code_marks=True) for item in block.items]
    return texts


def section_points(blocks: list[Block], limit: int = MAX_POINTS) -> list[str]:
    """Up to ``limit`` points from the prose: the first short sentence of each paragraph
    in turn (then the second of each, and so on), in the order of the text."""
    by_paragraph = [
        [
            (p, s, point)
            for s, sentence in enumerate(sentences(text))
            if (point := point_of(sentence))
        ]
        for p, text in enumerate(_paragraph_texts(blocks))
    ]
    chosen: list[tuple[int, int, str]] = []
    for rank in range(max((len(c) for c in by_paragraph), default=0)):
        for candidates in by_paragraph:
            if rank < len(candidates) and len(chosen) < limit:
                chosen.append(candidates[rank])
    return [sentence for _, _, sentence in sorted(chosen)]


def summary_pieces(blocks: list[Block]) -> list[Block]:
    """The summary's blocks, a list cut into one list per item."""
    pieces: list[Block] = []
    for block in blocks:
        if isinstance(block, Items):
            pieces += [Items(block.ordered, [item]) for item in block.items]
        else:
            pieces.append(block)
    return pieces


def summary_points(pieces: list[Block]) -> list[tuple[int, str]]:
    """The summary's points, each with the index of the piece it comes from: every
    item whole, with all its sentences (a summary item's later sentences carry its
    hedges and the other counts), and each point of a paragraph."""
    points = []
    for index, piece in enumerate(pieces):
        if not isinstance(piece, Items | Para) or isinstance(piece, TableNote):
            continue
        if isinstance(piece, Items):
            points += [(index, text) for text in _paragraph_texts([piece]) if text.strip()]
            continue
        found = [point_of(s) for text in _paragraph_texts([piece]) for s in sentences(text)]
        points += [(index, point) for point in found if point]
    return points


# --- slides ----------------------------------------------------------------------------


@dataclass
class Slide:
    kind: str  # title, outline, points, chart, facts, summary, exercises
    heading: str
    kicker: str = ""
    lines: list[str] = field(default_factory=list)  # points or list items
    chart: Chart | None = None
    table: FactTable | None = None
    more: int = 0  # rows of the table left for the chapter
    notes: list[Block] = field(default_factory=list)


def _note(text: str) -> Para:
    return Para([("em", text)])


def _hidden_note(block: Hidden) -> Para:
    return _note(f"The chapter shows {block.what} here; the slides leave it out.")


#: Estimated width of a character, in ems of the font (Source Sans Pro, generous).
_CHAR_EM = 0.52
#: Height of the table area of a facts slide, and the width of its What column (px).
_TABLE_HEIGHT = 430
_TABLE_TEXT_WIDTH = 820
_TABLE_FONT = 26
_TABLE_LINE = 1.25
_ROW_PADDING = 14


def _row_height(text: str) -> float:
    per_line = _TABLE_TEXT_WIDTH / (_TABLE_FONT * _CHAR_EM)
    lines = max(1, math.ceil(len(text) / per_line))
    return lines * _TABLE_FONT * _TABLE_LINE + _ROW_PADDING


def rows_that_fit(table: FactTable) -> int:
    """How many of the table's first rows fit on a slide (at least one, at most six)."""
    what = table.columns()[-1]
    used, count = 0.0, 0
    for row in table.rows[:MAX_FACT_ROWS]:
        used += _row_height(row[what] if what < len(row) else "")
        if used > _TABLE_HEIGHT and count:
            break
        count += 1
    return count


#: The column of a table of facts that holds the quotes: for the chapter, not the notes.
QUOTES_COLUMN = "Sources and quotes"


def table_notes(table: FactTable, shown: int) -> list[Block]:
    """What the notes say of a table: how many rows it has, the columns the slide leaves
    out (but the quotes), and the rows it leaves out."""
    rows = len(table.rows)
    quotes = " with the sources' quotes" if QUOTES_COLUMN in table.header else ""
    notes: list[Block] = [
        _note(f"The chapter's table has {rows} {'row' if rows == 1 else 'rows'}{quotes}.")
    ]
    columns = table.columns()
    rest = [
        c for c in range(len(table.header)) if c not in columns and table.header[c] != QUOTES_COLUMN
    ]

    def line(row: list[str], every: bool) -> list[Run]:
        cells = [row[c] for c in (columns + rest if every else columns) if c < len(row)]
        return [("", " | ".join(cell for cell in cells if cell))]

    if rest:  # a column the slide has no room for, such as the dataset's note on each row
        names = ", ".join(table.header[c] for c in rest)
        notes += [
            Para([("strong", f"Row by row, with {names}")]),
            Items(False, [line(row, True) for row in table.rows]),
        ]
    elif shown < rows:
        notes += [
            Para([("strong", "The rows not on the slide")]),
            Items(False, [line(row, False) for row in table.rows[shown:]]),
        ]
    return notes


def leads_in(block: Block) -> bool:
    """Whether a paragraph introduces what follows: it ends with a colon ("The quotes for
    this list:") or opens with a bold label ("**Peacekeeping?** ...")."""
    if type(block) is not Para:
        return False
    runs = [run for run in block.runs if run[1].strip()]
    return block.text.endswith(":") or (bool(runs) and runs[0][0] == "strong")


def _label(block: Block) -> str:
    """The bold words that open a paragraph, if any."""
    runs = [run for run in block.runs if run[1].strip()] if type(block) is Para else []
    return " ".join(runs[0][1].split()) if runs and runs[0][0] == "strong" else ""


def section_slides(section: Section) -> list[Slide]:
    """The points slide of a section, then a slide per chart and per table of facts.

    The points slide's notes are the prose up to the first chart or table. The prose
    between two charts or tables reads the one before, so it goes to that one's notes,
    except from a paragraph that introduces the next one (see :func:`leads_in`) on.
    """
    heading, kicker = section.heading, section.parent
    head = Slide("points", heading, kicker, lines=section_points(section.blocks))
    slides: list[Slide] = []
    pending: list[Block] = []  # prose since the last chart or table
    for block in section.blocks:
        if isinstance(block, Chart | FactTable):
            if isinstance(block, Chart):
                chart = Chart(block.png, block.alt or f"Chart: {heading}.")
                slide = Slide("chart", heading, kicker, chart=chart)
            else:
                shown = rows_that_fit(block)
                table = FactTable(block.caption, block.header, block.rows[:shown])
                slide = Slide("facts", heading, kicker, table=table, more=len(block.rows) - shown)
                slide.notes += table_notes(block, shown)
            cut = next((i for i, b in enumerate(pending) if leads_in(b)), len(pending))
            label = _label(pending[cut]) if slides and cut < len(pending) else ""
            if slide.table and not slide.table.caption and label:
                slide.table.caption = label  # "**Peacekeeping?** ..." names the table after it
            (slides[-1] if slides else head).notes += pending[:cut] if slides else pending
            slide.notes[:0] = pending[cut:] if slides else []
            slides.append(slide)
            pending = []
        else:
            pending.append(_hidden_note(block) if isinstance(block, Hidden) else block)
    (slides[-1] if slides else head).notes += pending
    if head.lines:
        return [head, *slides]
    if slides:  # no short sentence to show: the first chart or table opens the section
        slides[0].notes[:0] = head.notes
        return slides
    return [head]  # nothing to show: merged into the slide before (see lecture_slides)


def summary_slides(section: Section) -> list[Slide]:
    """The summary's points, at most four a slide, and on each slide's notes the items
    whose points it shows (an item without a point goes with the item before it)."""
    pieces = summary_pieces(section.blocks)
    points = summary_points(pieces)
    # Whole items are long: a slide takes as many as fit in SUMMARY_WORDS words.
    chunks: list[list[tuple[int, str]]] = [[]]
    for point in points:
        words = sum(len(text.split()) for _, text in chunks[-1])
        full = len(chunks[-1]) >= MAX_SUMMARY_POINTS
        if chunks[-1] and (full or words + len(point[1].split()) > SUMMARY_WORDS):
            chunks.append([])
        chunks[-1].append(point)
    count = len(chunks)
    slides, home_of = [], {}
    for number, chunk in enumerate(chunks):
        heading = "Summary" if count == 1 else f"Summary ({number + 1} of {count})"
        slides.append(Slide("summary", heading, lines=[point for _, point in chunk]))
        for index, _ in chunk:
            home_of.setdefault(index, slides[-1])
    home = slides[0]
    for index, piece in enumerate(pieces):
        home = home_of.get(index, home)
        home.notes.append(_hidden_note(piece) if isinstance(piece, Hidden) else piece)
    return slides


def _exercise_line(part: Section) -> str:
    """An exercise's heading; a bare "Exercise N" gains its question if that is short."""
    if ":" in part.heading:
        return part.heading
    texts = _paragraph_texts(part.blocks)
    first = sentences(texts[0])[0] if texts and sentences(texts[0]) else ""
    if first and is_point(first, max_words=18):
        return f"{part.heading}: {first}"
    return part.heading


#: Exercises beyond this many are listed by their headings alone, to fit one slide.
MAX_EXERCISES_WITH_QUESTIONS = 10


def exercise_slide(section: Section, parts: list[Section]) -> Slide:
    """One slide listing the exercises; their full texts are the notes."""
    with_questions = len(parts) <= MAX_EXERCISES_WITH_QUESTIONS
    lines = [_exercise_line(p) if with_questions else p.heading for p in parts]
    slide = Slide("exercises", "Exercises for the seminar", lines=lines)
    slide.notes += section.blocks
    for part in parts:
        slide.notes.append(Para([("strong", part.heading)]))
        slide.notes += [_hidden_note(b) if isinstance(b, Hidden) else b for b in part.blocks]
    return slide


def lecture_slides(nb: nbformat.NotebookNode, number: str = "") -> list[Slide]:
    """Every slide of a chapter's deck, in order (see the module)."""
    chapter = read_chapter(nb)
    title = Slide("title", chapter.title, f"Chapter {number}" if number else "")
    title.lines = [chapter.question] if chapter.question else []
    title.notes = [b for b in chapter.intro if not isinstance(b, (Chart, FactTable, Hidden))]
    slides = [title]

    overview = chapter.section("overview")
    if overview:
        lists = [b for b in overview.blocks if isinstance(b, Items)]
        outline = Slide("outline", "Outline", lines=[plain(i) for b in lists for i in b.items])
        outline.notes = [b for b in overview.blocks if not isinstance(b, Items)]
        prerequisites = chapter.section("prerequisites")
        if prerequisites and prerequisites.blocks:
            outline.notes += [Para([("strong", "Before this chapter")]), *prerequisites.blocks]
        if outline.lines:
            slides.append(outline)
        else:
            title.notes += outline.notes

    for section in chapter.sections:
        key = section_key(section.parent) if section.parent else section.key
        if key in SKIPPED_SECTIONS or key == EXERCISES:
            continue
        made = summary_slides(section) if key == SUMMARY else section_slides(section)
        for slide in made:
            if slide.lines or slide.chart or slide.table:
                slides.append(slide)
            else:  # a section with nothing to show: its prose joins the notes before
                slides[-1].notes += [Para([("strong", slide.heading)]), *slide.notes]

    exercises = chapter.section(EXERCISES)
    parts = chapter.parts(EXERCISES)
    if exercises and parts:
        slides.append(exercise_slide(exercises, parts))

    for slide in slides:
        if not slide.notes:
            slide.notes = [Para([("", _default_note(slide))])]
    return slides


def _default_note(slide: Slide) -> str:
    if slide.kind == "title":
        return f"{slide.heading}. {' '.join(slide.lines)}".strip()
    if slide.kind == "chart":
        return slide.chart.alt if slide.chart and slide.chart.alt else f"A chart: {slide.heading}."
    return f"{slide.heading}."


# --- HTML ------------------------------------------------------------------------------


def _inline_html(runs: list[Run]) -> str:
    parts = []
    for style, text in runs:
        escaped = html_text(text)
        parts.append(f"<{style}>{escaped}</{style}>" if style else escaped)
    return " ".join("".join(parts).split())


def notes_html(blocks: list[Block]) -> str:
    """Speaker notes as plain HTML: paragraphs, lists and code, every text escaped."""
    merged: list[Block] = []
    for block in blocks:  # a run of one-item lists (the summary's items) reads as one list
        last = merged[-1] if merged else None
        if isinstance(block, Items) and isinstance(last, Items) and last.ordered == block.ordered:
            merged[-1] = Items(last.ordered, [*last.items, *block.items])
        else:
            merged.append(block)
    out = []
    for block in merged:
        if isinstance(block, Para):
            out.append(f"<p>{_inline_html(block.runs)}</p>")
        elif isinstance(block, Items):
            tag = "ol" if block.ordered else "ul"
            items = "".join(f"<li>{_inline_html(item)}</li>" for item in block.items)
            out.append(f"<{tag}>{items}</{tag}>")
        elif isinstance(block, Code):
            out.append(f"<pre><code>{html_text(block.text)}</code></pre>")
        elif isinstance(block, Hidden):
            out.append(f"<p><em>{html_text(_hidden_note(block).text)}</em></p>")
    return "".join(out)


def _kicker(slide: Slide) -> str:
    return f'<p class="kicker">{html_text(slide.kicker)}</p>' if slide.kicker else ""


def slide_html(slide: Slide) -> str:
    """One ``<section>`` of the deck."""
    h = html_text
    body = [_kicker(slide)]
    if slide.kind == "title":
        body.append(f"<h1>{h(slide.heading)}</h1>")
        body += [f'<p class="question">{h(line)}</p>' for line in slide.lines]
        body.append(f'<p class="series">{h(SERIES)}</p>')
    else:
        body.append(f"<h2>{h(slide.heading)}</h2>")
    if slide.kind in ("outline", "exercises"):
        tag = "ol" if slide.kind == "outline" else "ul"
        columns = " two-columns" if len(slide.lines) > ONE_COLUMN_ITEMS else ""
        items = "".join(f"<li>{h(line)}</li>" for line in slide.lines)
        body.append(f'<{tag} class="items{columns}">{items}</{tag}>')
    elif slide.kind in ("points", "summary"):
        items = "".join(f"<li>{h(line)}</li>" for line in slide.lines)
        body.append(f'<ul class="points">{items}</ul>')
    elif slide.kind == "chart" and slide.chart:
        body.append(
            '<figure class="chart">'
            f'<img src="data:image/png;base64,{h(slide.chart.png)}" alt="{h(slide.chart.alt)}">'
            "</figure>"
        )
    elif slide.kind == "facts" and slide.table:
        body.append(facts_html(slide.table, slide.more))
    notes = f'<aside class="notes">{notes_html(slide.notes)}</aside>'
    return f'<section class="{slide.kind}">{"".join(body)}{notes}</section>'


def facts_html(table: FactTable, more: int) -> str:
    """A table of facts as a slide shows it: its When and What, and what is left out."""
    h = html_text
    columns = table.columns()
    caption = f'<p class="caption">{h(table.caption)}</p>' if table.caption else ""
    head = "".join(f"<th>{h(table.header[c])}</th>" for c in columns)
    # The When column keeps each date on one line; other first columns wrap.
    first = ' class="when"' if table.header[columns[0]] == "When" else ""
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td{first if i == 0 else ''}>{h(row[c] if c < len(row) else '')}</td>"
            for i, c in enumerate(columns)
        )
        + "</tr>"
        for row in table.rows
    )
    tail = f'<p class="more">and {more} more in the chapter</p>' if more else ""
    return (
        f'{caption}<table class="fact-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table>{tail}"
    )


#: The deck's own styles, over reveal.js's "white" theme (its fonts are vendored).
STYLE = """
.reveal { font-family: "Source Sans Pro", Helvetica, Arial, sans-serif; color: #1c2633; }
.reveal .slides { text-align: left; }
.reveal .slides > section {
  height: 100%; box-sizing: border-box; padding: 44px 64px 40px;
  flex-direction: column; justify-content: flex-start; overflow: hidden;
}
.reveal .slides * {
  overflow-wrap: normal; word-wrap: normal; word-break: normal; hyphens: manual;
}
.reveal h1, .reveal h2 {
  font-family: inherit; text-transform: none; letter-spacing: 0; color: #0b3d6e;
  text-shadow: none; line-height: 1.15; margin: 0 0 28px;
}
.reveal h1 { font-size: 60px; font-weight: 600; margin-bottom: 32px; }
.reveal h2 { font-size: 46px; font-weight: 600; }
.reveal .kicker {
  font-size: 22px; line-height: 1.2; color: #5b6775; margin: 0 0 10px;
  text-transform: uppercase; letter-spacing: 0.06em;
}
.reveal section.title { justify-content: center; padding: 60px 96px; }
.reveal section.title::before {
  content: ""; display: block; width: 120px; height: 8px; background: #0b3d6e; margin-bottom: 28px;
}
.reveal .question { font-size: 34px; line-height: 1.3; font-style: italic; margin: 0 0 40px; }
.reveal .series { font-size: 24px; color: #5b6775; margin: 0; }
.reveal ul.points, .reveal ul.items, .reveal ol.items {
  display: block; margin: 0 0 0 1.1em; padding: 0;
}
.reveal ul.points li { font-size: 34px; line-height: 1.3; margin: 0 0 26px; }
.reveal section.summary ul.points li { font-size: 25px; line-height: 1.3; margin-bottom: 14px; }
.reveal ul.items li, .reveal ol.items li { font-size: 30px; line-height: 1.25; margin: 0 0 14px; }
.reveal .two-columns { columns: 2; column-gap: 56px; }
.reveal .two-columns li { font-size: 26px; break-inside: avoid; }
.reveal section.exercises li { font-size: 24px; margin-bottom: 12px; }
.reveal section.chart { padding: 20px 40px 16px; }
.reveal section.chart h2 { font-size: 32px; margin: 0 0 10px; }
.reveal section.chart .kicker { font-size: 18px; margin-bottom: 4px; }
.reveal figure.chart { flex: 1 1 auto; min-height: 0; margin: 0; }
.reveal figure.chart img {
  display: block; width: 100%; height: 100%; max-width: none; max-height: none;
  object-fit: contain; margin: 0;
}
.reveal section.facts h2 { font-size: 40px; margin-bottom: 12px; }
.reveal .caption { font-size: 26px; font-style: italic; color: #3d4a59; margin: 0 0 14px; }
.reveal table.fact-table {
  width: 100%; margin: 0; border-collapse: collapse; font-size: 26px; line-height: 1.25;
}
.reveal table.fact-table th, .reveal table.fact-table td {
  text-align: left; vertical-align: top; padding: 6px 14px 6px 0;
  border-bottom: 1px solid #c9d1da;
}
.reveal table.fact-table th { border-bottom: 2px solid #0b3d6e; color: #0b3d6e; }
.reveal table.fact-table td:first-child { color: #3d4a59; }
.reveal table.fact-table td.when { white-space: nowrap; width: 1%; }
.reveal .more { font-size: 22px; color: #5b6775; margin: 12px 0 0; font-style: italic; }
"""


def reveal_options() -> dict[str, object]:
    """What the deck passes to ``Reveal.initialize`` (besides the notes plugin)."""
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "margin": 0.04,
        "minScale": 0.2,
        "maxScale": 2.0,
        "center": False,
        "display": "flex",
        # No sliding between slides: calmer in a lecture hall, and screenshots
        # are never taken mid-animation.
        "transition": "none",
        "backgroundTransition": "none",
        # No slide number: reveal.js draws it as a link ("#/3"), and the progress bar
        # and the speaker view already say where a talk is.
        "slideNumber": False,
        "hash": True,
        "controls": True,
        "progress": True,
    }


def deck_html(title: str, slides: list[Slide]) -> str:
    vendor = f"{VENDOR_LINK}/reveal.js"
    sections = "\n".join(slide_html(s) for s in slides)
    options = json.dumps(reveal_options())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html_text(title)}</title>
<link rel="stylesheet" href="{vendor}/dist/reveal.css">
<link rel="stylesheet" href="{vendor}/dist/theme/white.css">
<style>{STYLE}</style>
</head>
<body>
<div class="reveal"><div class="slides">
{sections}
</div></div>
<script src="{vendor}/dist/reveal.js"></script>
<script src="{vendor}/plugin/notes/notes.js"></script>
<script>
Reveal.initialize(Object.assign({options}, {{plugins: [RevealNotes]}}));
</script>
</body>
</html>
"""


def write_deck(nb: nbformat.NotebookNode, target: Path) -> Path:
    """Write the lecture deck of an executed notebook to ``target`` (an ``.html`` file)."""
    match = re.match(r"(\d\d)_", target.name)
    slides = lecture_slides(nb, match.group(1) if match else "")
    target.write_text(deck_html(chapter_title(nb), slides), encoding="utf-8")
    return target


def copy_vendor(slides_dir: Path) -> Path:
    """Put the vendored reveal.js, its notes plugin, theme and fonts beside the decks."""
    target = slides_dir / VENDOR_LINK
    shutil.copytree(VENDOR_DIR, target, dirs_exist_ok=True, copy_function=shutil.copyfile)
    return target
