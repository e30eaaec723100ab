"""Citations: which sources back a record, and how to show them to a reader.

Every record in the dataset cites one or more sources with a short verbatim
quote (``data/citations.csv``). These helpers turn record ids into the short
source names for a chart's source line, and into tables and inline references
that keep each quote at hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
    "language",
]


def citations_for(ds: Dataset, record_ids: Iterable[str]) -> pd.DataFrame:
    """Citations of ``record_ids`` with each source's short name, type, date and URL.

    Rows keep the order of ``record_ids``, then the order of citation ids.
    """
    cited, rows_of = _cited(ds)
    positions = [p for rid in dict.fromkeys(record_ids) for p in rows_of.get(rid, ())]
    return cited.take(positions).reset_index(drop=True)


def _cited(ds: Dataset) -> tuple[pd.DataFrame, dict[str, list[int]]]:
    """Every citation with its source's columns, and each record's rows in it.

    Made once per dataset: the chapters ask for the citations of a few records
    hundreds of times, and filtering and merging the whole table for each
    request was most of the time their fact tables took.
    """

    def make(d: Dataset) -> tuple[pd.DataFrame, dict[str, list[int]]]:
        cited = d.citations.merge(
            d.sources[SOURCE_COLUMNS], on="source_id", how="left", validate="many_to_one"
        )
        rows_of: dict[str, list[int]] = {}
        by_citation = cited["citation_id"].sort_values(kind="stable").index
        for position, record_id in zip(
            by_citation, cited["record_id"].to_numpy()[by_citation], strict=True
        ):
            rows_of.setdefault(record_id, []).append(int(position))
        return cited, rows_of

    return ds.memo("citations_with_sources", make, tables=("citations", "sources"))


#: Kinds of source, from the most to the least authoritative for what NATO and
#: governments did: their own releases, then agencies and reference works, then
#: the press, then everything else (blogs, reposts, think tanks, leaked papers).
SOURCE_TYPE_RANK = {
    "official_nato": 0,
    "official_national": 1,
    "agency": 2,
    "reference": 3,
    "press": 4,
    "other": 5,
}
#: The kinds that are a party's own word.
OFFICIAL_TYPES = frozenset({"official_nato", "official_national"})


def source_names(ds: Dataset, record_ids: Iterable[str]) -> list[str]:
    """Short names of the sources behind ``record_ids``, each once, official first."""
    cites = citations_for(ds, record_ids)
    ranks = [SOURCE_TYPE_RANK.get(kind) for kind in cites["source_type"]]
    rows = zip(ranks, cites["date"], cites["short_name"], strict=True)
    return list(dict.fromkeys(name for _, _, name in sorted(rows, key=_missing_last)))


def _missing_last(values: tuple[object, ...]) -> tuple[tuple[bool, object], ...]:
    """A sort key that puts a missing value after every other, as pandas sorts."""
    return tuple((pd.isna(v), "" if pd.isna(v) else v) for v in values)


#: How a quote that is not the source's own words is labelled (see ``quote_origin``).
QUOTE_LABELS = {"gazetteer_name": "gazetteer name"}


def quote_html(citation: Mapping[str, object]) -> str:
    """The quote of one citation (a row of :func:`citations_for`), in quotation marks
    only when it is the source's words.

    GeoNames quotes are place names, shown plainly with a label. A quote in
    another language than English keeps its language (marked for screen
    readers) and is followed by the project's English gloss in brackets.
    """
    words = html_text(citation["quote"])
    label = QUOTE_LABELS.get(citation["quote_origin"])
    if label is not None:
        return f'<span class="summary">{words}</span> <small>({label})</small>'
    language = citation.get("language", "en")
    if pd.isna(language) or language == "en":
        return f"<q>{words}</q>"
    # A quote keeps its language; the English gloss is the project's words.
    gloss = citation.get("gloss")
    gloss_html = f' <small class="gloss">[{html_text(gloss)}]</small>' if pd.notna(gloss) else ""
    return f'<q lang="{html_text(language)}">{words}</q>{gloss_html}'


def source_tooltip(citation: Mapping[str, object]) -> str:
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


def single_source_records(ds: Dataset) -> pd.DataFrame:
    """Records that rest on one source only, and that source not an official one.

    One row per record: its id, its table, the source's short name and kind.
    These are the facts a reader should weigh most carefully: nothing else in
    the dataset confirms them, and no government or NATO text states them.
    Sorted by table, then record id.
    """
    cites = ds.citations.merge(
        ds.sources[["source_id", "short_name", "source_type"]], on="source_id"
    )
    per_record = cites.groupby("record_id")["source_id"].nunique()
    alone = cites[cites["record_id"].map(per_record) == 1].drop_duplicates("record_id")
    alone = alone[~alone["source_type"].isin(OFFICIAL_TYPES)]
    table = alone["record_id"].map(ds.record_tables)
    return (
        alone.assign(table=table)[["record_id", "table", "short_name", "source_type"]]
        .sort_values(["table", "record_id"], kind="stable")
        .reset_index(drop=True)
    )
