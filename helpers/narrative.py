"""Show facts in a notebook with their sources at hand.

Narrative cells are our own words; the facts they rest on are shown by these
helpers, each with the short names of its sources, and each source's verbatim
quote one hover (or one click) away. Outputs are plain HTML with a plain-text
fallback, identical on every run.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from helpers import shown
from helpers.citations import citations_for, quote_html, source_tooltip
from helpers.data import Dataset
from helpers.dates import date_label, parse_partial_date
from helpers.untrusted import html_link, html_text
from helpers.wording import figure_wording


@dataclass(frozen=True)
class Rendered:
    """Rich output for notebooks: HTML for readers, text for diffs and nbval."""

    html: str
    text: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def _when(text: str) -> str:
    """A date as stored, with its words when the stored form is an EDTF extension.

    '2018-10' stays as it is; '2011-23' reads '2011-23 (autumn 2011)' and
    '2009-10?' reads '2009-10? (Oct 2009?)', so no reader has to know the codes.
    """
    if not text:
        return text
    parsed = parse_partial_date(text)
    if parsed.precision in ("year", "month", "day") and not parsed.qualifier:
        return text  # plain ISO 8601: readers know it
    return f"{text} ({date_label(text)})"


def _date_span(start, end) -> str:
    start = "" if pd.isna(start) else _when(start)
    end = "" if pd.isna(end) else _when(end)
    if start and end and start != end:
        return f"{start} to {end}"
    return start or (f"until {end}" if end else "")


def _name_of(ds: Dataset, table: str, record_id) -> str:
    """Short display name of a mission, organisation, institution, person or focus area."""
    if pd.isna(record_id):
        return ""
    row = ds.by_key(table).loc[record_id]
    for column in ("short_name", "name"):
        if column in row.index and pd.notna(row[column]):
            return str(row[column])
    return str(record_id)


#: How a link's relation reads in a sentence ("NTM-I reports to SACEUR").
RELATION_WORDS = {
    "political_control": "is under the political control of",
    "reports_to": "reports to",
    "operational_authority": "is under the authority of",
    "dual_hatted_with": "is dual-hatted with",
    "coordinated_with": "coordinates with",
    "superior_command": "is commanded by",
    "lead_nation": "is led by a commander from",
    "requester": "was requested by",
    "helped_establish": "helped establish",
}


def _relation(word: str) -> str:
    return RELATION_WORDS.get(word, word.replace("_", " "))


def describe_record(ds: Dataset, record_id: str) -> tuple[str, str]:
    """A (date, what) pair describing a record in a line, in our words."""
    table = ds.record_table(record_id)
    row = ds.by_key(table).loc[record_id]
    mission = _name_of(ds, "missions", row.get("mission_id", pd.NA))
    if table == "events":
        return _when(row["date"]), row["title"]
    if table == "figures":
        when = _date_span(row["ref_start"], row["ref_end"])
        return when, f"{row['description']}: {figure_wording(row)} ({row['status']})"
    if table == "missions":
        return _date_span(row["start_date"], row["end_date"]), row["name"]
    if table == "appointments":
        person = _name_of(ds, "people", row["person_id"])
        rank = f"{row['rank']} " if pd.notna(row["rank"]) else ""
        return _date_span(row["from_date"], row["to_date"]), f"{rank}{person}: {row['role']}"
    if table == "mission_institutions":
        institution = _name_of(ds, "institutions", row["institution_id"])
        return _date_span(
            row["from_date"], None
        ), f"{mission} {_relation(row['relation'])} {institution}"
    if table == "mission_focus":
        focus = _name_of(ds, "focus_areas", row["focus_id"])
        return _date_span(row["from_date"], None), f"{mission} focus: {focus}"
    if table == "mission_partners":
        org = _name_of(ds, "organisations", row["org_id"])
        when = _date_span(row["from_date"], row["to_date"])
        return when, f"{mission}: {org} ({row['relation'].replace('_', ' ')})"
    if table == "command_links":
        lower = _name_of(ds, "organisations", row["subordinate_org_id"]) or mission
        upper = _name_of(ds, "organisations", row["superior_org_id"])
        return _date_span(
            row["from_date"], row["to_date"]
        ), f"{lower} {_relation(row['relation'])} {upper}"
    if table == "event_actors":
        event = ds.by_key("events").loc[row["event_id"]]
        actor = _name_of(ds, "organisations", row["org_id"]) or _name_of(
            ds, "people", row["person_id"]
        )
        return _when(event["date"]), f"{actor} ({row['role']}): {event['title']}"
    for column in ("name", "title", "description", "note"):
        if column in row.index and pd.notna(row[column]):
            return "", str(row[column])
    return "", record_id


#: Quotes a fact table shows for a record before folding the rest away.
QUOTES_SHOWN = 3


def _sources_html(cites: pd.DataFrame) -> str:
    items = []
    for c in cites.to_dict("records"):
        # The quote is on screen already; hovering tells which text it is from.
        name = html_text(c["short_name"])
        items.append(
            f'<span class="cite" title="{source_tooltip(c)}"><b>{name}</b>: {quote_html(c)}</span>'
        )
    if len(items) <= QUOTES_SHOWN + 1:
        return "<br>".join(items)
    # A record with many witnesses would make the table pages long: fold the rest.
    shown, folded = items[:QUOTES_SHOWN], items[QUOTES_SHOWN:]
    return (
        "<br>".join(shown)
        + f"<details><summary>{len(folded)} more quotes</summary>"
        + "<br>".join(folded)
        + "</details>"
    )


def facts(ds: Dataset, record_ids: Sequence[str], caption: str | None = None) -> Rendered:
    """A table of facts: date, what, and each source with its verbatim quote."""
    cites = citations_for(ds, record_ids)
    by_record = dict(tuple(cites.groupby("record_id", sort=False)))
    rows_html, rows_text = [], []
    for record_id in dict.fromkeys(record_ids):
        when, what = describe_record(ds, record_id)
        mine = by_record.get(record_id, cites.iloc[:0])
        rows_html.append(
            f"<tr><td>{html_text(when)}</td><td>{html_text(what)}</td>"
            f"<td>{_sources_html(mine)}</td></tr>"
        )
        names = "; ".join(dict.fromkeys(mine["short_name"]))
        rows_text.append(f"{when:<24} {what}  [{names}]")
    head = f"<caption>{html_text(caption)}</caption>" if caption else ""
    table = (
        f'<table class="facts">{head}<thead><tr><th>When</th><th>What</th>'
        f"<th>Sources and quotes</th></tr></thead><tbody>{''.join(rows_html)}</tbody></table>"
    )
    text = ((caption + "\n") if caption else "") + "\n".join(rows_text)
    shown.note_sources(cites["short_name"])
    return Rendered(table, text)


def sources_list(
    ds: Dataset, source_ids: Iterable[str] | None = None, *, shown_so_far: bool = False
) -> Rendered:
    """The sources (all, or those given) with publisher, date and link.

    With ``shown_so_far``, the list adds every source that a chart or a table
    of facts has shown earlier in this notebook (see :mod:`helpers.shown`):
    a chapter's closing list then names every source its pages cite.
    """
    sources = ds.sources
    if source_ids is not None or shown_so_far:
        keep = sources["source_id"].isin(list(source_ids if source_ids is not None else []))
        if shown_so_far:
            keep |= sources["short_name"].isin(shown.source_names())
        sources = sources[keep]
    items_html, items_text = [], []
    for _, s in sources.iterrows():
        publisher = s["publisher"] if pd.notna(s["publisher"]) else "publisher not stated"
        date = s["date"] if pd.notna(s["date"]) else "undated"
        link = html_link(s["url"], html_text(s["title"]))
        items_html.append(
            f"<li><b>{html_text(s['short_name'])}</b>: {link}. "
            f"{html_text(publisher)}, {html_text(date)} ({html_text(s['date_basis'])}).</li>"
        )
        items_text.append(f"- {s['short_name']}: {s['title']}. {publisher}, {date}.")
    return Rendered("<ul>" + "".join(items_html) + "</ul>", "\n".join(items_text))


def discrepancy_facts(ds: Dataset, discrepancy_id: str) -> Rendered:
    """Every version of a disputed fact, each with its sources and quotes.

    The caption is the discrepancy's topic; the dataset's note on it (our
    words) follows the table in the HTML and the text.
    """
    row = ds.discrepancies.set_index("discrepancy_id").loc[discrepancy_id]
    claims = ds.discrepancy_claims.loc[
        ds.discrepancy_claims["discrepancy_id"] == discrepancy_id, "record_id"
    ]
    table = facts(ds, list(claims), caption=f"{row['topic']} ({row['kind']})")
    note = f"Note: {row['note']}"
    return Rendered(f"{table.html}<p><em>{html_text(note)}</em></p>", f"{table.text}\n{note}")


def discrepancy_notes(ds: Dataset, discrepancy_ids: Sequence[str]) -> Rendered:
    """The dataset's notes (our words) on the given disagreements, one row each.

    A compact companion to :func:`discrepancy_facts` for when the versions and
    their quotes are shown elsewhere: topic, kind of disagreement, and the note.
    """
    rows = ds.discrepancies.set_index("discrepancy_id").loc[list(discrepancy_ids)]
    body = "".join(
        f"<tr><td>{html_text(r['topic'])}</td><td>{html_text(r['kind'])}</td>"
        f"<td>{html_text(r['note'])}</td></tr>"
        for _, r in rows.iterrows()
    )
    table = (
        '<table class="facts"><thead><tr><th>Disagreement</th><th>Kind</th>'
        f"<th>Our note</th></tr></thead><tbody>{body}</tbody></table>"
    )
    text = "\n\n".join(
        f"{r['topic']} ({r['kind']}):\n"
        + textwrap.fill(r["note"], 88, initial_indent="  ", subsequent_indent="  ")
        for _, r in rows.iterrows()
    )
    return Rendered(table, text)
