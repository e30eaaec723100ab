"""Show facts in a notebook with their sources at hand.

Narrative cells are our own words; the facts they rest on are shown by these
helpers, each with the short names of its sources, and each source's verbatim
quote one hover (or one click) away. Outputs are plain HTML with a plain-text
fallback, identical on every run.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from helpers.citations import citations_for
from helpers.data import Dataset

#: A bound as a reader says it, before the number.
BOUND_WORDS = {"at_least": "at least", "at_most": "at most", "about": "about", "exact": ""}


@dataclass(frozen=True)
class Rendered:
    """Rich output for notebooks: HTML for readers, text for diffs and nbval."""

    html: str
    text: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def format_number(value: float) -> str:
    """350 -> '350'; 17500000 -> '17,500,000'; 17.5 -> '17.5'."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def figure_wording(row: pd.Series) -> str:
    """A figure as its bound says it: 'over 5,000 personnel', 'several hundred (200 to 999) ...'.

    The source's own qualifier ("over", "nearly") is used where it gives one.
    """
    unit = str(row["unit"]).replace("_", " ")
    if row["bound"] == "range":
        number = f"{format_number(row['value_low'])} to {format_number(row['value_high'])}"
        words = f"{row['qualifier']} ({number})" if pd.notna(row["qualifier"]) else number
        return f"{words} {unit}"
    value = row["value_low"] if pd.notna(row["value_low"]) else row["value_high"]
    qualifier = row["qualifier"] if pd.notna(row["qualifier"]) else BOUND_WORDS[row["bound"]]
    return " ".join(part for part in (qualifier, format_number(value), unit) if part)


def _date_span(start, end) -> str:
    start = "" if pd.isna(start) else start
    end = "" if pd.isna(end) else end
    if start and end and start != end:
        return f"{start} to {end}"
    return start or (f"until {end}" if end else "")


def describe_record(ds: Dataset, record_id: str) -> tuple[str, str]:
    """A (date, what) pair describing a record in a line, in our words."""
    table = ds.record_table(record_id)
    key = ds.package.table(table).primary_key[0]
    row = ds[table].set_index(key).loc[record_id]
    if table == "events":
        return row["date"], row["title"]
    if table == "figures":
        when = _date_span(row["ref_start"], row["ref_end"])
        return when, f"{row['description']}: {figure_wording(row)} ({row['status']})"
    if table == "missions":
        return _date_span(row["start_date"], row["end_date"]), row["name"]
    if table == "appointments":
        person = ds.people.set_index("person_id").loc[row["person_id"], "name"]
        rank = f"{row['rank']} " if pd.notna(row["rank"]) else ""
        return _date_span(row["from_date"], row["to_date"]), f"{rank}{person}: {row['role']}"
    for column in ("name", "title", "description", "note"):
        if column in row.index and pd.notna(row[column]):
            return "", str(row[column])
    return "", record_id


def _sources_html(cites: pd.DataFrame) -> str:
    items = []
    for _, c in cites.iterrows():
        quote = html.escape(f"“{c['quote']}”")
        name = html.escape(c["short_name"])
        items.append(
            f'<span class="cite" title="{quote}"><b>{name}</b>: '
            f"<q>{html.escape(c['quote'])}</q></span>"
        )
    return "<br>".join(items)


def facts(ds: Dataset, record_ids: Sequence[str], caption: str | None = None) -> Rendered:
    """A table of facts: date, what, and each source with its verbatim quote."""
    cites = citations_for(ds, record_ids)
    rows_html, rows_text = [], []
    for record_id in dict.fromkeys(record_ids):
        when, what = describe_record(ds, record_id)
        mine = cites[cites["record_id"] == record_id]
        rows_html.append(
            f"<tr><td>{html.escape(when)}</td><td>{html.escape(what)}</td>"
            f"<td>{_sources_html(mine)}</td></tr>"
        )
        names = "; ".join(dict.fromkeys(mine["short_name"]))
        rows_text.append(f"{when:<24} {what}  [{names}]")
    head = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    table = (
        f'<table class="facts">{head}<thead><tr><th>When</th><th>What</th>'
        f"<th>Sources and quotes</th></tr></thead><tbody>{''.join(rows_html)}</tbody></table>"
    )
    text = ((caption + "\n") if caption else "") + "\n".join(rows_text)
    return Rendered(table, text)


def sources_list(ds: Dataset, source_ids: Iterable[str] | None = None) -> Rendered:
    """The sources (all, or those given) with publisher, date and link."""
    sources = ds.sources
    if source_ids is not None:
        sources = sources[sources["source_id"].isin(list(source_ids))]
    items_html, items_text = [], []
    for _, s in sources.iterrows():
        publisher = s["publisher"] if pd.notna(s["publisher"]) else "publisher not stated"
        date = s["date"] if pd.notna(s["date"]) else "undated"
        title = html.escape(s["title"])
        link = f'<a href="{html.escape(s["url"])}">{title}</a>' if pd.notna(s["url"]) else title
        items_html.append(
            f"<li><b>{html.escape(s['short_name'])}</b>: {link}. "
            f"{html.escape(publisher)}, {html.escape(date)} ({s['date_basis']}).</li>"
        )
        items_text.append(f"- {s['short_name']}: {s['title']}. {publisher}, {date}.")
    return Rendered("<ul>" + "".join(items_html) + "</ul>", "\n".join(items_text))
