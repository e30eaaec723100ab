"""The house style: one look for every chart in the collection.

- :func:`use_house_style` applies ``styles/nato_iraq.mplstyle``.
- :data:`MISSION_COLOURS` gives each mission its colour everywhere
  (Okabe-Ito, safe for colour-blind readers, with distinct grey levels).
- :func:`finish` adds the source line and an optional note under a chart.
- :func:`save_figure` writes PNG and SVG files that are identical on a rerun.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure

from helpers.paths import PROJECT_ROOT

STYLE_FILE = Path(__file__).with_name("styles") / "nato_iraq.mplstyle"
FIGURES_DIR = PROJECT_ROOT / "notebooks" / "figures"

#: Okabe-Ito colours by name.
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "purple": "#CC79A7",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "black": "#000000",
    "yellow": "#F0E442",
    "grey": "#999999",
}

#: Each mission or programme keeps its colour in every chart.
MISSION_COLOURS: dict[str, str] = {
    "mis-ntim": OKABE_ITO["sky"],
    "mis-ntm-i": OKABE_ITO["blue"],
    "mis-ntecg": OKABE_ITO["sky"],
    "mis-partnership": OKABE_ITO["green"],
    "mis-transition-cell": OKABE_ITO["black"],
    "mis-dcb": OKABE_ITO["orange"],
    "mis-core-team": OKABE_ITO["purple"],
    "mis-awacs-coalition": OKABE_ITO["grey"],
    "mis-nmi": OKABE_ITO["vermillion"],
}
#: Colour for anything not tied to one mission.
NEUTRAL = "#555555"
TEXT_GREY = "#555555"

#: Slide-friendly sizes in inches (16:9), for ``save_figure``.
SIZES = {"wide": (10.0, 5.6), "tall": (10.0, 7.5), "half": (5.0, 2.8)}


def new_figure(width: float, height: float) -> Figure:
    """A figure with its own Agg canvas, outside pyplot.

    Every chart function builds on one: text can be measured while laying
    out, no pyplot state is shared between charts, and a notebook shows the
    returned figure exactly once (as the last expression of a cell, with
    ``%matplotlib inline`` active).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def use_house_style() -> None:
    """Apply the house style to every figure made after this call."""
    plt.style.use(STYLE_FILE)


def mission_colour(mission_id: str | None) -> str:
    """The colour of a mission, or the neutral grey for anything else."""
    return MISSION_COLOURS.get(mission_id or "", NEUTRAL)


#: How many sources a chart's source line names before it counts the rest.
MAX_SOURCES_LISTED = 12
#: Least share of a figure's height the plotting area keeps under a long source line.
MIN_AXES_HEIGHT = 0.25
#: Height of one wrapped line of the footer :func:`finish` writes, inches.
FOOTER_LINE_IN = 0.19


def footer_lines(
    sources: Iterable[str],
    note: str | None = None,
    width: int = 130,
    credits: Iterable[str] = (),
) -> list[str]:
    """The wrapped lines :func:`finish` writes under a chart: the source line, then the note.

    The source line names at most :data:`MAX_SOURCES_LISTED` sources and counts
    the rest; ``credits`` (attributions of material that is not from the
    dataset, such as map outlines) end it and are never cut or counted. Charts
    laid out in inches measure their footer with this, so it is the one drawn.
    """
    names = list(dict.fromkeys(sources))
    if len(names) > MAX_SOURCES_LISTED:
        # A chart with dozens of sources would be mostly source line: name the
        # first (official first, as ordered) and count the rest, which the
        # chapter's closing source list and the figure captions name in full.
        rest = len(names) - MAX_SOURCES_LISTED
        names = [*names[:MAX_SOURCES_LISTED], f"and {rest} more (listed at the end of the chapter)"]
    listed = [*names, *(c for c in dict.fromkeys(credits) if c not in names)]
    lines = textwrap.wrap("Sources: " + "; ".join(listed) + ".", width) if listed else []
    if note:
        lines += textwrap.wrap("Note: " + note, width)
    return lines


def finish(
    fig: Figure,
    sources: Iterable[str],
    note: str | None = None,
    width: int = 130,
    *,
    credits: Iterable[str] = (),
    alt: str | None = None,
) -> Figure:
    """Add the source line (and an optional note) under ``fig``.

    ``alt`` is the chart's alt text: what it shows, in a sentence or more,
    written from the data it draws (never a file name). It travels with the
    figure to the notebook output, the site and the class pack; without one,
    :func:`alt_text` composes one from the title, the note and the sources.

    ``sources`` are the short names of the sources of what is drawn; the note
    says what the chart does not show. ``credits`` attribute material that is
    not from the dataset (map outlines): they end the source line, however
    many sources it counts. Text is wrapped to the figure width and the bottom
    margin grows to make room, so it never overlaps the axes.
    """
    names = list(dict.fromkeys(sources))
    # Kept on the figure for captions (see helpers.publish.figure_pack), credits last.
    fig.nato_iraq_sources = list(dict.fromkeys([*names, *credits]))
    fig.nato_iraq_note = note
    fig.nato_iraq_alt = alt
    lines = footer_lines(names, note, width, credits)
    if not lines:
        return fig
    height_in = fig.get_figheight()
    text_in = FOOTER_LINE_IN * len(lines) + 0.15
    bottom = max(fig.subplotpars.bottom, (text_in + 0.55) / height_in)
    top = fig.subplotpars.top
    if bottom > top - MIN_AXES_HEIGHT:
        # A source line too long for the figure (many sources, or very long
        # names) must not squeeze the plot away: the figure grows instead.
        top_in = (1 - top) * height_in
        new_height = top_in + MIN_AXES_HEIGHT * height_in + text_in + 0.55
        fig.set_figheight(new_height)
        height_in, top = new_height, 1 - top_in / new_height
        bottom = (text_in + 0.55) / new_height
    fig.text(
        0.01,
        0.1 / height_in,
        "\n".join(lines),
        ha="left",
        va="bottom",
        fontsize=8.5,
        color=TEXT_GREY,
        linespacing=1.35,
    )
    fig.subplots_adjust(bottom=bottom, top=top)
    return fig


def save_figure(
    fig: Figure, name: str, folder: Path = FIGURES_DIR, size: str | None = None
) -> list[Path]:
    """Write ``fig`` as ``name.png`` and ``name.svg`` into ``folder``.

    Metadata that would change between runs or machines (creation date,
    software version) is left out, so a rerun writes identical files. ``size``
    picks one of :data:`SIZES` for slides; by default the figure keeps its own.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if size is not None:
        fig.set_size_inches(*SIZES[size])
    written = []
    with mpl.rc_context({"svg.hashsalt": "nato-iraq"}):
        for ext, metadata in (
            ("png", {"Software": None}),
            ("svg", {"Date": None, "Creator": None}),
        ):
            path = folder / f"{name}.{ext}"
            fig.savefig(path, format=ext, metadata=metadata)
            written.append(path)
    return written


#: Chart functions running now, outermost first (see :func:`house_style`).
_nesting: list[str] = []


def house_style(function):
    """Decorator: draw inside the house style, whatever the caller's settings.

    Chart functions use it so that a figure looks the same in a notebook, in a
    saved file and in an image-comparison test.
    """
    import functools

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from helpers import shown
        from helpers.publish import figure_pack

        _nesting.append(function.__name__)
        try:
            with plt.style.context(["default", STYLE_FILE]):
                fig = function(*args, **kwargs)
                # A class pack in the making collects every chart as it is drawn
                # (once: a chart drawn inside another chart is part of it).
                if len(_nesting) == 1:
                    figure_pack.collect(fig, function.__name__)
                    shown.note_sources(getattr(fig, "nato_iraq_sources", []))
        finally:
            _nesting.pop()
        return fig

    return wrapper


def alt_text(fig: Figure) -> str:
    """The alt text of a finished chart: its own, else one made from its title, note and sources."""
    own = getattr(fig, "nato_iraq_alt", None)
    if own:
        return own
    from helpers.publish.figure_pack import figure_title

    sources = getattr(fig, "nato_iraq_sources", [])
    parts = [f"Chart: {figure_title(fig) or 'untitled'}."]
    note = getattr(fig, "nato_iraq_note", None)
    if note:
        parts.append(note.rstrip(".") + ".")
    if sources:
        parts.append(f"Drawn from {len(sources)} source(s): {'; '.join(sources)}.")
    return " ".join(parts)


def lay_out(fig: Figure) -> RendererBase:
    """Lay ``fig`` out as drawing it would, without painting it; return its renderer.

    Text only has a size once the figure is laid out, so the charts measure
    labels this way before they place them. Skipping the painting (the
    glyphs and pixels, which the final image redoes anyway) makes it several
    times cheaper than ``fig.canvas.draw()``, with the same sizes.
    """
    fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def _visible_texts(fig: Figure) -> list[mpl.text.Text]:
    """The text items of ``fig`` a reader can see: shown, not blank, not transparent."""
    return [
        t
        for t in fig.findobj(mpl.text.Text)
        if t.get_visible() and t.get_text().strip() and t.get_alpha() != 0
    ]


def text_overlaps(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of visible, non-empty text items of ``fig`` whose boxes overlap.

    Used by the chart tests: text must never sit on other text.
    """
    renderer = lay_out(fig)
    boxes = [(t, t.get_window_extent(renderer)) for t in _visible_texts(fig)]
    pairs = []
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            if box_a.overlaps(box_b):
                pairs.append((a.get_text(), b.get_text()))
    return pairs


def text_outside(fig: Figure) -> list[str]:
    """Visible, non-empty text items of ``fig`` that run past its edges.

    Used by the chart tests: a saved figure (a class pack's PNG and SVG) is cut
    at the figure's edges, so text beyond them would be lost. Tick labels are
    not checked.
    """
    renderer = lay_out(fig)
    edges = fig.bbox.padded(1)  # a pixel of rounding
    # Tick labels are left to matplotlib, which keeps Text items for ticks it
    # does not draw (beyond the axis limits): they would be false alarms.
    tick_labels = {
        id(label)
        for ax in fig.axes
        for axis in (ax.xaxis, ax.yaxis)
        for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]
        for label in (tick.label1, tick.label2)
    }
    outside = []
    for text in _visible_texts(fig):
        if id(text) in tick_labels:
            continue
        box = text.get_window_extent(renderer)
        if not (edges.contains(*box.p0) and edges.contains(*box.p1)):
            outside.append(text.get_text())
    return outside
