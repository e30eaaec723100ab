"""What each mission worked on, and with whom: two mission-by-topic grids.

- :func:`focus_heatmap` crosses missions (columns) with the focus areas of
  ``mission_focus.csv``: by ``category`` it counts the focus areas per category
  (a heatmap, each cell annotated with its count) and lists on the right the
  areas two missions share; by ``focus`` it ticks every single focus area.
- :func:`institution_matrix` crosses missions with the Iraqi institutions of
  ``mission_institutions.csv`` and names the kind of work in each cell.

Sub-units roll up to their mission (NTM-I's divisions to NTM-I, the Jordan
courses to DCB); a cell that holds only through a sub-unit is put in brackets,
so the roll-up stays visible. Every cell carries text, so the grids read in
grayscale too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers.charts._alt import compose, listing, plural
from helpers.charts.figures import (
    FIG_WIDTH_IN,
    INK,
    MARGIN_IN,
    add_title,
    fit_lines,
    footer_inches,
    inch_axes,
    mission_label,
    settle_ticks,
    text_size_pt,
)
from helpers.citations import source_names
from helpers.data import Dataset, mission_parents
from helpers.dates import parse_partial_date
from helpers.style import OKABE_ITO, TEXT_GREY, finish, house_style, mission_colour, new_figure
from helpers.wording import EN_DASH

#: Counts shade from white to the Okabe-Ito blue: darker means more, in grayscale too.
COUNT_CMAP = LinearSegmentedColormap.from_list("counts", ["#ffffff", OKABE_ITO["blue"]])
#: The pair of missions whose shared focus areas the category view lists.
COMPARE = ("mis-ntm-i", "mis-nmi")


# --- missions as columns -------------------------------------------------------------------


def root_mission(ds: Dataset, mission_id: str) -> str:
    """The top-level mission above ``mission_id`` (itself when it has no parent)."""
    parent = mission_parents(ds)
    while mission_id in parent:
        mission_id = parent[mission_id]
    return mission_id


def rolled_up(ds: Dataset, links: pd.DataFrame, rollup: bool = True) -> pd.DataFrame:
    """``links`` (rows with a ``mission_id``) with ``column`` (the mission they count
    for) and ``direct`` (False when they hold through a sub-unit)."""
    column = [root_mission(ds, m) if rollup else m for m in links["mission_id"]]
    return links.assign(
        column=column, direct=links["mission_id"] == pd.Series(column, index=links.index)
    )


def _mission_order(ds: Dataset, mission_ids: Sequence[str]) -> list[str]:
    """Missions in the order they began, then by id.

    A start known only to the year counts from the year's last day: NTM-I
    ('2004') began after its precursor NTIM (30 July 2004), not before. An
    undated mission takes the earliest start of its sub-units (the partnership
    sorts with its 2012 programme); missions with no date at all go last.
    """
    missions = ds.missions.dropna(subset=["start_date"])
    latest = [parse_partial_date(d).latest for d in missions["start_date"]]
    roots = [root_mission(ds, m) for m in missions["mission_id"]]
    own = dict(zip(missions["mission_id"], latest, strict=True))
    by_root = pd.Series(latest).groupby(roots).min().to_dict()
    undated = dt.date.max
    return sorted(
        dict.fromkeys(mission_ids), key=lambda m: (own.get(m, by_root.get(m, undated)), m)
    )


def _years(ds: Dataset, mission_id: str) -> str:
    """'2004-2011', '2018-' (with an en dash) or '' from a mission's dates, years only."""
    row = ds.by_key("missions").loc[mission_id]
    start = str(row["start_date"])[:4] if pd.notna(row["start_date"]) else ""
    end = str(row["end_date"])[:4] if pd.notna(row["end_date"]) else ""
    if start and end:
        return start if start == end else f"{start}{EN_DASH}{end}"
    return f"{start}{EN_DASH}" if start else ""


def _columns(ds: Dataset, links: pd.DataFrame, missions: Sequence[str] | None) -> list[str]:
    """Columns to draw: the caller's missions in their order, else all, in time order."""
    if missions is not None:
        return list(dict.fromkeys(missions))
    return _mission_order(ds, links["column"])


# --- a grid of labelled rows and text cells --------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One cell: its text, fill and text colour; bold for totals."""

    text: str
    fill: str | tuple[float, ...] = "white"
    colour: str = INK
    bold: bool = False


@dataclass
class Grid:
    """What a grid chart draws: row labels, column headers and cells by (row, column)."""

    rows: list[tuple[str, str]]  # (label, 'row' | 'heading' | 'total')
    columns: list[str]
    headers: list[tuple[str, str]]  # (mission name, years)
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)  # right-hand annotation per row


def tint(colour: str, strength: float = 0.3) -> tuple[float, float, float]:
    """``colour`` mixed with white: a light fill that keeps dark text readable."""
    r, g, b = to_rgb(colour)
    return (1 - strength * (1 - r), 1 - strength * (1 - g), 1 - strength * (1 - b))


#: Narrowest column whose header (a mission name in short lines) stays legible.
MIN_COLUMN_IN = 0.75
_ROW_PT = {"row": 17.0, "heading": 20.0, "total": 20.0}
_CELL = {"fontsize": 9}
_HEAD = {"fontsize": 9}


def _row_positions(grid: Grid) -> tuple[list[float], float]:
    """Centre of each row in points from the top, and the total height.

    A row grows by a line for each extra line of its tallest cell.
    """
    extra = {}
    for (i, _), cell in grid.cells.items():
        extra[i] = max(extra.get(i, 0), cell.text.count("\n"))
    ys, y = [], 2.0
    for i, (_, kind) in enumerate(grid.rows):
        height = _ROW_PT[kind] + 11.0 * extra.get(i, 0)
        ys.append(y + height / 2)
        y += height
    return ys, y + 2.0


def _draw_cells(ax: Axes, grid: Grid, ys: list[float], label_frac: float) -> None:
    """Filled cells with centred text; a rule over each heading, across labels and grid."""
    for i, (_, kind) in enumerate(grid.rows):
        y = ys[i]
        if kind in ("heading", "total"):
            rule_y = y - _ROW_PT[kind] / 2 + (4 if kind == "heading" else 1)
            colour = "#cccccc" if kind == "heading" else "#888888"
            ax.plot(
                [-label_frac, 1],
                [rule_y] * 2,
                transform=ax.get_yaxis_transform(),
                color=colour,
                lw=0.8,
                clip_on=False,
            )
        for j in range(len(grid.columns)):
            cell = grid.cells.get((i, j))
            if cell is None:
                continue
            height = _ROW_PT[kind] + 11.0 * cell.text.count("\n") - 3
            ax.add_patch(
                Rectangle((j - 0.46, y - height / 2), 0.92, height, color=cell.fill, lw=0, zorder=1)
            )
            ax.text(
                j,
                y,
                cell.text,
                ha="center",
                va="center",
                color=cell.colour,
                fontweight="bold" if cell.bold else "normal",
                linespacing=1.05,
                zorder=2,
                **_CELL,
            )


def _draw_row_labels(ax: Axes, grid: Grid, ys: list[float], width_pt: float) -> None:
    """Row labels right-aligned left of the grid; headings bold at the figure margin."""
    for (label, kind), y in zip(grid.rows, ys, strict=True):
        props = {"fontsize": 9} if kind == "row" else {"fontsize": 9.5, "fontweight": "bold"}
        text = fit_lines(ax.figure, label, width_pt, 1, **props)[0]
        ax.annotate(
            text,
            xy=(0, y),
            xycoords=ax.get_yaxis_transform(),
            xytext=(-8, -0.5)
            if kind == "row"
            else (-width_pt - 8, 1 if kind == "heading" else -0.5),
            textcoords="offset points",
            ha="right" if kind == "row" else "left",
            va="center",
            color=TEXT_GREY if kind == "heading" else INK,
            annotation_clip=False,
            **props,
        )


def _draw_notes(ax: Axes, grid: Grid, ys: list[float], width_pt: float, title: str) -> None:
    """Annotations right of the grid under a bold heading, one per row, wrapped."""
    ax.annotate(
        title,
        xy=(1, 1),
        xycoords="axes fraction",
        xytext=(10, 4),
        textcoords="offset points",
        va="bottom",
        fontsize=9,
        fontweight="bold",
        color=INK,
    )
    for i, note in grid.notes.items():
        lines = fit_lines(ax.figure, note, width_pt, 2, fontsize=8.5)
        ax.annotate(
            "\n".join(lines),
            xy=(1, ys[i]),
            xycoords=ax.get_yaxis_transform(),
            xytext=(10, -0.5),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
            fontstyle="italic",
            color=INK,
            linespacing=1.05,
            annotation_clip=False,
        )


def _column_width(fig: Figure, grid: Grid, column_in: float, notes_in: float) -> float:
    """Column width: narrowed when the row labels need room, down to a legible minimum.

    Past that minimum (many columns) the figure grows wider instead; the width
    of ``fig`` is set accordingly.
    """
    labels_pt = max(
        text_size_pt(fig, label, fontsize=9)[0] for label, kind in grid.rows if kind == "row"
    )
    label_in = min(labels_pt + 18, 4.0 * 72) / 72
    free_in = FIG_WIDTH_IN - 2 * MARGIN_IN - notes_in - label_in
    column_in = max(min(column_in, free_in / len(grid.columns)), MIN_COLUMN_IN)
    fig.set_figwidth(
        max(FIG_WIDTH_IN, 2 * MARGIN_IN + notes_in + label_in + column_in * len(grid.columns))
    )
    return column_in


def _style_axes(ax: Axes, headers: list[str], xlabel: str, ylabel: str, left_in: float) -> None:
    """Column headers and the x label on top, no y ticks or spines; the y label heads
    the row labels, at the figure margin just above the first row."""
    ax.xaxis.tick_top()
    ax.set_xticks(range(len(headers)), headers, linespacing=1.1, **_HEAD)
    ax.tick_params(axis="x", length=0, pad=4)
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlabel(xlabel, labelpad=8)
    ax.xaxis.set_label_position("top")
    width_in, height_in = ax.get_position().size * ax.figure.get_size_inches()
    if text_size_pt(ax.figure, xlabel, fontsize=ax.xaxis.label.get_fontsize())[0] > width_in * 72:
        # Wider than a narrow grid: end it at the grid's right edge, over the label
        # column (x only: the axis still places it above the headers).
        ax.xaxis.label.set_x(1.0)
        ax.xaxis.label.set_ha("right")
    ax.set_ylabel(ylabel, rotation=0, ha="left", va="bottom", fontweight="bold")
    ax.yaxis.set_label_coords(-(left_in - MARGIN_IN) / width_in, 1 + 4 / 72 / height_in)


def draw_grid(
    grid: Grid,
    title: str,
    subtitle: str,
    xlabel: str,
    ylabel: str,
    sources: list[str],
    note: str | None,
    column_in: float,
    notes_in: float = 0.0,
    notes_title: str = "",
    alt: str | None = None,
) -> Figure:
    """Lay out and draw ``grid`` in inches: title, headers, rows, notes, source line.

    ``alt`` is the chart's alt text (see :func:`helpers.style.finish`).
    """
    fig = new_figure(FIG_WIDTH_IN, 1.0)
    column_in = _column_width(fig, grid, column_in, notes_in)
    # Column headers: the mission's name in up to four lines, its years below.
    head = [
        "\n".join(
            [*fit_lines(fig, name, column_in * 72 - 4, 4, **_HEAD), *([years] if years else [])]
        )
        for name, years in grid.headers
    ]
    header_pt = max(text_size_pt(fig, h, linespacing=1.1, **_HEAD)[1] for h in head)
    ys, grid_pt = _row_positions(grid)
    fig_w, grid_w = fig.get_figwidth(), column_in * len(grid.columns)
    left = fig_w - MARGIN_IN - notes_in - grid_w
    top_in = 0.75 + 0.3 + header_pt / 72 + 0.1
    fig_h = top_in + grid_pt / 72 + 0.15 + footer_inches(sources, note)
    fig.set_figheight(fig_h)
    add_title(fig, title, subtitle)
    ax = inch_axes(fig, left, fig_h - top_in - grid_pt / 72, grid_w, grid_pt / 72)
    ax.set_xlim(-0.5, len(grid.columns) - 0.5)
    ax.set_ylim(grid_pt, 0)
    _style_axes(ax, head, xlabel, ylabel, left)
    _draw_cells(ax, grid, ys, (left - MARGIN_IN) / grid_w)
    _draw_row_labels(ax, grid, ys, (left - MARGIN_IN) * 72 - 10)
    if grid.notes:
        _draw_notes(ax, grid, ys, notes_in * 72 - 14, notes_title)
    return finish(settle_ticks(fig), sources, note, alt=alt)


def _mission_axis_label(rollup: bool, in_time_order: bool) -> str:
    """What the columns are: missions, rolled up or not, in time or caller's order."""
    label = "Mission (sub-units rolled up)" if rollup else "Mission"
    return label + (", in the order they began" if in_time_order else "")


# --- alt text, from the grid as drawn ------------------------------------------------------


def _column_names(grid: Grid) -> list[str]:
    """Each column's mission as its header reads: 'NTM-I (2004 to 2011)', 'NMI (from 2018)'."""
    names = []
    for name, years in grid.headers:
        start, dash, end = years.partition(EN_DASH)
        span = f"{start} to {end}" if end else f"from {start}" if dash else start
        names.append(f"{name} ({span})" if span else name)
    return names


def _per_column(grid: Grid, counts: list[int], extra: list[str] | None = None) -> list[str]:
    """'NTM-I (2004 to 2011): 14' for each column, with an optional remark each."""
    extra = extra or [""] * len(counts)
    return [
        f"{name}: {n}{remark}"
        for name, n, remark in zip(_column_names(grid), counts, extra, strict=True)
    ]


def _cells(grid: Grid, kind: str = "row") -> list[tuple[int, int, str]]:
    """``(row, column, text)`` of every cell drawn in rows of ``kind``."""
    return [(i, j, c.text) for (i, j), c in sorted(grid.cells.items()) if grid.rows[i][1] == kind]


def _years_added(texts: list[str]) -> list[str]:
    """The years written in cells ('✓ 2008', 'from 2023'), in order: scope added later."""
    return sorted({word for text in texts for word in text.split() if word.isdigit()})


def _category_alt(grid: Grid, ordered: bool, pair: str) -> str:
    """Alt text of the category heatmap: size, totals per mission, the largest cell
    and the areas that the compared pair of missions share."""
    names = _column_names(grid)
    counts = [(i, j, int(t)) for i, j, t in _cells(grid) if t.isdigit()]
    totals = [int(t) for _, _, t in _cells(grid, "total")]
    i, j, top = max(counts, key=lambda c: c[2], default=(0, 0, 0))
    shared = [area for i_ in sorted(grid.notes) for area in grid.notes[i_].split("; ")]
    categories = sum(kind == "row" for _, kind in grid.rows)
    order = ", in the order they began" if ordered else ""
    return compose(
        [
            f"Heatmap of {plural(categories, 'focus category', 'focus categories')} (rows) by"
            f" {plural(len(names), 'mission')} (columns{order});"
            " each cell counts the mission's focus areas in the category, darker for more",
            f"Focus areas in all: {listing(_per_column(grid, totals), 260, sep='; ')}",
            f"Largest cell: {grid.rows[i][0]} for {names[j]}, {top}" if top else "",
            f"{plural(len(shared), 'area')} both {pair} covered, listed on the right:"
            f" {listing(shared, 200)}"
            if shared
            else "",
        ]
    )


def _focus_alt(grid: Grid, ordered: bool) -> str:
    """Alt text of the focus-by-focus grid: size, areas per mission (how many only
    through a sub-unit, or only planned), the widest-shared areas and later additions."""
    cells = _cells(grid)
    areas = sum(kind == "row" for _, kind in grid.rows)
    categories = sum(kind == "heading" for _, kind in grid.rows)
    ticked = [sum(j == c and t != "planned" for _, j, t in cells) for c in range(len(grid.columns))]
    via = [sum(j == c and t.startswith("(") for _, j, t in cells) for c in range(len(grid.columns))]
    remarks = [f" ({n} only through a sub-unit)" if n else "" for n in via]
    planned = sum(t == "planned" for _, _, t in cells)
    per_row = [sum(i == r and t != "planned" for i, _, t in cells) for r in range(len(grid.rows))]
    most = max(per_row, default=0)
    widest = [grid.rows[r][0] for r, n in enumerate(per_row) if n == most]
    added = _years_added([t for _, _, t in cells])
    order = ", in the order they began" if ordered else ""
    return compose(
        [
            f"Grid of {plural(areas, 'focus area')} in"
            f" {plural(categories, 'category', 'categories')} (rows) by"
            f" {plural(len(grid.columns), 'mission')} (columns{order}); a tick where the mission"
            " had the focus",
            f"Areas per mission: {listing(_per_column(grid, ticked, remarks), 260, sep='; ')}",
            f"Shared by the most missions ({most}): {listing(widest, 160)}" if most > 1 else "",
            f"{plural(planned, 'cell says', 'cells say')} only planned at launch"
            if planned
            else "",
            f"Years mark areas added after a mission began: {listing(added, 80)}" if added else "",
        ]
    )


def _institution_alt(grid: Grid, ordered: bool) -> str:
    """Alt text of the institution grid: size and kinds of institution, institutions
    per mission, the kinds of work named most, and what holds through a sub-unit."""
    cells = _cells(grid)
    kinds = [label.lower() for label, kind in grid.rows if kind == "heading"]
    rows = sum(kind == "row" for _, kind in grid.rows)
    per_column = [sum(j == c for _, j, _ in cells) for c in range(len(grid.columns))]
    lines = [line for _, _, t in cells for line in t.split("\n")]
    work = pd.Series(
        [line.strip("()") for line in lines if not line.startswith("from ")], dtype=object
    )
    counted = work.value_counts(sort=False)
    ranked = sorted(range(len(counted)), key=lambda k: -counted.iloc[k])
    work_words = [f"{counted.index[k]} ({counted.iloc[k]})" for k in ranked]
    bracketed = sum(line.startswith("(") for line in lines)
    added = _years_added([line for line in lines if line.startswith("from ")])
    order = ", in the order they began" if ordered else ""
    return compose(
        [
            f"Grid of {plural(rows, 'Iraqi institution')} (rows, grouped by kind:"
            f" {listing(kinds, 160)}) by {plural(len(grid.columns), 'mission')}"
            f" (columns{order}); each cell names how"
            " the mission worked with the institution",
            f"Institutions per mission: {listing(_per_column(grid, per_column), 240, sep='; ')}",
            f"Work named most: {listing(work_words, 160)}" if work_words else "",
            f"{plural(bracketed, 'kind of work', 'kinds of work')} in brackets hold only through a"
            " sub-unit"
            if bracketed
            else "",
            f"Work added after a mission began, from {listing(added, 80)}" if added else "",
        ]
    )


# --- focus areas ---------------------------------------------------------------------------


def focus_links(ds: Dataset, rollup: bool = True) -> pd.DataFrame:
    """``mission_focus`` with each focus area's name and category, rolled up to missions."""
    links = ds.mission_focus.merge(
        ds.focus_areas, on="focus_id", how="left", validate="many_to_one"
    )
    return rolled_up(ds, links, rollup)


def category_label(category: str) -> str:
    """'education_training' -> 'Education and training'; 'law_and_rights' -> 'Law and rights'."""
    words = category.split("_")
    return (" ".join(words) if "and" in words else " and ".join(words)).capitalize()


def _headers(ds: Dataset, columns: Sequence[str]) -> list[tuple[str, str]]:
    return [(mission_label(ds, m), _years(ds, m)) for m in columns]


def _category_grid(ds: Dataset, links: pd.DataFrame, columns: list[str]) -> Grid:
    """Categories x missions: how many focus areas each covers, and a total row."""
    categories = [
        c
        for c in ds.package.table("focus_areas").field("category").enum
        if c in set(links["category"])
    ]
    # A focus named only as planned is not one the mission is known to have had.
    links = links[links["status"] == "reported"]
    counts = links.drop_duplicates(["column", "focus_id"]).pivot_table(
        index="category", columns="column", values="focus_id", aggfunc="count", fill_value=0
    )
    counts = counts.reindex(index=categories, columns=columns, fill_value=0)
    top = max(1, int(counts.to_numpy().max()))
    rows = [(category_label(c), "row") for c in categories]
    grid = Grid([*rows, ("All focus areas", "total")], columns, _headers(ds, columns))
    for i, category in enumerate(categories):
        for j, mission in enumerate(columns):
            n = int(counts.at[category, mission])
            shade = COUNT_CMAP(0.15 + 0.85 * n / top)
            dark = n / top > 0.55  # white text on the darker cells
            grid.cells[(i, j)] = (
                Cell(str(n), shade, "white" if dark else INK)
                if n
                else Cell(EN_DASH, colour="#bbbbbb")
            )
    for j, mission in enumerate(columns):
        total = links.loc[links["column"] == mission, "focus_id"].nunique()
        grid.cells[(len(categories), j)] = Cell(str(total), bold=True)
    grid.notes.update(_shared_notes(links, categories, columns))
    return grid


def _shared_notes(links: pd.DataFrame, categories: list[str], columns: list[str]) -> dict[int, str]:
    """Per category row: the focus areas that both missions of ``COMPARE`` cover."""
    if not set(COMPARE) <= set(columns):
        return {}
    names = [set(links.loc[links["column"] == m, "name"]) for m in COMPARE]
    shared = links[links["name"].isin(names[0] & names[1])]
    notes = {}
    for i, category in enumerate(categories):
        found = sorted(set(shared.loc[shared["category"] == category, "name"]))
        if found:
            notes[i] = "; ".join(found)
    return notes


def added_year(ds: Dataset, links: pd.DataFrame, mission_id: str) -> str:
    """The year ``links`` began, when later than ``mission_id`` itself began; else ''.

    Shown in a cell, it tells when a mission's scope grew (NTM-I's additions of
    December 2008, NMI's widening to the Interior Ministry in 2023).
    """
    start = ds.by_key("missions")["start_date"].get(mission_id)
    dates = links["from_date"].dropna()
    if dates.empty or pd.isna(start):
        return ""
    year = min(str(d)[:4] for d in dates)
    return year if year > str(start)[:4] else ""


def _focus_grid(ds: Dataset, links: pd.DataFrame, columns: list[str]) -> Grid:
    """Focus areas x missions, grouped by category: a tick, bracketed when via a sub-unit."""
    categories = ds.package.table("focus_areas").field("category").enum
    first_column = {m: j for j, m in enumerate(columns)}
    links = links[links["column"].isin(columns)]
    grid = Grid([], columns, _headers(ds, columns))
    for category in categories:
        areas = links[links["category"] == category]
        if areas.empty:
            continue
        grid.rows.append((category_label(category), "heading"))
        # Within a category, areas of the earliest mission first: blocks show who did what.
        order = areas.groupby("name")["column"].agg(lambda c: min(first_column[m] for m in c))
        for name in sorted(order.index, key=lambda n: (order[n], n)):
            grid.rows.append((name, "row"))
            i = len(grid.rows) - 1
            for j, mission in enumerate(columns):
                here = areas[(areas["name"] == name) & (areas["column"] == mission)]
                if here.empty:
                    continue
                if (here["status"] == "planned").all():
                    grid.cells[(i, j)] = Cell("planned", tint(mission_colour(mission), 0.12))
                    continue
                text = "✓" if here["direct"].any() else "(✓)"
                text = f"{text} {added_year(ds, here, mission)}".strip()
                grid.cells[(i, j)] = Cell(text, tint(mission_colour(mission), 0.35))
    return grid


def _focus_subtitle(by: str, rollup: bool, shared: str | None, planned: bool) -> str:
    """How to read the grid, saying only what this call draws."""
    if by == "focus":
        text = "\u2713 the mission had this focus"
        text += "; (\u2713) only through a sub-unit" if rollup else ""
        text += "; 'planned': only planned at launch" if planned else ""
        return text + "; a year: added after the mission began."
    text = "Focus areas per category"
    text += ", sub-units with their mission" if rollup else ""
    text += ", areas only planned at launch not counted." if planned else "."
    return text + (f" Right: areas both {shared} covered." if shared else "")


@house_style
def focus_heatmap(
    ds: Dataset,
    missions: Sequence[str] | None = None,
    by: str = "category",
    title: str = "What each NATO mission in Iraq worked on",
    note: str | None = None,
    rollup: bool = True,
) -> Figure:
    """Missions x focus areas: counts per category (``by='category'``) or every area (``'focus'``).

    ``missions`` picks and orders the columns (after roll-up; default: every
    mission with a focus, in the order they began). ``rollup=False`` keeps
    sub-units as columns of their own.
    """
    if by not in ("category", "focus"):
        raise ValueError(f"by must be 'category' or 'focus', not {by!r}")
    links = focus_links(ds, rollup)
    columns = _columns(ds, links, missions)
    links = links[links["column"].isin(columns)]
    if links.empty:
        raise ValueError("no focus areas for these missions")
    drawn = [*links["mission_focus_id"], *links["focus_id"], *columns]
    make: Callable[[Dataset, pd.DataFrame, list[str]], Grid] = (
        _category_grid if by == "category" else _focus_grid
    )
    grid = make(ds, links, columns)
    wide = by == "category"
    pair = f"{mission_label(ds, COMPARE[0])} and {mission_label(ds, COMPARE[1])}"
    return draw_grid(
        grid,
        title,
        _focus_subtitle(
            by, rollup, pair if grid.notes else None, (links["status"] == "planned").any()
        ),
        xlabel=_mission_axis_label(rollup, missions is None),
        ylabel="Focus category" if wide else "Focus area",
        sources=source_names(ds, drawn),
        note=note,
        column_in=0.85,
        notes_in=2.2 if wide and grid.notes else 0.0,
        notes_title=f"In both {pair}",
        alt=_category_alt(grid, missions is None, pair)
        if wide
        else _focus_alt(grid, missions is None),
    )


# --- institutions --------------------------------------------------------------------------

_RELATION_WORDS = {"helped_establish": "helped set up"}


def institution_links(ds: Dataset, rollup: bool = True) -> pd.DataFrame:
    """``mission_institutions`` with each institution's name and kind, rolled up to missions."""
    links = ds.mission_institutions.merge(
        ds.institutions[["institution_id", "name", "kind"]],
        on="institution_id",
        validate="many_to_one",
    )
    return rolled_up(ds, links, rollup)


def _work_cell(ds: Dataset, here: pd.DataFrame, mission: str) -> Cell:
    """The kinds of work, in codebook order, bracketed when only through a sub-unit,
    and the year it began when later than the mission."""
    words = []
    for relation in ds.package.table("mission_institutions").field("relation").enum:
        rel = here[here["relation"] == relation]
        if not rel.empty:
            word = _RELATION_WORDS.get(relation, relation.replace("_", " "))
            words.append(word if rel["direct"].any() else f"({word})")
    year = added_year(ds, here, mission)
    words += [f"from {year}"] if year else []
    return Cell("\n".join(words), tint(mission_colour(mission), 0.35))


def _institution_grid(ds: Dataset, links: pd.DataFrame, columns: list[str]) -> Grid:
    """Institutions (grouped by kind, by name within) x missions."""
    grid = Grid([], columns, _headers(ds, columns))
    for kind in ds.package.table("institutions").field("kind").enum:
        of_kind = links[links["kind"] == kind]
        if of_kind.empty:
            continue
        grid.rows.append((kind.replace("_", " ").capitalize(), "heading"))
        for name in sorted(set(of_kind["name"])):
            grid.rows.append((name, "row"))
            for j, mission in enumerate(columns):
                here = of_kind[(of_kind["name"] == name) & (of_kind["column"] == mission)]
                if not here.empty:
                    grid.cells[(len(grid.rows) - 1, j)] = _work_cell(ds, here, mission)
    return grid


@house_style
def institution_matrix(
    ds: Dataset,
    missions: Sequence[str] | None = None,
    title: str = "Which Iraqi institutions each NATO mission worked with",
    note: str | None = None,
    rollup: bool = True,
) -> Figure:
    """Iraqi institutions x missions; each cell names the kind of work (advised, trained ...).

    Institutions are grouped by kind; a relation that holds only through a
    sub-unit is bracketed. ``missions`` picks and orders the columns (after
    roll-up; default: every mission with a link, in the order they began).
    """
    links = institution_links(ds, rollup)
    columns = _columns(ds, links, missions)
    links = links[links["column"].isin(columns)]
    if links.empty:
        raise ValueError("no institutions for these missions")
    drawn = [*links["mission_institution_id"], *links["institution_id"], *columns]
    subtitle = "Each cell says how the mission worked with the institution"
    subtitle += "; (brackets): only through a sub-unit" if rollup else ""
    grid = _institution_grid(ds, links, columns)
    return draw_grid(
        grid,
        title,
        subtitle + "; 'from' a year: added after the mission began.",
        xlabel=_mission_axis_label(rollup, missions is None),
        ylabel="Iraqi institution, by kind",
        sources=source_names(ds, drawn),
        note=note,
        column_in=1.3,
        alt=_institution_alt(grid, missions is None),
    )
