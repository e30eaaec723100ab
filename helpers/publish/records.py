"""The records section of the reader site: one entry per cited record, with its evidence.

Every record that a citation supports gets an entry under ``site/records/``,
on the page of its table, with the record's id as its anchor
(``records/events.html#evt-allawi-letter``). An entry gives the record's
fields in words, every quote with its source (title, publisher, date, link),
the disagreements it takes part in with the other sides' claims, and links
back to every chapter that names it. The evidence links of the chapters'
prose (see :mod:`helpers.publish.evidence`) point here; on the site each such link
shows its record's quotes on hover.

Every value is data, so every value goes through :mod:`helpers.untrusted`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd

from helpers.data import Dataset
from helpers.dates import date_label
from helpers.narrative import describe_record
from helpers.publish.chapters import chapter_number, chapter_title
from helpers.publish.evidence import DISAGREEMENTS_PAGE, EVIDENCE_LINK
from helpers.untrusted import html_link, html_text, markdown_text
from helpers.wording import figure_wording

#: Folder of the records pages, in the site and in its Sphinx sources.
RECORDS_FOLDER = "records"
#: How many quotes an evidence link's hover text shows before "and N more".
QUOTES_ON_HOVER = 3
#: Columns an entry does not repeat: the key (it is the anchor) and the wording
#: columns of a figure, which its "Reads as" line gives in words.
_FIGURE_PARTS = {"bound", "value_low", "value_high", "qualifier"}


@dataclass(frozen=True)
class ChapterRef:
    """A chapter as a records entry links back to it."""

    stem: str  # file name without suffix, e.g. "02_ntm_i"
    label: str  # "02 · NTM-I, 2004-2011: ..."


def chapter_mentions(notebooks: Iterable[Path], ds: Dataset) -> dict[str, list[ChapterRef]]:
    """For every record id, the chapters that name it: in code (a fact table, a chart) or a link."""
    known = set(_record_tables(ds))
    found: dict[str, list[ChapterRef]] = defaultdict(list)
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        ref = ChapterRef(path.stem, f"{chapter_number(path)} · {chapter_title(nb)}")
        ids: set[str] = set()
        for cell in nb.cells:
            if cell.cell_type == "code":
                ids |= set(re.findall(r"[a-z]+(?:-[a-z0-9]+)+", cell.source)) & known
            elif cell.cell_type == "markdown":
                ids |= {m["id"] for m in EVIDENCE_LINK.finditer(cell.source)}
        for record_id in sorted(ids):
            found[record_id].append(ref)
    return found


def _record_tables(ds: Dataset) -> dict[str, str]:
    """Every cited record's table, by id, and every disagreement's page."""
    tables = dict(ds.record_tables)
    for dis in ds.discrepancies["discrepancy_id"]:
        tables[dis] = DISAGREEMENTS_PAGE
    return tables


class RecordsSection:
    """The MyST sources of the records pages, made from a loaded dataset."""

    def __init__(self, ds: Dataset, mentions: dict[str, list[ChapterRef]] | None = None) -> None:
        self.ds = ds
        self.mentions = mentions or {}
        self.table_of = _record_tables(ds)
        cites = ds.citations.merge(ds.sources, on="source_id", how="left")
        # Plain rows, not frames: an entry reads each of its quotes once, and
        # pandas' per-row access would cost seconds over 1,700 quotes.
        self.cites: dict[str, list[dict]] = {}
        for row in cites.to_dict("records"):
            self.cites.setdefault(row["record_id"], []).append(
                {k: (None if _missing(v) else v) for k, v in row.items()}
            )
        claims = ds.discrepancy_claims
        self.disputes: dict[str, list[str]] = defaultdict(list)
        for dis, record in zip(claims["discrepancy_id"], claims["record_id"], strict=True):
            self.disputes[record].append(dis)
        self.claims_of = {
            dis: list(group["record_id"]) for dis, group in claims.groupby("discrepancy_id")
        }
        self.topics = dict(
            zip(ds.discrepancies["discrepancy_id"], ds.discrepancies["topic"], strict=True)
        )
        #: (when, what) of every cited record, in our words (see describe_record).
        self.described = {record: describe_record(ds, record) for record in self.cites}

    # -- pages --------------------------------------------------------------

    def cited_tables(self) -> list[str]:
        """Tables with at least one cited record, in the codebook's order."""
        return [
            name
            for name, table in self.ds.package.tables.items()
            if table.cited and any(r in self.cites for r in self.ds[name][table.primary_key[0]])
        ]

    def pages(self) -> dict[str, str]:
        """Page name (without suffix) -> MyST source, the index page included."""
        pages = {name: self.table_page(name) for name in self.cited_tables()}
        pages[DISAGREEMENTS_PAGE] = self.disagreements_page()
        pages["index"] = self.index_page(list(pages))
        return pages

    def index_page(self, names: list[str]) -> str:
        rows = []
        for name in names:
            if name == DISAGREEMENTS_PAGE:
                title, count = "Disagreements", len(self.ds.discrepancies)
                holds = "Where the sources disagree: every version, with its sources."
            else:
                table = self.ds.package.table(name)
                title = table.title or name
                count = sum(r in self.cites for r in self.ds[name][table.primary_key[0]])
                holds = table.description.split(". ")[0].rstrip(".") + "."
            rows.append(
                f"| [{markdown_text(title)}]({name}.md) | {count} | {markdown_text(holds)} |"
            )
        toctree = "\n".join(name for name in names)
        return (
            "# Records\n\n"
            "Every fact of the dataset that a source supports has an entry here, on the"
            " page of its table: the record's fields in words, each source's verbatim"
            " quote with the source's title, publisher, date and address, the"
            " disagreements it takes part in, and the chapters that show it. The figures"
            " and dates in the chapters' prose link to these entries; each entry's"
            " address ends with the record's id (`#evt-allawi-letter`), so a record can"
            " be cited by its link. Use the search box to find a record by any word.\n\n"
            "| Page | Entries | What it holds |\n| --- | --- | --- |\n"
            + "\n".join(rows)
            + f"\n\n```{{toctree}}\n:hidden:\n:titlesonly:\n\n{toctree}\n```\n"
        )

    def table_page(self, name: str) -> str:
        table = self.ds.package.table(name)
        key = table.primary_key[0]
        frame = self.ds[name]
        entries = [self.entry(name, row) for row in _rows(frame) if row[key] in self.cites]
        title = table.title or name
        return f"# {markdown_text(title)}\n\n{markdown_text(table.description)}\n\n" + "\n".join(
            entries
        )

    def disagreements_page(self) -> str:
        entries = []
        for row in _rows(self.ds.discrepancies):
            dis = row["discrepancy_id"]
            claims = "".join(
                f"<li>{self.ref(record)}: {self.claim_words(record)}</li>"
                for record in self.claims_of.get(dis, [])
            )
            body = (
                f'<p class="record-id"><code>{dis}</code> · a disagreement of'
                f" {html_text(row['kind'])}</p><p><b>The versions</b></p><ul>{claims}</ul>"
                f"<p><b>Our note:</b> {html_text(row['note'])}</p>{self.shown_in(dis)}"
            )
            entries.append(_entry_source(dis, row["topic"], body))
        return (
            "# Disagreements\n\nWhere the sources disagree, the dataset keeps every"
            " version as a record of its own and lists the versions here; the note is"
            " the collection's reading, in our words.\n\n" + "\n".join(entries)
        )

    # -- one entry ----------------------------------------------------------

    def entry(self, name: str, row: pd.Series) -> str:
        """One record's entry: a MyST heading (found by the search) over an HTML body."""
        table = self.ds.package.table(name)
        record_id = row[table.primary_key[0]]
        when, what = self.described[record_id]
        heading = f"{date_label(row['date'])}: {what}" if name == "events" else what
        cites = self.cites[record_id]
        parts = [
            f'<p class="record-id"><code>{record_id}</code> · {html_text(table.title or name)}'
            + (f" · {html_text(when)}" if when else "")
            + "</p>",
            f'<dl class="record-fields">{self.fields(name, row)}</dl>',
            f"<p><b>Sources ({len({c['source_id'] for c in cites})}),"
            f" quotes ({len(cites)})</b></p>",
            self.quotes(record_id),
        ]
        disputes = self.disputes.get(record_id, [])
        if disputes:
            items = []
            for dis in disputes:
                others = "".join(
                    f"<li>{self.ref(r)}: {self.claim_words(r)}</li>"
                    for r in self.claims_of[dis]
                    if r != record_id
                )
                topic = self.ref(dis, self.topics[dis])
                items.append(f"<li>{topic}. The other versions:<ul>{others}</ul></li>")
            parts.append(f"<p><b>Disagreements</b></p><ul>{''.join(items)}</ul>")
        parts.append(self.shown_in(record_id))
        return _entry_source(record_id, heading, "".join(parts))

    def fields(self, name: str, row: pd.Series) -> str:
        """The record's filled columns in words, as HTML definition-list items."""
        table = self.ds.package.table(name)
        foreign = {fk.fields[0]: fk.resource for fk in table.foreign_keys if len(fk.fields) == 1}
        items = []
        if name == "figures":
            items.append(("Reads as", html_text(figure_wording(row))))
        for field in table.fields:
            value = row.get(field.name)
            if field.name in table.primary_key or value is None or pd.isna(value):
                continue
            if name == "figures" and field.name in _FIGURE_PARTS:
                continue
            label = field.name.removesuffix("_id").replace("_", " ").capitalize()
            if field.name in foreign:
                words = self.ref(str(value), name_only=True)
            elif field.is_date:
                words = f"{html_text(date_label(value))} (<code>{html_text(value)}</code>)"
            elif field.enum:
                words = html_text(str(value).replace("_", " "))
            else:
                words = html_text(value)
            items.append((label, words))
        return "".join(f"<dt>{label}</dt><dd>{words}</dd>" for label, words in items)

    def quotes(self, record_id: str) -> str:
        """Every quote of the record, each with its source's title, publisher, date and link."""
        items = []
        for c in self.cites[record_id]:
            quote = html_text(c["quote"])
            if c["quote_origin"] == "source_text":
                lang = c["language"] if pd.notna(c["language"]) else "en"
                said = f'<q lang="{html_text(lang)}">{quote}</q>'
            else:
                said = f"{quote} <small>(place name)</small>"
            if pd.notna(c["gloss"]):
                said += f' <small class="gloss">[English: {html_text(c["gloss"])}]</small>'
            title = html_link(c["url"], f"<cite>{html_text(c['title'])}</cite>")
            publisher = html_text(c["publisher"]) if pd.notna(c["publisher"]) else "no publisher"
            date = html_text(c["date"]) if pd.notna(c["date"]) else "undated"
            items.append(
                f"<li>{said}<br><small>{html_text(c['short_name'])}: {title}, {publisher},"
                f" {date} ({html_text(str(c['source_type']).replace('_', ' '))};"
                f" read {html_text(c['read_date'])})</small></li>"
            )
        return f'<ol class="record-quotes">{"".join(items)}</ol>'

    def shown_in(self, record_id: str) -> str:
        chapters = self.mentions.get(record_id, [])
        if not chapters:
            return '<p class="shown-in">Shown in: the data tables only.</p>'
        links = ", ".join(
            f'<a href="../chapters/{ref.stem}.html">{html_text(ref.label)}</a>' for ref in chapters
        )
        return f'<p class="shown-in">Shown in: {links}</p>'

    def ref(self, record_id: str, words: str | None = None, *, name_only: bool = False) -> str:
        """An HTML link to a record's entry, worded by its description (or ``words``)."""
        if words is None:
            when, what = self.described.get(record_id, ("", ""))
            words = (what if name_only else " ".join(p for p in (when, what) if p)) or record_id
        page = self.table_of.get(record_id)
        if page is None or (page != DISAGREEMENTS_PAGE and record_id not in self.cites):
            return html_text(words)
        return f'<a href="{page}.html#{record_id}">{html_text(words)}</a>'

    def claim_words(self, record_id: str) -> str:
        """Which sources state a claim."""
        cites = self.cites.get(record_id)
        if cites is None:
            return "no source"
        return html_text("; ".join(dict.fromkeys(c["short_name"] for c in cites)))


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _rows(frame: pd.DataFrame) -> list[dict]:
    """A table's rows as plain dicts, missing values as None."""
    return [
        {k: (None if _missing(v) else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def _entry_source(anchor: str, heading: str, body_html: str) -> str:
    """A MyST section: labelled heading (the site's search finds it) over one raw HTML block.

    The body is a single line of HTML: a blank line would end the HTML block,
    and one raw block is far cheaper for Sphinx than the same entry in Markdown.
    """
    body = " ".join(body_html.split("\n"))
    return f'({anchor})=\n## {markdown_text(heading)}\n\n<div class="record">{body}</div>\n'


def evidence_title(ds_cites: dict[str, list[dict]], record_id: str, words: str = "") -> str:
    """What hovering over an evidence link shows: its record's quotes, those that state
    the linked ``words`` (their numbers, a month) first, with their sources."""
    cites = ds_cites.get(record_id)
    if cites is None:
        return "A disagreement between sources: open it for every version"
    wanted = set(re.findall(r"\d+|[A-Z][a-z]{2,}", words))

    def shared(cite: dict) -> int:
        said = f"{cite['quote']} {cite.get('gloss') or ''}"
        return -sum(1 for token in wanted if token in said)

    ordered = sorted(cites, key=shared)  # stable: the dataset's order among equals
    parts = [f"{c['short_name']}: “{c['quote']}”" for c in ordered[:QUOTES_ON_HOVER]]
    more = len(cites) - QUOTES_ON_HOVER
    if more > 0:
        parts.append(f"and {more} more")
    return "\n".join(parts)


def link_evidence(markdown: str, section: RecordsSection, prefix: str = "../records/") -> str:
    """``markdown`` with its evidence links made site links that show their quotes on hover."""

    def link(match: re.Match[str]) -> str:
        title = evidence_title(section.cites, match["id"], match["text"])
        return (
            f'<a class="evidence" href="{prefix}{match["page"]}.html#{match["id"]}"'
            f' title="{html_text(title)}">{html_text(match["text"])}</a>'
        )

    return EVIDENCE_LINK.sub(link, markdown)
