"""Evidence links: every figure and date in a chapter's prose points to its record.

A sentence states a fact by linking the words that state it to the record
behind them, in plain Markdown::

    The letter is dated [22 June 2004](../site/records/events.html#evt-allawi-letter).

In JupyterLab the words read as an ordinary link (to the record's entry in the
built site); the site turns the link into one to its records section, with the
record's quotes shown on hover (see :mod:`helpers.publish.records`).

:func:`check_notebook` reads a chapter's narrative and reports

- a link whose words do not agree with its record: another number, another
  bound or wording ("about 50" for a record of "over 50"), a date that is not
  the record's or is more precise than the record;
- a figure or a date in the narrative that is not inside an evidence link,
  apart from the exceptions listed in :data:`EXCEPTIONS`.

Exercises, headings, the chapter's overview and prerequisites, and links to
chapters or web pages are not fact statements and are not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import nbformat
import pandas as pd

from helpers.data import Dataset
from helpers.dates import parse_partial_date
from helpers.publish.chapters import NAV_TAG, has_tag

#: Where an evidence link points, relative to a notebook in ``notebooks/``.
RECORDS_PREFIX = "../site/records/"
#: The page that holds the disagreements (their ids start with ``dis-``).
DISAGREEMENTS_PAGE = "discrepancies"

EVIDENCE_LINK = re.compile(
    r"\[(?P<text>[^\]]+)\]\("
    + re.escape(RECORDS_PREFIX)
    + r"(?P<page>[a-z_]+)\.html#(?P<id>[a-z0-9-]+)\)"
)


def without_evidence_links(markdown: str) -> str:
    """``markdown`` with each evidence link reduced to its words (for places without the site)."""
    return EVIDENCE_LINK.sub(lambda match: match["text"], markdown)


#: Any other Markdown link: its words name a chapter or a page, not a fact.
OTHER_LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]*)(?:\s+\"[^\"]*\")?\)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+\1", re.S)
HTML_TAG = re.compile(r"<[^>]+>")

#: Sections whose text gives no facts of the record (matched on the heading's words).
UNREAD_SECTIONS = re.compile(
    r"^(overview|prerequisites|imports?|exercises?|solutions?|references"
    r"|what you will learn|what you need)\b|further reading",
    re.I,
)

#: Numbers in the narrative that are not figures or dates of the record, and why.
EXCEPTIONS: dict[str, tuple[str, re.Pattern[str]]] = {
    "cross-reference": (
        "the number of a chapter, section, exercise, step, figure or table of this collection",
        re.compile(
            r"\b(chapters?|sections?|exercises?|steps?|figures?|tables?|parts?|questions?|cells?)"
            r"\s+\d+(\s*(,|and|or|to|-|\u2013)\s*\d+)*",
            re.I,
        ),
    ),
    "reading time": (
        "the time a chapter takes to read or a task to do",
        re.compile(r"\b\d+\s*(minutes?|min)\b", re.I),
    ),
    "document name": (
        "a number that is part of a name: a UN resolution, an ISO standard, an EDTF level,"
        " an order of the occupation authority, COVID-19",
        re.compile(
            r"\b(resolutions?|UNSCR|ISO|EDTF level|level|Articles?|Order|COVID)[\s-]+\d[\d-]*"
            r"(\s*(,|and|or)\s*\d+)*",
            re.I,
        ),
    ),
    "quote length": (
        "the collection's rule for quotes (at most 20 words)",
        re.compile(r"\b\d+\s+words\b", re.I),
    ),
    "list number": (
        "the number of an item in a numbered list",
        re.compile(r"(?m)^\s*\d+[.)]\s"),
    ),
}

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
SEASONS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
#: Date phrases, most precise first; each match is read once.
DATE_FORMS = [
    # "4-5 February 2025": a span of days, read as its first day (or its last).
    re.compile(rf"\b{_DAY}\s*[-\u2013]\s*(?P<day2>[0-3]?\d)\s+{_MONTH}(?:,)?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}\s+{_MONTH}(?:,)?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}\s+{_MONTH}\b(?!\s*\d)", re.I),
    re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b", re.I),
    re.compile(r"\b(?P<season>spring|summer|autumn|fall|winter)\s+(?:of\s+)?" + _YEAR, re.I),
    re.compile(rf"\b{_YEAR}s?\b"),
    # A month's name standing alone ("in June"): month precision, year unsaid.
    # "May" is left out: it is far more often the verb.
    re.compile(
        r"\b(?P<month>January|February|March|April|June|July|August|September|October"
        r"|November|December)\b"
    ),
]
NUMBER = re.compile(
    # Not joined to a letter: "Kurdistan24", "G7" and "964media" are names, "5th" an ordinal.
    r"(?<![A-Za-z\d])(?P<currency>€|\$|£)?"
    r"(?P<number>\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<scale>million|billion|m\b|bn\b))?(?![A-Za-z\d])",
    re.I,
)
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a dozen": 12,
    "dozen": 12, "a hundred": 100, "hundred": 100,
}  # fmt: skip
_NUMBER_WORD = re.compile(
    r"\b(?:(?P<times>"
    + "|".join(w for w in NUMBER_WORDS if " " not in w and NUMBER_WORDS[w] < 20)
    + r")\s+)?(?P<word>"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")\b",
    re.I,
)
SCALES = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}

#: Words before a number that give its bound, as the figures table names bounds.
BOUND_PHRASES = {
    "at_least": r"over|more than|at least|above|upwards of|no fewer than|in excess of|plus",
    "at_most": r"nearly|almost|up to|at most|under|less than|fewer than|below|just under|not quite",
    "about": r"about|around|approximately|roughly|some|circa|ca\.|an estimated|close to",
}
_BOUND_BEFORE = {
    bound: re.compile(rf"\b({words})\s*$", re.I) for bound, words in BOUND_PHRASES.items()
}
_RANGE_WORDS = re.compile(r"\b(several|hundreds|thousands|dozens|between)\b", re.I)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a chapter's evidence, where it is and why."""

    notebook: str
    cell: int  # index of the cell in the notebook
    words: str  # the words concerned
    message: str

    def __str__(self) -> str:
        return f"{self.notebook}, cell {self.cell}: {self.words!r}: {self.message}"


@dataclass(frozen=True)
class TextDate:
    """A date as a sentence gives it: a year, perhaps a season, month and day."""

    year: int | None
    month: int | None = None
    day: int | None = None
    season: int | None = None
    words: str = ""
    last_day: int | None = None  # of a span of days ("4-5 February 2025")

    def agrees_with(self, stored: str) -> bool:
        """True when ``stored`` (a dataset date) is this date, at no finer precision than it has."""
        partial = parse_partial_date(stored)
        body = stored.rstrip("?~%").split("-")
        year = int(body[0])
        code = int(body[1]) if len(body) > 1 else None
        if self.year is not None and self.year != year:
            return False
        if self.season is not None:
            return code == self.season or (
                partial.precision in ("month", "day")
                and partial.earliest.month in _season_months(self.season)
            )
        if self.month is None:
            return self.year is not None
        if partial.precision not in ("month", "day") or code != self.month:
            return False
        if self.day is None:
            return True
        return partial.precision == "day" and int(body[2]) in (self.day, self.last_day)


def _stated_by(date: TextDate, quoted: TextDate) -> bool:
    """True when a date a quote states in words gives ``date`` at least as precisely."""
    if date.year is not None and quoted.year != date.year:
        return False
    if date.season is not None:
        return quoted.season == date.season
    if date.month is not None and quoted.month != date.month:
        return False
    return date.day is None or date.day in (quoted.day, quoted.last_day)


def _season_months(code: int) -> tuple[int, ...]:
    first = {21: 3, 22: 6, 23: 9, 24: 12}[code]
    return tuple((first + i - 1) % 12 + 1 for i in range(3))


@dataclass(frozen=True)
class TextNumber:
    """A number in a sentence, with the bound its words give it."""

    value: float
    bound: str  # exact, at_least, at_most, about, range
    words: str


def dates_in(text: str) -> tuple[list[TextDate], str]:
    """The dates ``text`` states, and the text with them blanked out."""
    found: list[TextDate] = []
    for form in DATE_FORMS:

        def take(match: re.Match[str]) -> str:
            groups = match.groupdict()
            month = groups.get("month")
            season = groups.get("season")
            found.append(
                TextDate(
                    year=int(groups["year"]) if groups.get("year") else None,
                    month=MONTHS[month.lower()] if month else None,
                    day=int(groups["day"]) if groups.get("day") else None,
                    season=SEASONS[season.lower()] if season else None,
                    words=match.group(0),
                    last_day=int(groups["day2"]) if groups.get("day2") else None,
                )
            )
            return " " * len(match.group(0))

        text = form.sub(take, text)
    return found, text


def numbers_in(text: str) -> list[TextNumber]:
    """The numbers ``text`` states (digits or words up to twenty), each with its bound."""
    found = []
    matches = [(m.start(), m.end(), _number_value(m)) for m in NUMBER.finditer(text)]
    matches += [(m.start(), m.end(), _word_value(m)) for m in _NUMBER_WORD.finditer(text)]
    matches.sort()
    for index, (start, end, value) in enumerate(matches):
        before = text[:start]
        bound = "exact"
        for name, pattern in _BOUND_BEFORE.items():
            if pattern.search(before[-30:]):
                bound = name
        between_next = text[end : matches[index + 1][0]] if index + 1 < len(matches) else ""
        between_last = text[matches[index - 1][1] : start] if index else ""
        joined = r"\s*(to|-|\u2013)\s*"  # "50 to 70"; "26 and 31" are two numbers
        if re.fullmatch(joined, between_next) or re.fullmatch(joined, between_last):
            bound = "range"
        if _RANGE_WORDS.search(before[-20:]):
            bound = "range"
        found.append(TextNumber(value, bound, text[start:end]))
    return found


def _word_value(match: re.Match[str]) -> float:
    """ "ten" is 10, "two dozen" 24, "a dozen" 12; "two" alone before a non-multiplier is 2."""
    word = NUMBER_WORDS[match["word"].lower()]
    times = match["times"]
    if times and match["word"].lower() in ("dozen", "hundred"):
        return float(NUMBER_WORDS[times.lower()] * word)
    if times:  # "two ten"? never in prose; read the first word alone
        return float(NUMBER_WORDS[times.lower()])
    return float(word)


def _number_value(match: re.Match[str]) -> float:
    digits = re.sub(r"[,\u202f\u00a0 ]", "", match.group("number"))
    scale = (match.group("scale") or "").lower()
    return float(digits) * SCALES.get(scale, 1)


def _plain(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


class RecordIndex:
    """What the dataset says of each cited record: its dates, its numbers, its words."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds

    @cached_property
    def rows(self) -> dict[str, tuple[str, pd.Series]]:
        """Every record of a cited table, and every disagreement, by id."""
        found: dict[str, tuple[str, pd.Series]] = {}
        for name, table in self.ds.package.tables.items():
            if not table.cited and name != DISAGREEMENTS_PAGE:
                continue
            key = table.primary_key[0]
            for _, row in self.ds[name].iterrows():
                found[row[key]] = (name, row)
        return found

    @cached_property
    def _citations(self) -> dict[str, pd.DataFrame]:
        cites = self.ds.citations.merge(
            self.ds.sources[["source_id", "date"]], on="source_id", how="left"
        )
        return {record: group for record, group in cites.groupby("record_id")}

    def page_of(self, record_id: str) -> str | None:
        """The records page an id belongs on (its table's name), or None if unknown."""
        entry = self.rows.get(record_id)
        return entry[0] if entry else None

    def is_cited(self, record_id: str) -> bool:
        return record_id in self._citations

    def members(self, record_id: str) -> list[str]:
        """The record itself; for a disagreement, every record that takes part in it."""
        table, _ = self.rows[record_id]
        if table != DISAGREEMENTS_PAGE:
            return [record_id]
        claims = self.ds.discrepancy_claims
        return list(claims.loc[claims["discrepancy_id"] == record_id, "record_id"])

    def dates(self, record_id: str) -> list[str]:
        """Dates a link to the record may give: its own (or its event's).

        A record with no date of its own (an organisation, a focus area) may
        be dated by its sources: "NATO's page of 2021 lists ..." .
        """
        own, of_sources = [], []
        for member in self.members(record_id):
            table, row = self.rows[member]
            for field in self.ds.package.table(table).fields:
                if field.is_date and pd.notna(row.get(field.name)):
                    own.append(row[field.name])
            if table == "event_actors":
                own.append(self.rows[row["event_id"]][1]["date"])
            cites = self._citations.get(member)
            if cites is not None:
                of_sources += [d for d in cites["date"] if pd.notna(d)]
        return own or of_sources

    def words(self, record_id: str) -> str:
        """Every text the record holds: its fields, its quotes and their glosses."""
        fields = [_plain(v) for m in self.members(record_id) for v in self.rows[m][1].to_numpy()]
        return "\n".join([*fields, self.quoted_text(record_id)])

    def quoted_text(self, record_id: str) -> str:
        """The record's quotes and their glosses, one a line."""
        parts = []
        for member in self.members(record_id):
            cites = self._citations.get(member)
            if cites is not None:
                parts += [_plain(v) for v in cites["quote"]] + [_plain(v) for v in cites["gloss"]]
        return "\n".join(parts)

    def quoted_dates(self, record_id: str) -> list[TextDate]:
        """Dates the record's quotes (and their glosses) state in words: a deadline, a plan."""
        return dates_in(self.quoted_text(record_id))[0]

    def figures(self, record_id: str) -> list[pd.Series]:
        return [
            row for member in self.members(record_id) for table, row in [self.rows[member]]
            if table == "figures"
        ]  # fmt: skip

    def stated_numbers(self, record_id: str) -> set[float]:
        """Every number the record's words state, in digits or in words."""
        words = self.words(record_id)
        values = {n.value for n in numbers_in(words)}
        values |= {float(d) for d in re.findall(r"\d+", words)}
        return values


def figure_agrees(number: TextNumber, figure: pd.Series) -> bool:
    """True when a number and its bound, as written, are the figure's."""
    if number.value not in _values(figure):
        return False
    bound = figure["bound"]
    if bound == "range":
        return number.bound == "range"
    return number.bound == bound


def check_link(index: RecordIndex, text: str, record_id: str, page: str) -> list[str]:
    """What is wrong with a link from ``text`` to ``record_id`` on ``page`` (empty if nothing)."""
    actual_page = index.page_of(record_id)
    if actual_page is None:
        return [f"no record has the id {record_id!r}"]
    if actual_page != page:
        return [f"{record_id} is on the page {actual_page}.html, not {page}.html"]
    if page != DISAGREEMENTS_PAGE and not index.is_cited(record_id):
        return [f"{record_id} has no citation: the records section has no entry for it"]
    if re.search(r"[*_`<]", text):
        return ["link words carry Markdown or HTML; the site shows them as plain words"]
    problems = []
    dates, rest = dates_in(text)
    stored = index.dates(record_id)
    quoted = index.quoted_dates(record_id)
    for date in dates:
        if not (
            any(date.agrees_with(s) for s in stored) or any(_stated_by(date, q) for q in quoted)
        ):
            given = ", ".join(dict.fromkeys(stored)) or "none"
            problems.append(
                f"the date {date.words!r} is not the record's at its precision (it has: {given})"
            )
    figures = index.figures(record_id)
    worded = False
    for figure in figures:
        # A range given in words ("several hundred") is stated by those words.
        qualifier = _plain(figure["qualifier"]).lower()
        if figure["bound"] == "range" and qualifier and qualifier in rest.lower():
            start = rest.lower().index(qualifier)
            rest = rest[:start] + " " * len(qualifier) + rest[start + len(qualifier) :]
            worded = True
    numbers = numbers_in(rest)
    stated = index.stated_numbers(record_id)
    for number in numbers:
        if any(figure_agrees(number, f) for f in figures):
            continue
        if figures and any(number.value in _values(f) for f in figures):
            wanted = "; ".join(_bound_words(f) for f in figures if number.value in _values(f))
            problems.append(f"{number.words!r} is worded as {number.bound}, the record as {wanted}")
        elif number.value not in stated:
            problems.append(f"the number {number.words!r} is not in the record or its quotes")
    if figures and not (numbers or dates or worded):
        problems.append("a link to a figure should give its number")
    return problems


def _values(figure: pd.Series) -> set[float]:
    return {float(v) for v in (figure["value_low"], figure["value_high"]) if pd.notna(v)}


def _bound_words(figure: pd.Series) -> str:
    qualifier = figure["qualifier"] if pd.notna(figure["qualifier"]) else "no qualifier"
    return f"{figure['bound']} ({qualifier})"


@dataclass
class Cell:
    """A narrative cell with the section it sits in and the counts computed above it."""

    number: int
    source: str
    section: str
    computed: set[float]


def narrative_cells(nb: nbformat.NotebookNode) -> Iterator[Cell]:
    """The markdown cells of a chapter that state facts, each with the counts its section computed.

    A "computed" number is one printed by a code cell of the same section
    (a count of the dataset's own rows): the prose may repeat it unlinked,
    as the cell's output is its evidence. Fact tables do not count: they show
    records, whose figures and dates need links.
    """
    section, computed = "", set()
    for number, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            computed |= _printed_numbers(cell)
            continue
        if cell.cell_type != "markdown" or has_tag(cell, NAV_TAG):
            continue
        headings = re.findall(r"^#{1,6}\s+(.*)$", cell.source, re.M)
        starts_section = cell.source.lstrip().startswith("#")
        yield Cell(number, cell.source, section, set() if starts_section else set(computed))
        if headings:  # the cells below belong to the last heading of this one
            section, computed = headings[-1], set()


#: Five or more words in a row, single-spaced: prose inside a printed table.
_PROSE_RUN = re.compile(r"(?:\S+ ){4,}\S+")


def _printed_numbers(cell: nbformat.NotebookNode) -> set[float]:
    found: set[float] = set()
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if 'class="facts"' in data.get("text/html", ""):
            continue
        text = str(data.get("text/plain", "") or output.get("text", ""))
        # Counts, not the numbers inside printed prose (a quote, a note, a title).
        text = _PROSE_RUN.sub(" ", text)
        found |= {_number_value(m) for m in NUMBER.finditer(text)}
    return found


def _without_unread(source: str, section: str) -> str:
    """The cell's text minus what states no fact: headings, code, other links' targets."""
    lines = []
    current = section
    for line in source.splitlines():
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        if heading:
            current = heading.group(1)
            lines.append("")
            continue
        lines.append("" if UNREAD_SECTIONS.match(current) else line)
    text = "\n".join(lines)
    text = CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text)
    return text


def check_notebook(
    path: Path, index: RecordIndex, source_names: list[str] | None = None
) -> list[Problem]:
    """Every evidence problem in the chapter at ``path`` (see the module)."""
    nb = nbformat.read(path, as_version=4)
    # A short name may wrap across lines in the cell's source.
    name_patterns = [
        re.compile(r"\s+".join(re.escape(word) for word in name.split()))
        for name in sorted(source_names or [], key=len, reverse=True)
    ]
    problems = []
    for cell in narrative_cells(nb):
        text = _without_unread(cell.source, cell.section)

        def link(match: re.Match[str], cell: Cell = cell, problems: list = problems) -> str:
            for message in check_link(index, match["text"], match["id"], match["page"]):
                problems.append(Problem(path.name, cell.number, match["text"], message))
            return " " * len(match.group(0))

        text = EVIDENCE_LINK.sub(link, text)
        text = OTHER_LINK.sub(lambda m: " " * len(m.group(0)), text)
        text = HTML_TAG.sub(lambda m: " " * len(m.group(0)), text)
        for pattern in name_patterns:
            text = pattern.sub(lambda m: " " * len(m.group(0)), text)
        problems += [
            Problem(path.name, cell.number, words, message)
            for words, message in unlinked(text, cell.computed)
        ]
    return problems


def unlinked(text: str, computed: set[float]) -> list[tuple[str, str]]:
    """Figures and dates in ``text`` (links already removed) that no exception covers."""
    for _, pattern in EXCEPTIONS.values():
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    found = []
    dates, rest = dates_in(text)
    found += [(d.words, "a date with no evidence link") for d in dates]
    for match in NUMBER.finditer(rest):
        if _number_value(match) in computed:
            continue
        found.append((match.group(0), "a figure with no evidence link"))
    return found


def check_chapters(paths: list[Path], ds: Dataset) -> list[Problem]:
    """Every evidence problem in the given chapters."""
    index = RecordIndex(ds)
    names = list(ds.sources["short_name"])
    return [problem for path in paths for problem in check_notebook(path, index, names)]
