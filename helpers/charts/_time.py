"""Date geometry shared by the time charts.

A date in the dataset is known to the day, the month or the year (see
:mod:`helpers.dates`). On a chart a date is therefore an *interval of days*,
and the edge of a bar is drawn across that interval, fading in (a start) or out
(an end) and hatched, instead of as a sharp line that would claim a precision
the sources do not give. A start or end that no source states is drawn as a
short dotted stub ending in "?", and an activity still described as ongoing
ends in an arrowhead at a fixed "as of" date, so a chart never depends on the
day it is drawn.

The geometry (:func:`bar_segments`) is pure date arithmetic and is unit-tested;
:func:`draw_bar` turns it into matplotlib patches. Day ``d`` covers the instant
range ``[d, d + 1 day)``, so a bar that ends on 31 Dec 2011 is drawn to the end
of that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path
from matplotlib.text import Text

from helpers import dates
from helpers.data import Dataset
from helpers.dates import parse_partial_date
from helpers.style import TEXT_GREY, lay_out

ONE_DAY = dt.timedelta(days=1)

#: A fixed "today" for the low-level bar helpers when no date is given. The
#: charts use :func:`edition_as_of` instead: the day of the latest fact.
DEFAULT_AS_OF = dt.date(2026, 11, 26)
#: Where the latest fact of an edition is looked for: what happened, and when
#: a source last reported a mission or a post.
_AS_OF_COLUMNS = (
    ("events", "date"),
    ("missions", "last_reported"),
    ("appointments", "from_date"),
    ("appointments", "to_date"),
)


def edition_as_of(ds: Dataset) -> dt.date:
    """The edition's as-of date: the first day of the latest dated fact in the data.

    Ongoing activities are drawn up to this day, so a chart never runs past
    what the sources report. It comes from the data, never from the clock: the
    same data draws the same chart on every run. A fact dated only to a month
    or a year counts from its first day (it may be no later than that).
    """
    days = [
        parse_partial_date(text).earliest
        for table, column in _AS_OF_COLUMNS
        for text in ds[table][column].dropna()
    ]
    return max(days, default=DEFAULT_AS_OF)


#: How far a start or end that no source states is drawn beyond what is known.
UNKNOWN_STUB = dt.timedelta(days=365)

SegmentKind = Literal[
    "certain", "fade_in", "fade_out", "unknown_start", "unknown_end", "undated", "unconfirmed"
]


@dataclass(frozen=True)
class Segment:
    """One piece of a bar: ``kind`` over the instants ``[start, stop)``."""

    kind: SegmentKind
    start: dt.date
    stop: dt.date


@dataclass(frozen=True)
class BarGeometry:
    """The pieces of one bar, and whether it ends in an 'ongoing' arrowhead."""

    segments: tuple[Segment, ...]
    ongoing: bool

    @property
    def start(self) -> dt.date:
        """Where the drawn bar begins (its first piece, whatever its kind)."""
        return min(s.start for s in self.segments)

    @property
    def stop(self) -> dt.date:
        """Where the drawn bar ends (its last piece, whatever its kind)."""
        return max(s.stop for s in self.segments)


# --- Partial dates as intervals -------------------------------------------------


def covered_days(text: str) -> tuple[dt.date, dt.date]:
    """First and last day a partial date can mean: ``2018-10`` gives 1 and 31 Oct 2018."""
    parsed = parse_partial_date(text)
    return parsed.earliest, parsed.latest


def day_span(text: str) -> tuple[dt.date, dt.date]:
    """Half-open instant range ``[first day, day after the last day)`` of a partial date.

    This is what gets drawn: ``2004`` spans from the start of 1 Jan 2004 to the
    end of 31 Dec 2004.
    """
    first, last = covered_days(text)
    return first, last + ONE_DAY


def is_exact(text: str) -> bool:
    """True when the date is known to the day, without a hedge."""
    return parse_partial_date(text).is_exact


def x_of(day: dt.date) -> float:
    """Matplotlib's date number (days since its epoch) for the start of ``day``."""
    return float(mdates.date2num(day))


def date_label(text: str) -> str:
    """A partial date written at its own precision (see :func:`helpers.dates.date_label`)."""
    return dates.date_label(text)


def day_label(day: dt.date) -> str:
    """'28 Jun 2004' (no leading zero, on every platform)."""
    return f"{day.day} {day:%b %Y}"


def bound_day(value: str | dt.date | None, side: Literal["start", "end"]) -> dt.date | None:
    """A filter bound: a partial date's first day (``start``) or day after its last (``end``).

    ``end="2011"`` therefore includes all of 2011, as a reader expects.
    """
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value if side == "start" else value + ONE_DAY
    first, stop = day_span(value)
    return first if side == "start" else stop


# --- Bar geometry ---------------------------------------------------------------


def _clip(day: dt.date, low: dt.date | None, high: dt.date | None) -> dt.date:
    """``day`` moved into ``[low, high]`` (either bound may be missing)."""
    if low is not None and day < low:
        day = low
    if high is not None and day > high:
        day = high
    return day


def _start_side(
    start: str | None, evidence: Sequence[tuple[dt.date, dt.date]]
) -> tuple[dt.date | None, dt.date | None]:
    """``(fade_from, certain_from)`` for the start of a bar.

    A start known to the day has no fade; a month or year fades across its
    days. With no start, the bar is certain from the end of the earliest piece
    of evidence (it must have begun by then) and the fade is left unknown.
    """
    if start is not None:
        first, stop = day_span(start)
        return (None, first) if is_exact(start) else (first, stop)
    if evidence:
        return None, min(last for _, last in evidence)
    return None, None


def _end_side(
    end: str | None, evidence: Sequence[tuple[dt.date, dt.date]]
) -> tuple[dt.date | None, dt.date | None]:
    """``(certain_until, fade_until)`` for the end of a bar, mirroring :func:`_start_side`.

    With no end, the bar is certain at least to the day after the start of the
    latest piece of evidence (it was still running on some day from then).
    """
    if end is not None:
        first, stop = day_span(end)
        return (stop, None) if is_exact(end) else (first, stop)
    if evidence:
        return max(first for first, _ in evidence) + ONE_DAY, None
    return None, None


def _certain_core(
    start: str | None,
    end: str | None,
    ongoing: bool,
    certain_from: dt.date | None,
    certain_to: dt.date | None,
) -> tuple[dt.date, dt.date]:
    """The certain middle of a bar once both sides are known or anchored (not both missing).

    With one side anchored only, the other is the same instant, or the end of
    the start day when that day is known (it ran on that day). When the sides
    cross, the one that carries no information gives way, and two stated but
    overlapping edges (start and end in one year) meet halfway.
    """
    certain_from = certain_from if certain_from is not None else certain_to
    assert certain_from is not None
    if certain_to is None:
        exact_start = start is not None and is_exact(start)
        certain_to = certain_from + ONE_DAY if exact_start else certain_from
    if certain_from <= certain_to:
        return certain_from, certain_to
    if end is None and start is not None and not ongoing:
        return certain_from, certain_from  # older evidence says nothing about the end
    if start is None and end is not None:
        return certain_to, certain_to
    middle = certain_to + (certain_from - certain_to) / 2
    return middle, middle


def bar_segments(
    start: str | None,
    end: str | None,
    *,
    ongoing: bool = False,
    as_of: dt.date = DEFAULT_AS_OF,
    floor: dt.date | None = None,
    ceiling: dt.date | None = None,
    evidence: Sequence[tuple[dt.date, dt.date]] = (),
    stub: dt.timedelta = UNKNOWN_STUB,
    confirmed_to: dt.date | None = None,
) -> BarGeometry:
    """Split a period with partial or missing dates into drawable pieces.

    ``start``/``end`` are partial ISO dates or ``None`` (not stated). ``ongoing``
    means a missing end is "still running", drawn to ``as_of``. ``floor`` and
    ``ceiling`` are the earliest and latest instants the period can cover (the
    parent mission, the predecessor and successor of a commander); uncertain
    intervals are narrowed to them, since nothing can start before its parent.
    ``evidence`` lists ``(first, last)`` days on which the activity is known to
    have been running (its events); it anchors a bar whose start or end is
    missing. ``confirmed_to``, for an ongoing activity, is the last day a
    source shows it running: the bar is certain up to it and drawn as
    unconfirmed from there to ``as_of``.
    """
    ceiling = min(ceiling or as_of + ONE_DAY, as_of + ONE_DAY)
    fade_from, certain_from = _start_side(start, evidence)
    if ongoing:
        certain_to = (confirmed_to + ONE_DAY) if confirmed_to else as_of + ONE_DAY
        fade_to = None
    else:
        certain_to, fade_to = _end_side(end, evidence)

    if certain_from is None and certain_to is None:
        # Nothing dated at all: the whole possible range is drawn as undated.
        low = floor if floor is not None else ceiling - stub
        return BarGeometry((Segment("undated", low, ceiling),), ongoing=False)
    certain_from, certain_to = _certain_core(start, end, ongoing, certain_from, certain_to)
    certain_from = _clip(certain_from, floor, ceiling)
    certain_to = _clip(certain_to, certain_from, ceiling)

    pieces: list[Segment] = []
    if fade_from is not None:
        pieces.append(Segment("fade_in", _clip(fade_from, floor, certain_from), certain_from))
    elif start is None:
        low = certain_from - stub if floor is None else max(floor, certain_from - stub)
        pieces.append(Segment("unknown_start", low, certain_from))
    pieces.append(Segment("certain", certain_from, certain_to))
    if fade_to is not None:
        pieces.append(Segment("fade_out", certain_to, _clip(fade_to, certain_to, ceiling)))
    elif end is None and not ongoing:
        pieces.append(Segment("unknown_end", certain_to, min(ceiling, certain_to + stub)))
    elif ongoing and certain_to < ceiling:
        pieces.append(Segment("unconfirmed", certain_to, ceiling))
    # Zero-length fades draw nothing and go. The certain piece stays, so even a
    # single known day is shown, and so do unstated ends squeezed to nothing by
    # a ceiling: their "?" still says the source gives no date.
    kept = tuple(p for p in pieces if p.stop > p.start or not p.kind.startswith("fade"))
    return BarGeometry(kept, ongoing=ongoing)


# --- Drawing --------------------------------------------------------------------

#: Hatch of an uncertain edge, so it reads without colour.
FADE_HATCH = "////"
#: Opacity of the stretch after the latest source that shows an activity running.
UNCONFIRMED_ALPHA = 0.22
#: Dotted outline of a start or end no source states.
UNKNOWN_STYLE = (0, (1.2, 1.6))
_FADE_STEPS = 24
#: Right-pointing triangle whose base is on the anchor point (matplotlib scales a
#: custom marker but does not re-centre it), so the arrowhead starts where the
#: bar stops. Matplotlib scales it into a unit box, so at marker size ``m`` the
#: base is ``0.625 m`` high and the arrow ``0.5 m`` long.
ONGOING_MARKER = Path([(0, -0.625), (1.0, 0), (0, 0.625), (0, -0.625)], closed=True)


def _fade(ax: Axes, piece: Segment, y: float, height: float, colour: str, rising: bool) -> None:
    """An uncertain edge: thin slices whose opacity rises (start) or falls (end), hatched.

    Slices rather than an image keep SVG output vector and deterministic.
    """
    x0, x1 = x_of(piece.start), x_of(piece.stop)
    edges = np.linspace(x0, x1, _FADE_STEPS + 1)
    alphas = np.linspace(0.08, 0.85, _FADE_STEPS)
    if not rising:
        alphas = alphas[::-1]
    low, high = y - height / 2, y + height / 2
    polys = [[(a, low), (b, low), (b, high), (a, high)] for a, b in pairwise(edges)]
    colours = [(*_rgb(colour), float(alpha)) for alpha in alphas]
    ax.add_collection(PolyCollection(polys, facecolors=colours, edgecolors="none", zorder=2))
    ax.add_patch(
        Rectangle(
            (x0, low),
            x1 - x0,
            height,
            facecolor="none",
            edgecolor=colour,
            hatch=FADE_HATCH,
            linewidth=0.6,
            zorder=3,
        )
    )


def _rgb(colour: str) -> tuple[float, float, float]:
    """RGB of a matplotlib colour."""
    return to_rgb(colour)


def _dotted_box(
    ax: Axes, piece: Segment, y: float, height: float, colour: str, facecolor, linewidth: float
) -> None:
    """A piece of bar with a dotted outline: what the sources leave open."""
    x0, x1 = x_of(piece.start), x_of(piece.stop)
    ax.add_patch(
        Rectangle(
            (x0, y - height / 2),
            x1 - x0,
            height,
            facecolor=facecolor,
            edgecolor=colour,
            linestyle=UNKNOWN_STYLE,
            linewidth=linewidth,
            zorder=2,
        )
    )


def _unknown(
    ax: Axes, piece: Segment, y: float, height: float, colour: str, fontsize: float
) -> None:
    """A start or end no source states: dotted outline, '?' at the open tip."""
    x0, x1 = x_of(piece.start), x_of(piece.stop)
    _dotted_box(ax, piece, y, height, colour, "white", 1.1)
    at_end = piece.kind != "unknown_start"
    ax.annotate(
        "?",
        (x1 if at_end else x0, y),
        xytext=(3 if at_end else -3, 0),
        textcoords="offset points",
        ha="left" if at_end else "right",
        va="center",
        fontsize=fontsize,
        fontweight="bold",
        color=TEXT_GREY,
        zorder=4,
    )


def draw_bar(
    ax: Axes,
    bar: BarGeometry,
    y: float,
    colour: str,
    *,
    height: float = 0.6,
    undated_label: str = "dates not stated",
    fontsize: float = 8.5,
) -> None:
    """Draw ``bar`` centred on row ``y`` in ``colour`` (see the module docstring)."""
    for piece in bar.segments:
        x0, x1 = x_of(piece.start), x_of(piece.stop)
        if piece.kind == "certain":
            # At least one day wide, so a bar known only on one day stays visible.
            width = max(x1 - x0, 1.0)
            ax.add_patch(
                Rectangle(
                    (x0, y - height / 2),
                    width,
                    height,
                    facecolor=colour,
                    edgecolor=colour,
                    linewidth=0.6,
                    zorder=2,
                )
            )
        elif piece.kind in ("fade_in", "fade_out"):
            _fade(ax, piece, y, height, colour, rising=piece.kind == "fade_in")
        elif piece.kind in ("unknown_start", "unknown_end"):
            _unknown(ax, piece, y, height, colour, fontsize + 1)
        elif piece.kind == "unconfirmed":
            # Still described as running, but no source since: pale, dotted edge.
            _dotted_box(ax, piece, y, height, colour, (*_rgb(colour), UNCONFIRMED_ALPHA), 0.9)
        else:  # undated: the whole possible range, labelled in words
            _dotted_box(ax, piece, y, height, colour, "none", 1.1)
            ax.text(
                (x0 + x1) / 2,
                y,
                undated_label,
                ha="center",
                va="center",
                fontsize=fontsize,
                fontstyle="italic",
                color=TEXT_GREY,
                zorder=4,
            )
    if bar.ongoing:
        # Arrowhead whose base sits on the as-of day, 1.25 times as tall as the bar.
        ax.plot(
            [x_of(bar.stop)],
            [y],
            marker=ONGOING_MARKER,
            markersize=2 * points_high(ax, height),
            color=colour,
            markeredgecolor=colour,
            linestyle="none",
            zorder=3,
            clip_on=False,
        )


def fit_arrowheads(ax: Axes, height: float) -> None:
    """Size the 'ongoing' arrowheads of ``ax`` to bars of ``height`` again.

    An arrowhead is sized in points when its bar is drawn; a chart that then
    gives part of its height to a key shrinks the bars, not the arrowheads.
    """
    for line in ax.get_lines():
        if line.get_marker() is ONGOING_MARKER:
            line.set_markersize(2 * points_high(ax, height))


def points_high(ax: Axes, height: float) -> float:
    """How many points ``height`` data units of y cover (set the y-limits first)."""
    low, high = ax.get_ylim()
    return ax.bbox.height * 72 / ax.figure.dpi * height / abs(high - low)


# --- Figure and key -------------------------------------------------------------


def time_axis(ax: Axes, low: float, high: float) -> None:
    """Dates on x between date numbers ``low`` and ``high``.

    Long windows get a labelled tick every year or second year and the label
    'Year'; short ones months under their year and the label 'Date'.
    """
    ax.set_xlim(low, high)
    years = (high - low) / 365.25
    if years > 12:
        ax.xaxis.set_major_locator(mdates.YearLocator(2))
        ax.xaxis.set_minor_locator(mdates.YearLocator(1))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.grid(True, which="minor", axis="x", color="#f0f0f0", linewidth=0.6)
    elif years > 3:
        ax.xaxis.set_major_locator(mdates.YearLocator(1))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    else:
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel("Year" if years > 3 else "Date")


def encoding_key(
    colour: str = "#555555", as_of: dt.date = DEFAULT_AS_OF, ongoing: bool = True
) -> tuple[list, list[str]]:
    """Legend handles and labels that explain how dates are drawn.

    ``ongoing=False`` leaves out the arrowhead entry (charts with no open end).
    """
    handles: list = [
        Patch(facecolor=colour, edgecolor=colour),
        Patch(facecolor=(*_rgb(colour), 0.35), edgecolor=colour, hatch=FADE_HATCH, linewidth=0.6),
        Patch(facecolor="white", edgecolor=colour, linestyle=UNKNOWN_STYLE, linewidth=1.1),
    ]
    labels = [
        "Certainly running: between dated ends",
        "Not known to the day (a month, season or year): shaded across its days",
        "Not stated in the sources",
    ]
    if ongoing:
        handles.append(
            (
                Patch(facecolor=colour, edgecolor=colour),
                Line2D([], [], marker=ONGOING_MARKER, color=colour, markersize=12, linestyle=""),
            )
        )
        handles.append(
            Patch(
                facecolor=(*_rgb(colour), UNCONFIRMED_ALPHA),
                edgecolor=colour,
                linestyle=UNKNOWN_STYLE,
                linewidth=0.9,
            )
        )
        as_of_label = f"{day_label(as_of)}, the latest fact in this edition"
        labels.append(f"Ongoing in the latest source; drawn to {as_of_label}")
        labels.append("Not confirmed by any source since")
    return handles, labels


def key_above(ax: Axes, handles: list, labels: list[str], ncol: int = 2, left: float = 0.0) -> Text:
    """Put a key between the title and the axes, and move the title above it.

    Keeping the key outside the plotting area means it can never hide data. The
    key uses up to ``ncol`` columns, fewer if it would run off the figure. The
    title pad is measured from the drawn key, so the two never overlap. ``left``
    (axes fraction, negative to reach into the margin) aligns the title and key
    with the row labels. Returns the (left) title, for :func:`fit_top`.
    """
    fig = ax.figure
    for columns in range(ncol, 0, -1):
        legend = ax.legend(
            handles,
            labels,
            loc="lower left",
            bbox_to_anchor=(left, 1.0),
            ncol=columns,
            handler_map={tuple: HandlerTuple(ndivide=None, pad=0)},
            borderaxespad=0.3,
            borderpad=0.2,
            handlelength=2.4,
            columnspacing=2.0,
            fontsize=9,
            frameon=False,
            numpoints=1,  # explicit: some styles (classic) draw two markers
        )
        # The key's box depends on its entries and the axes' position only, not on
        # a drawn figure: measuring it needs no layout of the whole figure.
        box = legend.get_window_extent(fig.canvas.get_renderer())
        if box.x1 <= fig.bbox.width - 0.1 * fig.dpi:
            break
    key_pt = box.height * 72 / fig.dpi
    # set_title returns the left title (``ax.title`` is the centred one).
    title = ax.set_title(ax.get_title(loc="left"), loc="left", pad=key_pt + 6)
    title.set_x(left)
    return title


def fit_top(ax: Axes, title: Text, gap_in: float = 0.15) -> None:
    """Set the top margin so ``title`` (above the key) sits ``gap_in`` below the figure's top."""
    fig = ax.figure
    lay_out(fig)
    top_px = title.get_window_extent(fig.canvas.get_renderer()).y1
    shift_in = (top_px - fig.bbox.height) / fig.dpi + gap_in
    fig.subplots_adjust(top=fig.subplotpars.top - shift_in / fig.get_figheight())


#: Least share of the figure's width the plotting area keeps, however long the labels.
MIN_AXES_WIDTH = 0.25


def left_of_labels(ax: Axes) -> float:
    """Axes fraction (negative) of the left edge of the y tick labels and y-axis label."""
    fig = ax.figure
    renderer = lay_out(fig)
    box = ax.get_window_extent(renderer)
    texts = [*ax.get_yticklabels(), ax.yaxis.label]
    leftmost = min(t.get_window_extent(renderer).x0 for t in texts if t.get_text())
    return (leftmost - box.x0) / box.width


def fit_left(ax: Axes, gap_in: float = 0.12) -> None:
    """Set the left margin so the y tick labels and y-axis label start ``gap_in`` from the edge."""
    fig = ax.figure
    renderer = lay_out(fig)
    texts = [*ax.get_yticklabels(), ax.yaxis.label]
    leftmost = min(t.get_window_extent(renderer).x0 for t in texts if t.get_text())
    shift_in = gap_in - leftmost / fig.dpi
    left = fig.subplotpars.left + shift_in / fig.get_figwidth()
    # Labels too long to fit (a name of 100 characters, say) must not take the
    # whole width: the axes keep a quarter of it and the labels are cut at the edge.
    fig.subplots_adjust(left=min(left, fig.subplotpars.right - MIN_AXES_WIDTH))
