"""Which source states which fact: a records-by-sources matrix.

Every record in the dataset cites one or more sources (``citations.csv``), and
``discrepancy_claims.csv`` ties together the records on which the sources
disagree. :func:`source_coverage` draws both at once:

- rows are facts (records), grouped: the records of one discrepancy together,
  under a bracket naming its topic; then the facts that two or more sources
  state alike;
- columns are sources, official NATO first, then national official, then
  secondary;
- a mark sits where a source states the fact: a diamond when the fact is part
  of a discrepancy, a circle otherwise; a line joins the marks of a row that
  several sources state, so agreement reads as a connected row.

:func:`coverage_table` gives the same matrix as a boolean DataFrame.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from helpers.charts._alt import compose, listing, plural
from helpers.charts.figures import (
    FIG_WIDTH_IN,
    GUIDE,
    INK,
    MARGIN_IN,
    add_title,
    discrepancy_topics,
    fit_lines,
    footer_inches,
    inch_axes,
    mission_label,
    row_description,
    settle_ticks,
    text_size_pt,
    text_width_pt,
)
from helpers.citations import citations_for, source_names
from helpers.data import Dataset
from helpers.dates import date_label
from helpers.style import (
    MAX_SOURCES_LISTED,
    OKABE_ITO,
    TEXT_GREY,
    finish,
    house_style,
    new_figure,
)
from helpers.wording import figure_wording

#: Marks: disagreement in vermillion diamonds, agreement in blue circles, a fact
#: stated by one source only in grey. Shapes differ too, for grayscale.
DISPUTED = {"marker": "D", "color": OKABE_ITO["vermillion"], "ms": 7.5, "mec": "white", "mew": 0.8}
AGREED = {"marker": "o", "color": OKABE_ITO["blue"], "ms": 8.0, "mec": "white", "mew": 0.8}
SINGLE = {"marker": "o", "color": "#777777", "ms": 6.5, "mec": "white", "mew": 0.8}
MAX_ROWS = 30


def coverage_table(ds: Dataset, record_ids: Iterable[str]) -> pd.DataFrame:
    """Records x sources: ``True`` where the source is cited for the record.

    Rows keep the order of ``record_ids``; columns are the short names of the
    sources citing any of them, official first (as in a chart's source line).
    """
    ids = list(dict.fromkeys(record_ids))
    cites = citations_for(ds, ids)
    table = pd.crosstab(cites["record_id"], cites["short_name"]).astype(bool)
    table = table.reindex(index=ids, columns=source_names(ds, ids), fill_value=False)
    table.index.name, table.columns.name = "record_id", "source"
    return table


# --- labelling records of any table -----------------------------------------------------


def _name(ds: Dataset, table: str, key: str, value: str, column: str = "name") -> str:
    frame = ds[table]
    match = frame.loc[frame[key] == value, column]
    return str(match.iloc[0]) if len(match) else value


def record_label(ds: Dataset, record_id: str) -> str:
    """A brief label for a record of any cited table, in our words.

    Events lead with their date (in words), figures end with the source's wording, links name
    both ends; anything else falls back to its name or its id.
    """
    try:
        table = ds.record_table(record_id)
    except KeyError:
        return record_id
    key = ds.package.table(table).primary_key[0]
    row = ds[table].set_index(key).loc[record_id]

    def mission(mission_id: str) -> str:
        return mission_label(ds, mission_id)

    def org(org_id: object) -> str:
        return _name(ds, "organisations", "org_id", str(org_id))

    if table == "events":
        # The date as charts write it: '11 Jul 2018', 'about Jan-Mar 2016', never EDTF code.
        return f"{date_label(str(row['date']))}: {row['title']}"
    if table == "figures":
        text = row_description(row["description"], source_names(ds, [record_id]))
        return f"{text}: {figure_wording(row, with_unit=False)}"
    relation = str(row["relation"]).replace("_", " ") if "relation" in row.index else ""
    if table == "mission_partners":
        return f"{mission(row['mission_id'])}: {org(row['org_id'])} ({relation})"
    if table == "mission_institutions":
        institution = _name(ds, "institutions", "institution_id", row["institution_id"])
        return f"{mission(row['mission_id'])} {relation} {institution}"
    if table == "mission_focus":
        focus = _name(ds, "focus_areas", "focus_id", row["focus_id"])
        return f"{mission(row['mission_id'])} focus: {focus}"
    if table == "event_actors":
        event = _name(ds, "events", "event_id", row["event_id"], "title")
        who = (
            org(row["org_id"])
            if pd.notna(row["org_id"])
            else _name(ds, "people", "person_id", row["person_id"])
        )
        return f"{event}: {row['role']} {who}"
    if table == "command_links":
        return f"{mission(row['mission_id'])}: {relation} {org(row['superior_org_id'])}"
    if table == "appointments":
        return f"{_name(ds, 'people', 'person_id', row['person_id'])}: {row['role']}"
    for column in ("name", "title"):
        if column in row.index and pd.notna(row[column]):
            return str(row[column])
    return record_id


def _fitted_label(fig: Figure, ds: Dataset, record_id: str, width_pt: float) -> str:
    """A record's label on one line; a figure's wording is kept whole, its description cut."""
    label = record_label(ds, record_id)
    if record_id in set(ds.figures["figure_id"]):
        head, _, wording = label.rpartition(": ")
        room = width_pt - text_width_pt(fig, ": " + wording, **_LABEL)
        return fit_lines(fig, head, room, 1, **_LABEL)[0] + ": " + wording
    return fit_lines(fig, label, width_pt, 1, **_LABEL)[0]


def _record_date(ds: Dataset, record_id: str) -> str:
    """The date a record is about, for ordering rows ('' when it has none)."""
    try:
        table = ds.record_table(record_id)
    except KeyError:
        return ""
    frame = ds[table].set_index(ds.package.table(table).primary_key[0])
    for column in ("date", "ref_start", "from_date", "start_date"):
        if column in frame.columns and pd.notna(frame.at[record_id, column]):
            return str(frame.at[record_id, column])
    return ""


# --- which rows, in which groups ----------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """Rows drawn together: one discrepancy's records, or facts sources agree on."""

    label: str
    kind: str  # 'disputed', 'agreed' or 'single'
    records: tuple[str, ...]


def _records_of(ds: Dataset, tables: Sequence[str]) -> set[str]:
    ids: set[str] = set()
    for table in tables:
        ids |= set(ds[table][ds.package.table(table).primary_key[0]])
    return ids


def default_records(
    ds: Dataset,
    table: str | None = None,
    max_rows: int = MAX_ROWS,
    max_sources: int = MAX_SOURCES_LISTED,
) -> list[str]:
    """A readable default: disputed facts where two or more sources clash, plus agreement.

    From ``table`` (events and figures by default): the discrepancies whose
    records there are stated by at least two different sources, then facts
    that two or more sources state alike, with no discrepancy. The chart has a
    column for every source of its rows, so rows are packed into at most
    ``max_sources`` columns (as many as a source line names in full) and
    ``max_rows`` rows. Clashes come first, in up to four fifths of the rows and
    three quarters of the columns; each step takes the one that brings the
    fewest sources not yet in the chart (then the widest, then the first in
    ``discrepancies.csv``), so that the same sources recur from row to row and
    the matrix reads as a comparison. Agreed facts fill the rest the same way,
    those most sources state first.
    """
    candidates = _records_of(ds, [table] if table else ["events", "figures"])
    cites = ds.citations[ds.citations["record_id"].isin(candidates)]
    sources_of = cites.groupby("record_id")["source_id"].apply(frozenset).to_dict()
    disputed = set(ds.discrepancy_claims["record_id"])
    clashes = []
    for order, (_, claims) in enumerate(
        ds.discrepancy_claims.groupby("discrepancy_id", sort=False)
    ):
        records = [r for r in dict.fromkeys(claims["record_id"]) if r in candidates]
        sources = frozenset().union(*(sources_of.get(r, frozenset()) for r in records))
        if len(records) >= 2 and len(sources) >= 2:
            clashes.append((order, records, sources))
    agreed = [
        (order, [record], sources)
        for order, (record, sources) in enumerate(sorted(sources_of.items()))
        if len(sources) >= 2 and record not in disputed
    ]
    chosen: list[str] = []
    columns: set[str] = set()
    for pool, rows, cols in (
        (clashes, max_rows * 4 // 5, max_sources * 3 // 4),
        (agreed, max_rows, max_sources),
    ):
        while True:
            fitting = [
                (order, records, sources)
                for order, records, sources in pool
                if len(columns | sources) <= cols
                and len(chosen) + len(set(records) - set(chosen)) <= rows
                and not set(records) <= set(chosen)
            ]
            if not fitting:
                break
            _, records, sources = min(
                fitting, key=lambda c: (len(c[2] - columns), -len(c[2]), c[0])
            )
            chosen += [r for r in records if r not in chosen]
            columns |= sources
    return chosen


def group_records(ds: Dataset, record_ids: Sequence[str]) -> list[Group]:
    """Rows in groups: each discrepancy's records (a record in two shows in both),
    then facts stated alike by several sources, then facts with one source.

    Discrepancy groups, and rows within a group, follow the dates of the facts.
    """
    ids = list(dict.fromkeys(record_ids))
    topics = discrepancy_topics(ds)
    n_sources = coverage_table(ds, ids).sum(axis=1)
    # A discrepancy forms a group when two or more of the drawn records are in
    # it; a record whose discrepancies are all cut short still shows, under its first.
    drawn_in: dict[str, list[str]] = {}
    for rid in ids:
        for topic in topics.get(rid, []):
            drawn_in.setdefault(topic, []).append(rid)
    by_topic = {t: rs for t, rs in drawn_in.items() if len(rs) >= 2}
    for rid in ids:
        if rid in topics and not any(rid in rs for rs in by_topic.values()):
            by_topic.setdefault(topics[rid][0], []).append(rid)

    def when(rid: str) -> tuple[str, str]:
        return (_record_date(ds, rid) or "9999", rid)

    groups = [Group(t, "disputed", tuple(sorted(rs, key=when))) for t, rs in by_topic.items()]
    groups.sort(key=lambda g: when(g.records[0]))
    plain = [r for r in ids if r not in topics]
    agreed = tuple(sorted((r for r in plain if n_sources[r] >= 2), key=when))
    single = tuple(sorted((r for r in plain if n_sources[r] < 2), key=when))
    if agreed:
        groups.append(Group("Stated alike by two or more sources", "agreed", agreed))
    if single:
        groups.append(Group("Stated by one source", "single", single))
    return groups


# --- drawing ------------------------------------------------------------------------------

_ROW_IN = 0.25  # one row of the matrix
_GAP_ROWS = 0.6  # between two groups
_COL_IN = 0.3  # one source column
_RIGHT_IN = 1.85  # the group labels right of the matrix
MIN_LABEL_IN = 3.6  # the row labels left of it
_LABEL = {"fontsize": 9}
_HEADER = {"fontsize": 8.5, "rotation": 90}
_GROUP = {"fontsize": 8.5}


def _layout(groups: list[Group]) -> list[tuple[Group, list[float]]]:
    """Row positions (in rows from the top) of each group, a gap between groups."""
    placed, y = [], 0.5
    for group in groups:
        ys = [y + i for i in range(len(group.records))]
        placed.append((group, ys))
        y = ys[-1] + 1 + _GAP_ROWS
    return placed


def _draw_row(ax: Axes, y: float, cited: list[int], style: dict[str, object]) -> None:
    """One row's marks; a line joins them when several sources state the fact."""
    if len(cited) > 1:
        ax.plot(
            [min(cited), max(cited)], [y, y], color=style["color"], lw=1.6, alpha=0.55, zorder=2
        )
    ax.plot(cited, [y] * len(cited), ls="none", zorder=3, **style)


def _draw_group_label(ax: Axes, group: Group, ys: list[float], width_pt: float) -> None:
    """Bracket and topic right of the matrix: what the grouped sources differ on."""
    top, bottom = ys[0] - 0.35, ys[-1] + 0.35
    trans = ax.get_yaxis_transform()
    colour = DISPUTED["color"] if group.kind == "disputed" else TEXT_GREY
    ax.plot([1.0, 1.0], [top, bottom], transform=trans, color=colour, lw=1.4, clip_on=False)
    prefix = {"disputed": "≠ ", "agreed": "= ", "single": ""}[group.kind]
    room_pt = (bottom - top + _GAP_ROWS * 0.8) * _ROW_IN * 72
    max_lines = max(1, int(room_pt // 10.5))
    lines = fit_lines(ax.figure, prefix + group.label, width_pt, max_lines, **_GROUP)
    ax.annotate(
        "\n".join(lines),
        xy=(1.0, (top + bottom) / 2),
        xycoords=trans,
        xytext=(7, 0),
        textcoords="offset points",
        va="center",
        ha="left",
        color=INK if group.kind == "disputed" else TEXT_GREY,
        fontstyle="italic",
        linespacing=1.1,
        annotation_clip=False,
        **_GROUP,
    )


def _draw_key(ax: Axes, kinds: set[str]) -> None:
    """The marks in use, drawn with the same styles as the matrix."""
    items = [
        ("agreed", {"ls": "-", "lw": 1.6, **AGREED}, "stated; a line joins sources that agree"),
        (
            "disputed",
            {"ls": "none", **DISPUTED},
            "stated, but part of a discrepancy (topic at right)",
        ),
        ("single", {"ls": "none", **SINGLE}, "stated by one source only"),
    ]
    handles = [
        Line2D([], [], label=label, **style) for kind, style, label in items if kind in kinds
    ]
    ax.axis("off")
    ax.legend(
        handles=handles,
        loc="upper left",
        borderaxespad=0,
        handlelength=2.2,
        fontsize=9,
        labelspacing=0.7,
        title="Key",
        title_fontproperties={"size": 9, "weight": "bold"},
        alignment="left",
    )


def _source_types(ds: Dataset, names: Sequence[str]) -> list[str]:
    types = ds.sources.set_index("short_name")["source_type"]
    return [types[n] for n in names]


def _alt_text(ds: Dataset, matrix: pd.DataFrame, groups: list[Group], types: list[str]) -> str:
    """Alt text of the matrix: its size, the topics on which the sources differ,
    the facts they state alike, and the most widely stated fact and busiest source."""
    official = sum(t.startswith("official") for t in types)
    disputed = [g for g in groups if g.kind == "disputed"]
    topics = [f"{g.label} ({plural(len(g.records), 'fact')})" for g in disputed]
    plain = {g.kind: len(g.records) for g in groups if g.kind != "disputed"}
    per_fact, per_source = matrix.sum(axis=1), matrix.sum(axis=0)
    widest, busiest = per_fact.idxmax(), per_source.idxmax()
    alike = [
        f"{plural(plain['agreed'], 'fact')} stated alike by two or more sources"
        if plain.get("agreed")
        else "",
        f"{plural(plain['single'], 'fact')} by one source only" if plain.get("single") else "",
    ]
    return compose(
        [
            f"Matrix of {plural(len(matrix), 'fact')} (rows) by {plural(len(types), 'source')}"
            f" (columns, the {plural(official, 'official one')} first); a mark where a source"
            " states a fact, joined by a line when several do",
            f"The sources differ on {plural(len(disputed), 'topic')}, each a bracketed group of"
            f" facts marked with diamonds: {listing(topics, 230, sep='; ')}"
            if disputed
            else "",
            listing(a for a in alike if a),
            f"Most widely stated: {record_label(ds, widest)}"
            f" ({plural(int(per_fact[widest]), 'source')})"
            if per_fact[widest] > 1
            else "",
            f"{busiest} states the most ({plural(int(per_source[busiest]), 'fact')})",
        ]
    )


@house_style
def source_coverage(
    ds: Dataset,
    record_ids: Iterable[str] | None = None,
    table: str | None = None,
    title: str = "Who says what: facts by source, and where the sources differ",
    note: str | None = None,
) -> Figure:
    """Matrix of facts (rows) by sources (columns), disagreement marked apart.

    ``record_ids`` picks the rows (any cited table); otherwise
    :func:`default_records` chooses up to 30 from ``table`` (events and figures
    by default). Rows in a discrepancy are grouped under its topic.
    """
    ids = list(record_ids) if record_ids is not None else default_records(ds, table)
    if not ids:
        raise ValueError("no records to draw")
    matrix = coverage_table(ds, ids)
    groups = group_records(ds, ids)
    placed = _layout(groups)
    sources = list(matrix.columns)

    # Layout in inches: title, key, column headers, matrix, footer. The row
    # labels keep at least MIN_LABEL_IN; many sources widen the figure instead.
    fig = new_figure(FIG_WIDTH_IN, 1.0)
    header_pt = max(text_size_pt(fig, s, **_HEADER)[1] for s in sources)
    n_rows = placed[-1][1][-1] + 0.5
    matrix_w, matrix_h = _COL_IN * len(sources), _ROW_IN * n_rows
    fig_w = max(FIG_WIDTH_IN, 2 * MARGIN_IN + MIN_LABEL_IN + matrix_w + _RIGHT_IN)
    left = fig_w - MARGIN_IN - _RIGHT_IN - matrix_w
    top_in = max(0.75 + 0.45 + header_pt / 72 + 0.1, 2.3)
    fig_h = top_in + matrix_h + 0.1 + footer_inches(source_names(ds, ids), note)
    fig.set_size_inches(fig_w, fig_h)
    add_title(
        fig,
        title,
        "Rows are facts as recorded in the dataset; a mark means the source states that fact.",
    )
    # The key sits left of the column headers, in space the matrix leaves free.
    key_ax = inch_axes(fig, MARGIN_IN, fig_h - top_in + 0.4, left - MARGIN_IN - 0.3, top_in - 1.25)
    _draw_key(key_ax, {g.kind for g in groups})
    ax = inch_axes(fig, left, fig_h - top_in - matrix_h, matrix_w, matrix_h)
    _draw_rows(ax, ds, matrix, placed, (left - MARGIN_IN) * 72 - 10)
    _draw_columns(ax, sources, _source_types(ds, sources))
    ax.set_ylim(n_rows, 0)
    # The y label heads the row labels, just above the first row.
    ax.set_ylabel(
        "Fact (grouped by discrepancy)", rotation=0, ha="left", va="bottom", fontweight="bold"
    )
    ax.yaxis.set_label_coords(-(left - MARGIN_IN) / matrix_w, 1 + 4 / 72 / matrix_h)
    alt = _alt_text(ds, matrix, groups, _source_types(ds, sources))
    return finish(settle_ticks(fig), source_names(ds, ids), note, alt=alt)


def _draw_rows(
    ax: Axes,
    ds: Dataset,
    matrix: pd.DataFrame,
    placed: list[tuple[Group, list[float]]],
    label_pt: float,
) -> None:
    """Each row's guide, marks and label; each group's bracket and topic."""
    sources = list(matrix.columns)
    for group, ys in placed:
        style = {"disputed": DISPUTED, "agreed": AGREED, "single": SINGLE}[group.kind]
        for rid, y in zip(group.records, ys, strict=True):
            ax.axhline(y, color=GUIDE, lw=0.8, zorder=1)
            _draw_row(ax, y, [i for i, s in enumerate(sources) if matrix.at[rid, s]], style)
            ax.annotate(
                _fitted_label(ax.figure, ds, rid, label_pt),
                xy=(0, y),
                xycoords=ax.get_yaxis_transform(),
                xytext=(-8, -0.5),
                textcoords="offset points",
                ha="right",
                va="center",
                color=INK,
                annotation_clip=False,
                **_LABEL,
            )
        _draw_group_label(ax, group, ys, _RIGHT_IN * 72 - 10)


def _draw_columns(ax: Axes, sources: list[str], types: list[str]) -> None:
    """A header per source (official ones in bold), faint guides, a rule between types."""
    ax.set_xlim(-0.5, len(sources) - 0.5)
    ax.xaxis.tick_top()
    ax.set_xticks(range(len(sources)), sources, **_HEADER)
    for tick, kind in zip(ax.xaxis.get_major_ticks(), types, strict=True):
        official = kind.startswith("official")
        for label in (tick.label1, tick.label2):
            label.set_fontweight("bold" if official else "normal")
            label.set_color(INK if official else TEXT_GREY)
    ax.tick_params(axis="x", length=0, pad=4)
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    for i in range(1, len(types)):
        if types[i] != types[i - 1]:
            ax.axvline(i - 0.5, color="#bbbbbb", lw=0.9, zorder=1)
    for i in range(len(sources)):
        ax.axvline(i, color=GUIDE, lw=0.6, zorder=0)
    label = "Source (official sources in bold, first)"
    ax.set_xlabel(label, labelpad=6)
    ax.xaxis.set_label_position("top")
    width_pt = ax.get_position().width * ax.figure.get_figwidth() * 72
    if text_width_pt(ax.figure, label, fontsize=ax.xaxis.label.get_fontsize()) > width_pt:
        # Wider than a narrow matrix: end it at the last column; it then reaches
        # left over the row labels' header space, clear of the key (which ends
        # well before a narrow matrix starts) and of the figure's edge.
        ax.xaxis.label.set_x(1.0)
        ax.xaxis.label.set_ha("right")
