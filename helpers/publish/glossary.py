"""The glossary: every abbreviation and term of the chapters, on a page of its own.

The entries live in ``docs/glossary.csv`` (term, stands_for, definition,
record_id), written in our words. The site shows them on ``glossary.html``,
each with an anchor, and links the first use of each term in every chapter to
its entry, with its expansion on hover.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from helpers.paths import PROJECT_ROOT
from helpers.untrusted import html_text

GLOSSARY_FILE = PROJECT_ROOT / "docs" / "glossary.csv"
GLOSSARY_COLUMNS = ["term", "stands_for", "definition", "record_id"]

#: Parts of a Markdown cell where no glossary link may go: headings, code,
#: links (their words are already a link), HTML tags and the words inside <a>.
_PROTECTED = re.compile(
    r"(?m)^#{1,6} [^\n]*$"
    r"|```.*?```"
    r"|`[^`]*`"
    r"|!?\[[^\]]*\]\([^)]*\)"
    r"|<a\b.*?</a>"
    r"|<[^>]+>",
    re.S,
)


class GlossaryError(ValueError):
    """The glossary file is not as the project expects; the message names the row."""


@dataclass(frozen=True)
class Entry:
    term: str
    stands_for: str
    definition: str
    record_id: str

    @property
    def anchor(self) -> str:
        """The entry's id on the glossary page: 'g-' and the term in lower case, hyphenated."""
        return "g-" + (re.sub(r"[^a-z0-9]+", "-", self.term.lower()).strip("-") or "term")

    @property
    def hover(self) -> str:
        return self.stands_for or self.definition

    @property
    def is_abbreviation(self) -> bool:
        """Abbreviations match case and all; terms in words match in any case."""
        return self.term != self.term.lower()


def read_glossary(path: Path = GLOSSARY_FILE) -> list[Entry]:
    """The entries of ``path``; a missing column or an empty term or definition is an error."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in GLOSSARY_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise GlossaryError(f"{path}: the header lacks {', '.join(missing)}")
        entries = []
        for line, row in enumerate(reader, start=2):
            for column in ("term", "definition"):
                if not (row[column] or "").strip():
                    raise GlossaryError(f"{path}, line {line}: column {column!r} is empty")
            entries.append(Entry(*(" ".join((row[c] or "").split()) for c in GLOSSARY_COLUMNS)))
    anchors = [e.anchor for e in entries]
    doubles = sorted({a for a in anchors if anchors.count(a) > 1})
    if doubles:
        raise GlossaryError(f"{path}: terms given twice: {', '.join(doubles)}")
    return entries


def glossary_page(entries: list[Entry], record_pages: dict[str, str]) -> str:
    """MyST source of the glossary page: one labelled entry per term, in order of the file.

    ``record_pages`` maps a record id to its records page, for the link to
    the record behind a term.
    """
    items = []
    for entry in sorted(entries, key=lambda e: e.term.lower()):
        expansion = f" ({html_text(entry.stands_for)})" if entry.stands_for else ""
        record = ""
        if entry.record_id in record_pages:
            page = record_pages[entry.record_id]
            record = (
                f' <a class="glossary-record" href="records/{page}.html#{entry.record_id}">'
                "The record and its sources.</a>"
            )
        items.append(
            f'<dt id="{entry.anchor}"><b>{html_text(entry.term)}</b>{expansion}</dt>'
            f"<dd>{html_text(entry.definition)}{record}</dd>"
        )
    return (
        "# Glossary\n\nThe abbreviations and terms the chapters use, in our words. Each"
        " chapter links the first use of a term to its entry here.\n\n"
        f'<dl class="glossary">{"".join(items)}</dl>\n'
    )


def link_first_uses(sources: list[str], entries: list[Entry], prefix: str = "../") -> list[str]:
    """The Markdown cells ``sources`` with the first use of each term linked to its entry.

    Headings, code, links and HTML are left alone; see :func:`_term_pattern`
    for how a term is found.
    """
    patterns = [
        (entry, _term_pattern(entry))
        for entry in sorted(entries, key=lambda e: len(e.term), reverse=True)
        if entry.is_abbreviation or re.search(r"[\s-]", _head(entry.term))
    ]
    done: set[str] = set()
    out = []
    for source in sources:
        for entry, pattern in patterns:
            if entry.anchor in done:
                continue
            linked = _link_once(source, entry, pattern, prefix)
            if linked is not None:
                source = linked
                done.add(entry.anchor)
        out.append(source)
    return out


def _head(term: str) -> str:
    """The words a term is used by: 'bound (of a figure)' is used as 'bound'."""
    return term.split(" (")[0].strip()


def _term_pattern(entry: Entry) -> re.Pattern[str]:
    """Where a term is used: as a whole word, in the plural too, across a line break.

    Single common words ('record', 'status') are not linked: in running text
    they mean more often what they mean in English than what the glossary says.
    """
    words = r"\s+".join(re.escape(word) for word in _head(entry.term).split())
    return re.compile(rf"(?<![\w-]){words}s?(?![\w-])", 0 if entry.is_abbreviation else re.I)


def _link_once(source: str, entry: Entry, pattern: re.Pattern[str], prefix: str) -> str | None:
    """``source`` with the first unprotected match of ``pattern`` linked, or None if none."""
    position = 0
    for protected in [*_PROTECTED.finditer(source), None]:
        end = protected.start() if protected else len(source)
        match = pattern.search(source, position, end)
        if match:
            words = match.group(0)
            link = (
                f'<a class="glossary-term" href="{prefix}glossary.html#{entry.anchor}"'
                f' title="{html_text(entry.hover)}">{html_text(words)}</a>'
            )
            return source[: match.start()] + link + source[match.end() :]
        if protected is None:
            return None
        position = protected.end()
    return None
