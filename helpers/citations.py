"""Citations: which sources back a record, and how to show them to a reader.

Every record in the dataset cites one or more sources with a short verbatim
quote (``data/citations.csv``). These helpers turn record ids into the short
source names for a chart's source line, and into tables and inline references
that keep each quote at hand.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from helpers.data import Dataset
from helpers.untrusted import html_text

#: What each citation row carries of its source.
SOURCE_COLUMNS = [
    "source_id",
    "short_name",
    "source_type",
    "date",
    "url",
    "title",
    "publisher",
    "quote_origin",
]


def citations_for(ds: Dataset, record_ids: Iterable[str]) -> pd.DataFrame:
    """Citations of ``record_ids`` with each source's short name, type, date and URL.

    Rows keep the order of ``record_ids``, then the order of ``citations.csv``.
    """
    ids = list(dict.fromkeys(record_ids))
    order = {rid: i for i, rid in enumerate(ids)}
    cites = ds.citations[ds.citations["record_id"].isin(ids)]
    merged = cites.merge(
        ds.sources[SOURCE_COLUMNS],
        on="source_id",
        how="left",
        validate="many_to_one",
    )
    merged["_order"] = merged["record_id"].map(order)
    return (
        merged.sort_values(["_order", "citation_id"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def source_names(ds: Dataset, record_ids: Iterable[str]) -> list[str]:
    """Short names of the sources behind ``record_ids``, each once, official first."""
    cites = citations_for(ds, record_ids)
    rank = {"official_nato": 0, "official_national": 1, "secondary": 2}
    cites = cites.assign(_rank=cites["source_type"].map(rank))
    cites = cites.sort_values(["_rank", "date", "short_name"], kind="stable")
    return list(dict.fromkeys(cites["short_name"]))


#: How a quote that is not the source's own words is labelled (see ``quote_origin``).
QUOTE_LABELS = {"project_summary": "project's summary", "gazetteer_name": "gazetteer name"}


def quote_html(citation: pd.Series) -> str:
    """The quote of one citation row: in quotation marks only when it is the source's words.

    Quotes of supplementary sources are the words of the project's one-line
    summary of the page, and GeoNames quotes are place names; they are shown
    plainly, with a label, so that no reader takes them for the page's text.
    """
    words = html_text(citation["quote"])
    label = QUOTE_LABELS.get(citation["quote_origin"])
    if label is None:
        return f"<q>{words}</q>"
    return f'<span class="summary">{words}</span> <small>({label})</small>'


def source_tooltip(citation: pd.Series) -> str:
    """What hovering over a source name shows: the source's title, publisher and date."""
    parts = [citation["title"]]
    if pd.notna(citation["publisher"]) and citation["publisher"]:
        parts.append(citation["publisher"])
    parts.append(citation["date"] if pd.notna(citation["date"]) else "undated")
    return html_text(", ".join(str(p) for p in parts))


def cite_html(ds: Dataset, record_id: str) -> str:
    """Inline HTML: bracketed short source names, each with its quote as a tooltip."""
    cites = citations_for(ds, [record_id])
    parts = []
    for _, row in cites.iterrows():
        quote = row["quote"] if row["quote_origin"] == "source_text" else None
        tip = html_text(f"“{quote}”") if quote else source_tooltip(row)
        name = html_text(row["short_name"])
        parts.append(f'<span class="cite" title="{tip}">{name}</span>')
    return "[" + "; ".join(parts) + "]"
