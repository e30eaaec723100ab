"""Numbers with their bounds: a dot-and-interval chart of ``figures.csv``.

The sources rarely give a bare number: NATO trained "over 5,000", sent "nearly
2,000" abroad, planned "about 580". :func:`bounded_figures` draws each figure as
the source bounds it, so that a lower bound never looks like a count:

========  =====================================================
bound     mark
========  =====================================================
exact     solid point
about     hollow point on a short tolerance whisker
at_least  solid point with an open-ended arrow to the right
at_most   solid point with an open-ended arrow to the left
range     interval bar between the two ends
========  =====================================================

Beside each mark the source's own wording ("over 5,000") is written out, and a
column on the right gives the status: a planned size or an authorised ceiling
is not a headcount. Figures in different units never share an axis: each unit
gets its own panel, stacked.

The module also holds the small layout helpers that the other evidence charts
(:mod:`helpers.charts.coverage`, :mod:`helpers.charts.focus`) reuse: charts are
laid out in inches, because their text is sized in points and must never
depend on the data's range.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import matplotlib as mpl
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from helpers.charts._alt import compose, listing, plural
from helpers.citations import source_names
from helpers.data import Dataset, mission_parents
from helpers.style import (
    FOOTER_LINE_IN,
    MISSION_COLOURS,
    NEUTRAL,
    TEXT_GREY,
    finish,
    footer_lines,
    house_style,
    mission_colour,
    new_figure,
)
from helpers.wording import figure_wording, number_or_none

# --- layout helpers shared by the evidence charts --------------------------------------

#: Width of every evidence chart: the house style's 16:9 canvas width.
FIG_WIDTH_IN = 10.0
#: Left and right margin of the figure.
MARGIN_IN = 0.15
#: Dark text for labels that carry data (the style's label colour).
INK = "#333333"
#: Faint lines that guide the eye along a row.
GUIDE = "#e6e6e6"


def footer_inches(
    sources: Sequence[str], note: str | None, width: int = 130, credits: Sequence[str] = ()
) -> float:
    """Height that :func:`helpers.style.finish` takes at the bottom of a figure.

    Charts lay out their axes in inches before ``finish`` runs, so they must
    know how tall the source line will be: its lines are the ones ``finish``
    writes (:func:`helpers.style.footer_lines`, which names at most a dozen
    sources), 0.19 in each, plus 0.15 in, above a 0.1 in margin.
    """
    lines = footer_lines(sources, note, width, credits)
    return FOOTER_LINE_IN * len(lines) + 0.25 if lines else 0.0


def inch_axes(fig: Figure, left: float, bottom: float, width: float, height: float) -> Axes:
    """An axes placed in inches from the figure's bottom-left corner."""
    fw, fh = fig.get_size_inches()
    return fig.add_axes((left / fw, bottom / fh, width / fw, height / fh))


def add_title(fig: Figure, title: str, subtitle: str | None = None) -> float:
    """Title (style font, left-aligned at the figure edge) and a grey reading guide.

    A figure title rather than an axes title: the row labels sit left of the
    axes, and the title should start where they start. Returns the inches used.
    """
    fw, fh = fig.get_size_inches()
    fig.suptitle(
        title,
        x=MARGIN_IN / fw,
        y=1 - 0.15 / fh,
        ha="left",
        va="top",
        fontsize=mpl.rcParams["axes.titlesize"],
        fontweight=mpl.rcParams["axes.titleweight"],
    )
    if not subtitle:
        return 0.5
    fig.text(
        MARGIN_IN / fw, 1 - 0.48 / fh, subtitle, ha="left", va="top", fontsize=9.5, color=TEXT_GREY
    )
    return 0.75


def settle_ticks(fig: Figure) -> Figure:
    """Create every tick (and its grid line) now, inside the house style.

    Matplotlib makes ticks lazily, at the first draw, from the style in force
    then: a figure drawn later under another style (pytest-mpl's, a
    notebook's) would get that style's ticks and grid. Made here, they keep
    the house style; later draws copy them.
    """
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            axis.get_major_ticks()
            axis.get_minor_ticks()
    return fig


#: Measured text sizes, by text, properties, dpi and the font settings in force.
#: The charts lay out labels by trying many wrappings of the same words, and
#: measuring (FreeType shaping every glyph) is most of their time.
_SIZE_CACHE: dict[tuple, tuple[float, float]] = {}
_FONT_RC = ("font.family", "font.sans-serif", "font.serif", "font.size", "font.weight")


def text_size_pt(fig: Figure, text: str, **props: object) -> tuple[float, float]:
    """Width and height of ``text`` in points, as it would be drawn on ``fig``."""
    try:
        key = (
            text,
            tuple(sorted(props.items())),
            fig.dpi,
            tuple(str(mpl.rcParams[name]) for name in _FONT_RC),
        )
        hash(key)
    except TypeError:  # a property that cannot be a key: measure every time
        key = None
    if key is not None and key in _SIZE_CACHE:
        return _SIZE_CACHE[key]
    probe = Text(0, 0, text, **props)
    probe.set_figure(fig)
    box = probe.get_window_extent(fig.canvas.get_renderer())
    size = box.width * 72 / fig.dpi, box.height * 72 / fig.dpi
    if key is not None:
        _SIZE_CACHE[key] = size
    return size


def text_width_pt(fig: Figure, text: str, **props: object) -> float:
    """Width of ``text`` in points, as it would be drawn on ``fig``."""
    return text_size_pt(fig, text, **props)[0]


def fit_lines(
    fig: Figure, text: str, width_pt: float, max_lines: int, **props: object
) -> list[str]:
    """``text`` wrapped by measured width into at most ``max_lines``, the last cut with '…'.

    Measured rather than counted in characters, so that a label never runs off
    the figure or into its neighbour, whatever its letters.
    """
    if text_width_pt(fig, text, **props) <= width_pt:
        return [text]
    lines: list[str] = []
    for word in text.split():
        if lines and text_width_pt(fig, f"{lines[-1]} {word}", **props) <= width_pt:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    if len(lines) == 2 and max_lines >= 2:
        lines = _balanced_pair(fig, text.split(), width_pt, **props) or lines
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    # A line still too wide (the last, or one long word) is cut with an ellipsis.
    return [
        line
        if text_width_pt(fig, line, **props) <= width_pt
        else _truncate(fig, line, width_pt, **props)
        for line in lines
    ] or [""]


def _truncate(fig: Figure, text: str, width_pt: float, **props: object) -> str:
    """The longest start of ``text`` that fits ``width_pt`` with an ellipsis.

    A binary search: the width grows with the length, and measuring is slow.
    """

    def cut(k: int) -> str:
        return text[:k].rstrip(" ,;:(") + "…"

    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width_pt(fig, cut(mid), **props) <= width_pt:
            lo = mid
        else:
            hi = mid - 1
    return cut(lo)


def _balanced_pair(fig: Figure, words: list[str], width_pt: float, **props: object) -> list[str]:
    """Two lines of even width, so a label never ends on one orphaned word."""
    best: list[str] = []
    best_width = width_pt
    for i in range(1, len(words)):
        pair = [" ".join(words[:i]), " ".join(words[i:])]
        widest = max(text_width_pt(fig, line, **props) for line in pair)
        if widest <= best_width:
            best, best_width = pair, widest
    return best


def top_mission(ds: Dataset, mission_id: str) -> str:
    """The mission whose colour ``mission_id`` wears: itself, or its nearest parent
    that the house style colours (a division of NTM-I reads as NTM-I)."""
    parent = mission_parents(ds)
    current = mission_id
    while current not in MISSION_COLOURS and current in parent:
        current = parent[current]
    return current if current in MISSION_COLOURS else mission_id


def mission_label(ds: Dataset, mission_id: str) -> str:
    """Short name of a mission: its abbreviation, else its name without 'NATO' and asides."""
    row = ds.by_key("missions").loc[mission_id]
    if pd.notna(row["short_name"]):
        return str(row["short_name"])
    name = str(row["name"])
    acronym = re.search(r"\(([A-Z]{3,})\)$", name)  # '... to Defeat ISIS/Daesh (AWACS)'
    if acronym:
        return acronym.group(1)
    # Asides, the 'NATO' prefix and 'to Iraq' say nothing in a chart about NATO and Iraq.
    name = re.sub(r"\s*\([^)]*\)", "", name)
    name = re.sub(r"^NATO\s+", "", name)
    name = re.sub(r"\s+(to|for|in) Iraq\b(?!\w)", "", name)
    return name[:1].upper() + name[1:]


# --- how each bound maps to a mark ---------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """How one figure is drawn. ``low`` or ``high`` is ``None`` at an open end."""

    bound: str
    low: float | None
    high: float | None
    #: Where the dot sits; ``None`` for a range, drawn as a bar only.
    point: float | None
    filled: bool
    arrow: Literal["left", "right"] | None
    interval: bool
    approximate: bool


def mark_for(bound: str, value_low: object, value_high: object) -> Mark:
    """The mark of a figure bounded as ``bound`` (see the table in the module docstring)."""
    low, high = number_or_none(value_low), number_or_none(value_high)
    if bound == "exact":
        return Mark(bound, low, low, low, True, None, False, False)
    if bound == "about":
        value = low if low is not None else high
        return Mark(bound, value, value, value, False, None, False, True)
    if bound == "at_least":
        # Open upwards: no upper end; the arrow says "more than".
        return Mark(bound, low, None, low, True, "right", False, False)
    if bound == "at_most":
        # Open downwards: no lower end; the arrow says "nearly" or "up to".
        return Mark(bound, None, high, high, True, "left", False, False)
    if bound == "range":
        return Mark(bound, low, high, None, False, None, True, False)
    raise ValueError(f"unknown bound {bound!r}")


# --- choosing and ordering the figures ------------------------------------------------


def _descendants(ds: Dataset, mission_id: str) -> set[str]:
    """A mission and every sub-unit below it."""
    children = ds.missions.groupby("parent_mission_id")["mission_id"].apply(list).to_dict()
    found, todo = set(), [mission_id]
    while todo:
        current = todo.pop()
        found.add(current)
        todo.extend(children.get(current, []))
    return found


def select_figures(
    ds: Dataset,
    figure_ids: Iterable[str] | None = None,
    measure: str | Sequence[str] | None = None,
    mission: str | None = None,
) -> pd.DataFrame:
    """Rows of ``ds.figures`` to draw.

    With no argument: the figures that take part in a recorded discrepancy, the
    numbers whose wording matters most. ``mission`` includes its sub-units.
    """
    figures = ds.figures
    if figure_ids is not None:
        ids = list(dict.fromkeys(figure_ids))
        unknown = sorted(set(ids) - set(figures["figure_id"]))
        if unknown:
            raise KeyError(f"no figures with ids {unknown}")
        figures = figures.set_index("figure_id").loc[ids].reset_index()
    if measure is not None:
        measures = [measure] if isinstance(measure, str) else list(measure)
        figures = figures[figures["measure"].isin(measures)]
    if mission is not None:
        figures = figures[figures["mission_id"].isin(_descendants(ds, mission))]
    if figure_ids is None and measure is None and mission is None:
        figures = figures[figures["figure_id"].isin(set(ds.discrepancy_claims["record_id"]))]
    if figures.empty:
        raise ValueError("no figures match the selection")
    return figures.reset_index(drop=True)


def discrepancy_topics(ds: Dataset) -> dict[str, list[str]]:
    """For each record in a discrepancy, the topics of its discrepancies, in table order."""
    claims = ds.discrepancy_claims.merge(ds.discrepancies, on="discrepancy_id", how="left")
    return claims.groupby("record_id", sort=False)["topic"].apply(list).to_dict()


def _trailing_aside(text: str) -> tuple[str, str]:
    """Split a trailing '(...)' (brackets may nest) from ``text``: (head, aside)."""
    if not text.endswith(")"):
        return text, ""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            return text[:i].rstrip(), text[i + 1 : -1]
    return text, ""


def row_description(description: str, sources: Sequence[str]) -> str:
    """``description`` without a trailing aside that only names its own source.

    Descriptions tell apart rows from different sources with '(S09)' or
    '(NATO NTM-I page (2022) wording)'; a chart that prints the source under
    each row does not need the aside.
    """
    head, aside = _trailing_aside(description)
    names = [re.sub(r"\s*\(.*\)$", "", s).lower() for s in sources]
    is_code = re.search(r"\b(\d{3}|S\d{2})\b", aside)
    if aside and (is_code or any(n and n in aside.lower() for n in names)):
        return head
    return description


@dataclass(frozen=True)
class Row:
    """One line of a panel: a figure, or the heading of a group in a discrepancy."""

    kind: Literal["figure", "heading"]
    #: Centre of the row, in lines from the top of the panel.
    y: float
    height: float
    figure: pd.Series | None = None
    #: The label's lines: a figure's description, or a heading's topic (marked, wrapped).
    description: tuple[str, ...] = ()
    #: For a heading: the discrepancy's topic, as the data gives it.
    text: str = ""
    source: str = ""
    #: For a heading: the other panels that hold figures of the same discrepancy.
    see_also: str = ""


#: The y unit of every panel: one line of 9 pt text, in points.
LINE_PT = 11.0
_ROW_GAP = 0.6  # lines between two figure rows
_HEADING_LINES = 1.35
_DESC = {"fontsize": 9, "linespacing": 1.15}
_HEADING = {"fontsize": 9, "fontstyle": "italic", "linespacing": 1.15}
#: What a group heading starts with: the figures under it are versions that differ.
HEADING_MARK = "\u2260 "
_SOURCE = {"fontsize": 8.5}


def _panel_rows(
    ds: Dataset, fig: Figure, figures: pd.DataFrame, topics: dict[str, list[str]], width_pt: float
) -> list[Row]:
    """Rows of one unit's panel, the figures of one discrepancy grouped under its topic.

    Groups follow the date the figures refer to, so a panel reads in time order.
    A row is as tall as its measured label (description over source), so two
    rows' labels never touch.
    """
    figures = figures.assign(
        _when=figures["ref_start"].fillna("9999"),
        _group=[topics.get(f, [f])[0] for f in figures["figure_id"]],
    ).sort_values(["_when", "figure_id"], kind="stable")
    rows, y = [], 0.45
    for group in dict.fromkeys(figures["_group"]):
        if group not in set(figures["figure_id"]):
            # A long topic wraps (measured, like the labels), and its row grows to hold it.
            lines = tuple(fit_lines(fig, HEADING_MARK + group, width_pt, 2, **_HEADING))
            extra_pt = text_size_pt(fig, "\n".join(lines), **_HEADING)[1]
            extra_pt -= text_size_pt(fig, lines[0], **_HEADING)[1]
            height = _HEADING_LINES + extra_pt / LINE_PT
            rows.append(Row("heading", y + height / 2, height, description=lines, text=group))
            y += height
        for _, fig_row in figures[figures["_group"] == group].iterrows():
            names = source_names(ds, [fig_row["figure_id"]])
            text = row_description(fig_row["description"], names)
            desc = fit_lines(fig, text, width_pt, 2, **_DESC)
            source = fit_lines(fig, "; ".join(names), width_pt, 1, **_SOURCE)[0]
            label_pt = text_size_pt(fig, "\n".join(desc), **_DESC)[1]
            label_pt += text_size_pt(fig, source, **_SOURCE)[1] + 1.0
            height = label_pt / LINE_PT
            row = Row("figure", y + height / 2, height, fig_row, tuple(desc), source=source)
            rows.append(row)
            y += height + _ROW_GAP
    return rows


def _link_split_discrepancies(panels: dict[str, list[Row]]) -> dict[str, list[Row]]:
    """Point each discrepancy heading to the other panels holding figures of it.

    Sources that disagree may count different things ('2,000 people' against
    '2,000 courses'), so one discrepancy can sit in several unit panels; the
    heading says where its other side is, and whether that panel is below or above.
    """
    order = list(panels)
    units_of: dict[str, list[str]] = {}
    for unit, rows in panels.items():
        for row in rows:
            if row.kind == "heading":
                units_of.setdefault(row.text, []).append(unit)

    def see_also(topic: str, unit: str) -> str:
        others = [u for u in units_of[topic] if u != unit]
        arrows = ["\u2193" if order.index(u) > order.index(unit) else "\u2191" for u in others]
        parts = [f"{u.replace('_', ' ')} {arrow}" for u, arrow in zip(others, arrows, strict=True)]
        return f"see also: {', '.join(parts)}" if parts else ""

    return {
        unit: [
            replace(r, see_also=see_also(r.text, unit)) if r.kind == "heading" else r for r in rows
        ]
        for unit, rows in panels.items()
    }


def _panel_lines(rows: list[Row]) -> float:
    """Lines a panel needs: down to the last row's lower edge, plus a margin."""
    return rows[-1].y + rows[-1].height / 2 + 0.35


# --- drawing ------------------------------------------------------------------------

_ARROW_PT = 22.0  # an open end's arrow, in points: a direction, not an amount
_MARKER = 7.5
_LABEL_GAP_PT = 5.0


def mark_extent(mark: Mark) -> tuple[float, float]:
    """Points a mark takes left and right of its anchor (the dot, or a range's upper end)."""
    if mark.interval:
        return _MARKER / 2, _MARKER / 2
    side = 9.5 if mark.approximate else _MARKER / 2 + 1  # a whisker is wider than the dot
    left = _ARROW_PT if mark.arrow == "left" else side
    right = _ARROW_PT if mark.arrow == "right" else side
    return left, right


def draw_mark(ax: Axes, mark: Mark, y: float, colour: str) -> tuple[float, float]:
    """Draw ``mark`` on row ``y``; return the points it takes left and right of its anchor.

    The anchor is the dot, or a range's upper end. Arrows and whiskers are sized
    in points, not data: they show a direction or fuzziness, and must not claim
    a width that the source never gave.
    """
    if mark.interval:
        ax.plot(
            [mark.low, mark.high], [y, y], color=colour, lw=2.2, solid_capstyle="butt", zorder=3
        )
        ax.plot(
            [mark.low, mark.high],
            [y, y],
            ls="none",
            marker="|",
            ms=11,
            mew=2.2,
            color=colour,
            zorder=3,
        )
        return mark_extent(mark)
    if mark.approximate:
        ax.plot([mark.point], [y], marker="_", ms=19, mew=1.5, color=colour, zorder=3)
    if mark.arrow:
        sign = 1 if mark.arrow == "right" else -1
        # '<|-' puts the head at the far end: the value is the tail, the arrow points on.
        ax.annotate(
            "",
            xy=(mark.point, y),
            xytext=(sign * _ARROW_PT, 0),
            textcoords="offset points",
            arrowprops={
                "arrowstyle": "<|-",
                "color": colour,
                "lw": 1.8,
                "shrinkA": 0,
                "shrinkB": 0,
                "mutation_scale": 11,
            },
            annotation_clip=False,
            zorder=3,
        )
    face = colour if mark.filled else "white"
    # Edge colours are pinned: 'auto' edges turn black when drawn in classic mode.
    ax.plot(
        [mark.point],
        [y],
        marker="o",
        ms=_MARKER,
        mew=1.8,
        color=colour,
        mec=colour,
        mfc=face,
        zorder=4,
    )
    return mark_extent(mark)


def _status_props(status: str) -> dict[str, object]:
    """Achieved numbers in grey; plans, ceilings and announcements in bold ink."""
    if status == "achieved":
        return {"color": TEXT_GREY}
    return {"color": INK, "fontweight": "bold"}


def _draw_row_label(ax: Axes, row: Row) -> None:
    """Description (ink) over its source (grey), centred on the row, left of the axes."""
    half_pt = row.height * LINE_PT / 2
    where = {
        "xy": (0, row.y),
        "xycoords": ax.get_yaxis_transform(),
        "textcoords": "offset points",
        "ha": "right",
        "annotation_clip": False,
    }
    ax.annotate(
        "\n".join(row.description), xytext=(-10, half_pt), va="top", color=INK, **_DESC, **where
    )
    ax.annotate(
        row.source, xytext=(-10, -half_pt), va="bottom", color=TEXT_GREY, **_SOURCE, **where
    )


def fit_xlim(ax: Axes, needs: list[tuple[float, float, float]], log: bool) -> None:
    """Set the x range so that every mark and its label fits inside the axes.

    ``needs`` holds (x, points needed left of x, points needed right of x).
    Text is sized in points, so the range is solved for, not guessed: the upper
    end rises until the widest label fits; on a log axis the lower end also
    drops to make room for left arrows, on a linear axis it stays at zero.
    """
    width_pt = ax.get_position().width * ax.figure.get_figwidth() * 72
    f = math.log10 if log else float
    pad = 4.0
    values = [f(x) for x, _, _ in needs]
    lo = min(values) - 0.1 if log else 0.0
    hi = max(max(values), lo + 1e-9)
    for _ in range(100):
        # Right: p(x) + need <= width, where p(x) = (f(x) - lo) / (hi - lo) * width.
        new_hi = max(
            lo + (v - lo) / (1 - (r + pad) / width_pt)
            for v, (_, _, r) in zip(values, needs, strict=True)
        )
        new_lo = lo
        if log:  # Left: p(x) >= need, solved for lo.
            a = [(left + pad) / width_pt for _, left, _ in needs]
            new_lo = min(
                lo, *((v - ai * new_hi) / (1 - ai) for v, ai in zip(values, a, strict=True))
            )
        new_hi = max(hi, new_hi)
        if abs(new_hi - hi) < 1e-6 and abs(new_lo - lo) < 1e-6:
            break
        lo, hi = new_lo, new_hi
    ax.set_xlim((10**lo, 10**hi) if log else (lo, hi))


def _format_axis(ax: Axes, unit: str, log: bool) -> str:
    """Ticks for ``unit`` on the axis's final range; returns the x-axis label.

    Call after the range is set: how many log ticks fit depends on the span.
    """
    label = unit.replace("_", " ").capitalize()
    if unit == "euro":
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"€{v / 1e6:,.0f}m"))
        label = "Euro"
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    if log:
        lo, hi = ax.get_xlim()
        decades = math.log10(hi / lo)
        subs = (1.0, 2.0, 5.0) if decades <= 2.3 else (1.0, 3.0) if decades <= 3.3 else (1.0,)
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=subs))
        ax.xaxis.set_minor_formatter(NullFormatter())
        label += " (log scale)"
    elif unit != "euro":
        # Counts are whole numbers: no tick at 0.5 of a team.
        ax.xaxis.set_major_locator(
            MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True)
        )
    return label


def _wants_log(figures: list[pd.Series]) -> bool:
    """Log scale when the values span more than ~1.5 orders of magnitude."""
    values = [
        v
        for f in figures
        for v in (number_or_none(f["value_low"]), number_or_none(f["value_high"]))
        if v
    ]
    return len(values) > 1 and max(values) / min(values) >= 50


def _draw_heading(ax: Axes, row: Row) -> None:
    """A group heading: the topic on which the grouped figures' sources differ,
    left of the axis; inside it, where the discrepancy's other figures are."""
    # (text, offset in points from the axis, alignment, size); the topic as
    # _panel_rows wrapped it to the row labels' width.
    topic = "\n".join(row.description) or HEADING_MARK + row.text
    parts = [(topic, -10, "right", 9)]
    if row.see_also:
        parts.append((row.see_also, 6, "left", 8.5))
    for text, dx, ha, size in parts:
        ax.annotate(
            text, xy=(0, row.y), xycoords=ax.get_yaxis_transform(), xytext=(dx, -1),
            textcoords="offset points", ha=ha, va="center", fontsize=size,
            fontstyle="italic", color=TEXT_GREY, linespacing=1.15, annotation_clip=False,
        )  # fmt: skip


def _draw_panel(ax: Axes, unit: str, rows: list[Row], colours: dict[str, str]) -> None:
    """One unit's panel: guide line, mark, wording, row label and status per figure."""
    figures = [r.figure for r in rows if r.kind == "figure"]
    log = _wants_log(figures)
    if log:
        ax.set_xscale("log")
    needs = []
    for row in rows:
        if row.kind == "heading":
            _draw_heading(ax, row)
            continue
        fig_row = row.figure
        mark = mark_for(fig_row["bound"], fig_row["value_low"], fig_row["value_high"])
        colour = colours.get(fig_row["mission_id"], NEUTRAL)
        ax.axhline(row.y, color=GUIDE, lw=0.8, zorder=1)
        left_pt, right_pt = draw_mark(ax, mark, row.y, colour)
        anchor = mark.high if mark.interval else mark.point
        wording = figure_wording(fig_row, with_unit=False)
        ax.annotate(
            wording,
            xy=(anchor, row.y),
            xytext=(right_pt + _LABEL_GAP_PT, -0.5),
            textcoords="offset points",
            va="center",
            fontsize=9.5,
            color=INK,
            annotation_clip=False,
        )
        # Text widths are in points: measure the label, then solve for the x range.
        label_pt = text_width_pt(ax.figure, wording, fontsize=9.5)
        needs.append((anchor, left_pt, right_pt + _LABEL_GAP_PT + label_pt))
        if mark.interval:
            needs.append((mark.low, _MARKER, _MARKER))
        _draw_row_label(ax, row)
        ax.annotate(
            fig_row["status"],
            xy=(1, row.y),
            xycoords=ax.get_yaxis_transform(),
            xytext=(12, -0.5),
            textcoords="offset points",
            va="center",
            fontsize=9,
            annotation_clip=False,
            **_status_props(fig_row["status"]),
        )
    fit_xlim(ax, needs, log)
    ax.set_xlabel(_format_axis(ax, unit, log), labelpad=3)
    ax.set_ylim(_panel_lines(rows), 0)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="x", length=3, pad=2)


def _head_panel(ax: Axes, unit: str, left_in: float, status: bool) -> None:
    """The panel's heading (its y label, set above the row labels) and the status header.

    The rows are figures in one unit, so the y label names the unit; it starts
    at the figure margin, where the row labels start.
    """
    ax.set_ylabel(
        f"Figures in {unit.replace('_', ' ')}",
        rotation=0,
        ha="left",
        va="bottom",
        fontweight="bold",
    )
    width_in, height_in = ax.get_position().size * ax.figure.get_size_inches()
    ax.yaxis.set_label_coords(-(left_in - MARGIN_IN) / width_in, 1 + 3 / 72 / height_in)
    if status:
        ax.annotate(
            "Status",
            xy=(1, 1),
            xycoords="axes fraction",
            xytext=(12, 3),
            textcoords="offset points",
            va="bottom",
            fontsize=9,
            fontweight="bold",
            color=INK,
        )


# The key shows one sample of each bound, mapped by mark_for and drawn by draw_mark
# like the data, so key and chart cannot drift apart.
_KEY_BOUNDS = [
    ("exact", "exact"),
    ("about", "about"),
    ("at_least", "at least (over, more than)"),
    ("at_most", "at most (nearly, up to)"),
    ("range", "range"),
]
_KEY_BAR_PT = 18.0  # length of the sample range bar
_KEY_ROW_IN = 0.24
_KEY_FONT = {"fontsize": 9}


@dataclass(frozen=True)
class KeyEntry:
    """One item of the key: a sample mark, a mission swatch, or a grey caption."""

    label: str
    mark: Mark | None = None
    colour: str | None = None
    new_row: bool = False


def _key_entries(missions: list[tuple[str, str]], headings: bool) -> list[KeyEntry]:
    """Marks, then mission colours, then (when drawn) what a '\u2260' heading means."""
    entries = [KeyEntry(label, mark=mark_for(bound, 0, 0)) for bound, label in _KEY_BOUNDS]
    entries.append(KeyEntry("Colour: mission", new_row=True))
    entries += [KeyEntry(name, colour=colour) for name, colour in missions]
    if headings:
        entries.append(KeyEntry("\u2260  heads figures on which the sources differ"))
    return entries


def _sample_extent(entry: KeyEntry) -> tuple[float, float]:
    """Points a key sample takes left and right of its anchor."""
    if entry.mark is None:
        return (0.0, _MARKER / 2) if entry.colour else (0.0, -_LABEL_GAP_PT)
    left, right = mark_extent(entry.mark)
    return (left + _KEY_BAR_PT, right) if entry.mark.interval else (left, right)


def _key_layout(
    fig: Figure, entries: list[KeyEntry], width_in: float
) -> list[list[tuple[KeyEntry, float]]]:
    """Key entries in rows, left to right, wrapping before the width runs out."""
    rows: list[list[tuple[KeyEntry, float]]] = [[]]
    x = 0.05
    for entry in entries:
        left, right = _sample_extent(entry)
        width = (left + right + _LABEL_GAP_PT + text_width_pt(fig, entry.label, **_KEY_FONT)) / 72
        if rows[-1] and (entry.new_row or x + width > width_in):
            rows.append([])
            x = 0.05
        rows[-1].append((entry, x + left / 72))
        x += width + 0.25
    return rows


def _draw_key(ax: Axes, rows: list[list[tuple[KeyEntry, float]]]) -> None:
    """Draw the laid-out key in an axes measured in inches, samples by draw_mark itself."""
    width = ax.get_position().width * ax.figure.get_figwidth()
    ax.set_xlim(0, width)
    ax.set_ylim(len(rows) * _KEY_ROW_IN, 0)
    ax.axis("off")
    for r, row in enumerate(rows):
        y = (r + 0.5) * _KEY_ROW_IN
        for entry, x in row:
            _, right = _sample_extent(entry)
            if entry.mark is not None:
                ends = {"low": x - _KEY_BAR_PT / 72, "high": x} if entry.mark.interval else {}
                point = None if entry.mark.interval else x
                low = ends.get("low", None if entry.mark.low is None else x)
                high = ends.get("high", None if entry.mark.high is None else x)
                draw_mark(ax, replace(entry.mark, low=low, high=high, point=point), y, INK)
            elif entry.colour:
                ax.plot(
                    [x],
                    [y],
                    marker="o",
                    ms=_MARKER,
                    color=entry.colour,
                    mec=entry.colour,
                    ls="none",
                )
            ax.annotate(
                entry.label,
                xy=(x, y),
                xytext=(right + _LABEL_GAP_PT, -0.5),
                textcoords="offset points",
                va="center",
                color=INK if entry.mark or entry.colour else TEXT_GREY,
                **_KEY_FONT,
            )


def _key_missions(ds: Dataset, figures: pd.DataFrame) -> list[tuple[str, str]]:
    """(label, colour) of each mission whose colour appears, in the order drawn."""
    tops = [top_mission(ds, m) for m in figures["mission_id"].dropna()]
    key = [(mission_label(ds, m), mission_colour(m)) for m in dict.fromkeys(tops)]
    if figures["mission_id"].isna().any():
        key.append(("none", NEUTRAL))
    return list(dict.fromkeys(key))


#: How the alt text words each bound, with the mark that draws it.
_BOUND_ALT = {
    "exact": ("exact", "exact"),
    "about": ("approximate", "approximate"),
    "at_least": ("lower bound (arrow to the right)", "lower bounds (arrow to the right)"),
    "at_most": ("upper bound (arrow to the left)", "upper bounds (arrow to the left)"),
    "range": ("range (a bar)", "ranges (bars)"),
}


def _unit_span(unit: str, figures: pd.DataFrame) -> str:
    """'personnel (9 figures) from about 50 to over 10,000', in the sources' words."""
    low = figures["value_low"].fillna(figures["value_high"]).astype(float)
    high = figures["value_high"].fillna(figures["value_low"]).astype(float)
    smallest, largest = figures.loc[low.idxmin()], figures.loc[high.idxmax()]
    words = unit.replace("_", " ")
    if len(figures) == 1:
        return f"{words}: {figure_wording(smallest, with_unit=False)}"
    return (
        f"{words} ({len(figures)} figures) from {figure_wording(smallest, with_unit=False)}"
        f" to {figure_wording(largest, with_unit=False)}"
    )


def _alt_text(figures: pd.DataFrame, units: list[str], panels: dict[str, list[Row]]) -> str:
    """Alt text of the chart: how many figures in which units, where the sources
    differ, the smallest and largest number of each panel, the bounds and the plans."""
    topics = list(
        dict.fromkeys(r.text for rows in panels.values() for r in rows if r.kind == "heading")
    )
    bounds = {b: int(n) for b, n in figures["bound"].value_counts().items()}
    bound_words = [
        f"{bounds[b]} {_BOUND_ALT[b][bounds[b] != 1]}" for b in _BOUND_ALT if b in bounds
    ]
    plans = figures.loc[figures["status"] != "achieved", "status"].value_counts()
    plan_words = [f"{n} {status}" for status, n in plans.items()]
    n_plans = int(plans.sum())
    plan_kind = (
        "1 figure is a plan, a ceiling or an announcement, not a headcount"
        if n_plans == 1
        else f"{n_plans} figures are plans, ceilings or announcements, not headcounts"
    )
    return compose(
        [
            f"Dot-and-interval chart of {plural(len(figures), 'figure')} as their sources word"
            f" them, in {plural(len(units), 'panel')} by unit",
            f"The sources differ on {plural(len(topics), 'topic')}, each a heading over its rows:"
            f" {listing(topics, 200, sep='; ')}"
            if topics
            else "",
            "Values by unit: "
            + listing((_unit_span(u, figures[figures["unit"] == u]) for u in units), 220, "; "),
            f"Marks: {listing(bound_words, 160)}",
            f"{plan_kind} ({listing(plan_words, 80)})" if n_plans else "",
        ]
    )


@house_style
def bounded_figures(
    ds: Dataset,
    figure_ids: Iterable[str] | None = None,
    measure: str | Sequence[str] | None = None,
    mission: str | None = None,
    title: str = "How the sources bound their numbers",
    note: str | None = None,
) -> Figure:
    """Dot-and-interval chart of figures with their bounds, one panel per unit.

    ``figure_ids``, ``measure`` and ``mission`` (with its sub-units) narrow the
    selection; with none of them the chart shows the figures involved in a
    recorded discrepancy. Each row gives the figure's description and source;
    beside the mark, the source's wording; on the right, its status.
    """
    figures = select_figures(ds, figure_ids, measure, mission)
    topics = discrepancy_topics(ds)
    units = [u for u in ds.package.table("figures").field("unit").enum if u in set(figures["unit"])]
    sources = source_names(ds, figures["figure_id"])
    # Layout in inches, top down: title and key, then per panel a header, the
    # rows and the x axis, and the footer for finish() at the bottom. Labels are
    # measured first, on the figure itself, so every row is as tall as it needs.
    fig = new_figure(FIG_WIDTH_IN, 1.0)
    # The status column on the right is as wide as its widest word.
    status_pt = max(text_width_pt(fig, s, fontsize=9, fontweight="bold") for s in figures["status"])
    left, right = 3.95, FIG_WIDTH_IN - MARGIN_IN - (status_pt + 14) / 72
    label_pt = (left - MARGIN_IN) * 72 - 12
    panels = _link_split_discrepancies(
        {u: _panel_rows(ds, fig, figures[figures["unit"] == u], topics, label_pt) for u in units}
    )
    heights = {u: _panel_lines(rows) * LINE_PT / 72 for u, rows in panels.items()}
    key_w = FIG_WIDTH_IN - 2 * MARGIN_IN
    headings = any(r.kind == "heading" for rows in panels.values() for r in rows)
    key = _key_layout(fig, _key_entries(_key_missions(ds, figures), headings), key_w)
    title_in, key_in = 0.75, len(key) * _KEY_ROW_IN
    above_in, below_in = 0.3, 0.55
    body_in = sum(heights.values()) + (above_in + below_in) * len(units)
    fig_h = title_in + key_in + 0.1 + body_in + footer_inches(sources, note)
    fig.set_figheight(fig_h)
    add_title(
        fig,
        title,
        "One number per row, in its source's words. Status on the right: bold for a plan, "
        "a ceiling or an announcement, which is not a headcount.",
    )
    _draw_key(inch_axes(fig, MARGIN_IN, fig_h - title_in - key_in, key_w, key_in), key)
    top = fig_h - title_in - key_in - 0.1

    colours = {m: mission_colour(top_mission(ds, m)) for m in ds.missions["mission_id"]}
    for i, unit in enumerate(units):
        ax = inch_axes(fig, left, top - above_in - heights[unit], right - left, heights[unit])
        _draw_panel(ax, unit, panels[unit], colours)
        _head_panel(ax, unit, left, status=i == 0)
        top -= above_in + heights[unit] + below_in
    return finish(settle_ticks(fig), sources, note, alt=_alt_text(figures, units, panels))
