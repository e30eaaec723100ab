"""Event strip: dated events on one time axis, with callouts that never collide.

Each event is a marker on the strip, coloured by its mission and shaped by its
kind. An event known only to the month or year is drawn as a hatched bar across
the days it can mean, with the marker in the middle. Events that overlap on the
strip go to separate lanes. Chosen events get a callout (date and title) above
or below the strip, joined to the marker by a thin leader.

Callouts are placed by a small deterministic greedy algorithm, in points: each
one, in date order, goes to the lowest free height on the side where it sits
lowest, where "free" means its box clears every placed box, its leader clears
every placed box, and no placed leader runs through it. Nothing is random and
nothing depends on the clock, so the figure is identical on every run.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text

from helpers.charts._alt import compose, listing, plural
from helpers.charts._time import (
    FADE_HATCH,
    bound_day,
    date_label,
    day_span,
    is_exact,
    key_above,
    time_axis,
    x_of,
)
from helpers.charts.timeline import ROW_LABELS, descendants, mission_colour_of
from helpers.citations import SOURCE_TYPE_RANK, source_names
from helpers.data import Dataset, mission_parents
from helpers.style import MISSION_COLOURS, NEUTRAL, finish, house_style, lay_out, new_figure

#: Kinds of event, each with a marker shape, so the chart reads without colour.
#: Every ``event_type`` of the codebook is in one group.
EVENT_KINDS: dict[str, tuple[str, str]] = {
    "summit": ("Summit", "*"),
    "request": ("Request, decision or agreement", "D"),
    "decision": ("Request, decision or agreement", "D"),
    "agreement": ("Request, decision or agreement", "D"),
    "partnership": ("Request, decision or agreement", "D"),
    "establishment": ("Set-up, deployment or growth", "o"),
    "activation": ("Set-up, deployment or growth", "o"),
    "deployment": ("Set-up, deployment or growth", "o"),
    "expansion": ("Set-up, deployment or growth", "o"),
    "renaming": ("Set-up, deployment or growth", "o"),
    "resumption": ("Set-up, deployment or growth", "o"),
    "training": ("Set-up, deployment or growth", "o"),
    "change_of_command": ("Change of command", "s"),
    "suspension": ("Pause, move or withdrawal", "v"),
    "relocation": ("Pause, move or withdrawal", "v"),
    "withdrawal": ("Pause, move or withdrawal", "v"),
    "ceremony": ("Visit, ceremony or other", "P"),
    "visit": ("Visit, ceremony or other", "P"),
    "other": ("Visit, ceremony or other", "P"),
}
_OTHER_KIND = ("Visit, ceremony or other", "P")

#: Which events get a callout when the caller does not say, in tiers of kinds:
#: turning points first, then decisions and changes of course, then the rest.
CALLOUT_TIERS: tuple[tuple[str, ...], ...] = (
    ("summit", "establishment", "activation", "withdrawal", "change_of_command"),
    ("expansion", "decision", "agreement", "suspension", "relocation", "resumption"),
    ("deployment", "partnership", "request", "renaming", "training", "ceremony", "visit", "other"),
)

_MARKER_PT = 8.0  # marker size, points
_LANE_PT = 11.0  # distance between lanes of the strip, points
_GAP_PT = 5.0  # clearance between callouts, and between callouts and leaders
_CROSSING_PT = 60.0  # cost of a leader crossing the strip, as extra height
_WRAP = 30  # characters per callout line


@dataclass(frozen=True)
class Box:
    """A callout's box, in points from the axes' left edge (x) and the strip centre (y)."""

    x0: float
    x1: float
    y0: float
    y1: float
    anchor: float  # x of its leader


def select_events(
    ds: Dataset,
    start: str | dt.date | None,
    end: str | dt.date | None,
    mission: str | Sequence[str] | None,
    event_types: Iterable[str] | None,
) -> pd.DataFrame:
    """Events in the window (any overlap counts), for the missions and types asked.

    A mission includes its sub-units. Rows are in date order, then by id.
    """
    events = ds.events.copy()
    spans = events["date"].map(day_span)
    events["first"] = spans.map(lambda s: s[0])
    events["stop"] = spans.map(lambda s: s[1])
    low, high = bound_day(start, "start"), bound_day(end, "end")
    keep = pd.Series(True, index=events.index)
    if low is not None:
        keep &= events["stop"] > low
    if high is not None:
        keep &= events["first"] < high
    if mission is not None:
        wanted = [mission] if isinstance(mission, str) else list(mission)
        family = {m for w in wanted for m in descendants(ds, w)}
        keep &= events["mission_id"].isin(family)
    if event_types is not None:
        keep &= events["event_type"].isin(list(event_types))
    return events[keep].sort_values(["first", "event_id"], kind="stable").reset_index(drop=True)


def source_rank(ds: Dataset, record_ids: Iterable[str]) -> pd.Series:
    """Best kind of source behind each record (:data:`~helpers.citations.SOURCE_TYPE_RANK`)."""
    rank = SOURCE_TYPE_RANK
    cites = ds.citations.merge(ds.sources[["source_id", "source_type"]], on="source_id")
    best = cites.assign(_rank=cites["source_type"].map(rank)).groupby("record_id")["_rank"].min()
    return pd.Series(list(record_ids)).map(best).fillna(len(rank))


def choose_callouts(
    ds: Dataset, events: pd.DataFrame, highlight: Iterable[str] | None, limit: int
) -> list[str]:
    """Ids of the events that get a callout: ``highlight``, or the most telling ones.

    "Most telling": by tier of kind (:data:`CALLOUT_TIERS`); within a tier,
    events an official source reports before those only other texts do
    (often another text's wording of the same event), then in the tier's order
    of kinds, then by date. At most ``limit`` events, unless ``highlight`` is given.
    """
    if highlight is not None:
        wanted = set(highlight)
        return [e for e in events["event_id"] if e in wanted]
    if len(events) <= limit:
        return list(events["event_id"])
    kinds = [kind for tier in CALLOUT_TIERS for kind in tier]
    tier_of = {kind: t for t, tier in enumerate(CALLOUT_TIERS) for kind in tier}
    ranked = events.assign(
        _tier=events["event_type"].map(tier_of).fillna(len(CALLOUT_TIERS)),
        # Official (NATO or national) sources count alike here; all others after.
        _source=(source_rank(ds, events["event_id"]).to_numpy() >= 2),
        _kind=events["event_type"].map({k: i for i, k in enumerate(kinds)}).fillna(len(kinds)),
    )
    order = ranked.sort_values(["_tier", "_source", "_kind", "first", "event_id"], kind="stable")
    chosen = set(order["event_id"][:limit])
    return [e for e in events["event_id"] if e in chosen]


def callout_text(event: pd.Series) -> str:
    """Date at its own precision, then the event's title, wrapped."""
    return textwrap.fill(f"{date_label(event['date'])}: {event['title']}", _WRAP)


# --- Layout (all in points) --------------------------------------------------------


def assign_lanes(extents: Sequence[tuple[float, float]], clearance: float) -> list[int]:
    """Lane of each ``(left, right)`` extent: the first lane where it clears the last one.

    Extents must come in order of their left edge. Lane 0 is the strip's centre
    line; lanes 1, 2, 3 ... alternate above and below it (see :func:`lane_offset`).
    """
    ends: list[float] = []
    lanes = []
    for left, right in extents:
        lane = next((i for i, end in enumerate(ends) if left >= end + clearance), len(ends))
        if lane == len(ends):
            ends.append(right)
        else:
            ends[lane] = right
        lanes.append(lane)
    return lanes


def lane_offset(lane: int) -> float:
    """Height of a lane in points: 0, then +1, -1, +2, -2 ... lane spacings."""
    step = (lane + 1) // 2
    return _LANE_PT * step * (1 if lane % 2 else -1)


def _fits(box: Box, placed: Sequence[Box], strict_leader: bool) -> bool:
    """True when ``box`` clears the placed boxes and leaders (all on one side, y >= 0)."""
    for other in placed:
        if (
            box.x0 < other.x1 + _GAP_PT
            and other.x0 < box.x1 + _GAP_PT
            and box.y0 < other.y1 + _GAP_PT
            and other.y0 < box.y1 + _GAP_PT
        ):
            return False
        # A placed leader rising through this box.
        if box.x0 - _GAP_PT <= other.anchor <= box.x1 + _GAP_PT and other.y0 > box.y0:
            return False
        # This box's leader rising through a placed box.
        leader_hits = other.x0 - _GAP_PT <= box.anchor <= other.x1 + _GAP_PT
        if strict_leader and leader_hits and other.y0 < box.y0:
            return False
    return True


def _lowest_fit(
    x0: float, w: float, anchor: float, h: float, base: float, placed: Sequence[Box], strict: bool
) -> Box | None:
    """Lowest box at or above ``base`` that fits, trying just above each placed box."""
    candidates = sorted({base, *(b.y1 + _GAP_PT for b in placed if b.y1 + _GAP_PT > base)})
    for y in candidates:
        box = Box(x0, x0 + w, y, y + h, anchor)
        if _fits(box, placed, strict):
            return box
    return None


def _lefts(anchor: float, w: float, width: float) -> list[float]:
    """Left edges to try for a box of width ``w``: centred on its leader, then to its
    right, then to its left; always inside ``[0, width]``."""
    tries = (anchor - w / 2, anchor - _GAP_PT * 2, anchor - w + _GAP_PT * 2)
    return list(dict.fromkeys(min(max(x, 0.0), width - w) for x in tries))


def _anchor_options(reach: tuple[float, float], count: int = 7) -> list[float]:
    """Where a leader may meet its event: the middle, then points ever further out.

    A day has one point; a month or year bar can be met anywhere along it.
    """
    lo, hi = reach
    mid = (lo + hi) / 2
    if hi - lo < 1:
        return [mid]
    points = [lo + (hi - lo) * k / (count - 1) for k in range(count)]
    return sorted(points, key=lambda p: (abs(p - mid), p))


def place_callouts(
    sizes: Sequence[tuple[float, float]],
    reaches: Sequence[tuple[float, float]],
    width: float,
    base: float,
    sides: Sequence[int] | None = None,
) -> list[tuple[int, Box]]:
    """Greedy placement of callouts of ``(width, height)`` for events spanning ``reaches``.

    ``reaches`` are the x-ranges (points) a leader may start from: one point for
    an event known to the day, the whole bar for a month or year. Each box
    (day events first, then bars from the shortest) takes the lowest free
    height (from ``base``) over both sides (``+1`` above, ``-1`` below), the
    leader positions, and three horizontal positions (centred on the leader, to
    its right, to its left), kept inside ``[0, width]``. Ties go to the
    preferred side (alternating, starting above), then to the leader nearest
    the middle, then to the centred box. ``sides`` may give each callout the
    side of its marker (+1 above the centre line, -1 below, 0 on it): the other
    side then counts :data:`_CROSSING_PT` higher, so leaders rarely cross the
    strip. Only if no box clears every leader is a leader allowed behind a box.
    Returns ``(side, box)`` per callout, in the order given, heights measured
    outward from the strip.
    """
    placed: dict[int, list[Box]] = {1: [], -1: []}
    result: dict[int, tuple[int, Box]] = {}
    # Events fixed to a day go first; a month or year bar, whose leader can
    # move along it, then fits around them.
    order = sorted(range(len(sizes)), key=lambda i: (reaches[i][1] - reaches[i][0], reaches[i][0]))
    for i in order:
        (w, h), reach = sizes[i], reaches[i]
        own = sides[i] if sides is not None else 0
        preferred = (own, -own) if own else ((1, -1) if i % 2 == 0 else (-1, 1))
        tries = [
            (side, anchor, x0)
            for side in preferred
            for anchor in _anchor_options(reach)
            for x0 in _lefts(anchor, w, width)
        ]
        for strict in (True, False):
            options = [
                (box.y0 + (_CROSSING_PT if own and side != own else 0.0), rank, side, box)
                for rank, (side, anchor, x0) in enumerate(tries)
                if (box := _lowest_fit(x0, w, anchor, h, base, placed[side], strict)) is not None
            ]
            if options:
                _, _, side, box = min(options, key=lambda o: (o[0], o[1]))
                break
        placed[side].append(box)
        result[i] = (side, box)
    return [result[i] for i in range(len(sizes))]


# --- Drawing ---------------------------------------------------------------------


def _event_colour(ds: Dataset, mission_id: object) -> str:
    """Colour of the event's mission (a sub-unit takes its parent's), or neutral grey."""
    if not isinstance(mission_id, str):
        return NEUTRAL
    if mission_id not in ds.by_key("missions").index:
        return NEUTRAL
    parent = mission_parents(ds).get(mission_id)
    return mission_colour_of(ds, {"mission_id": mission_id, "parent_mission_id": parent})


def _draw_event(ax: Axes, event: pd.Series, y: float, colour: str) -> None:
    """Marker (and, for a month or year, a hatched bar across its days) at height ``y``."""
    _, marker = EVENT_KINDS.get(event["event_type"], _OTHER_KIND)
    first, stop = x_of(event["first"]), x_of(event["stop"])
    if not is_exact(event["date"]):
        ax.add_patch(
            Rectangle(
                (first, y - 3.2),
                stop - first,
                6.4,
                facecolor=colour,
                alpha=0.35,
                edgecolor="none",
                zorder=2,
            )
        )
        ax.add_patch(
            Rectangle(
                (first, y - 3.2),
                stop - first,
                6.4,
                facecolor="none",
                edgecolor=colour,
                hatch=FADE_HATCH,
                linewidth=0.7,
                zorder=2,
            )
        )
    size = _MARKER_PT * (1.35 if marker == "*" else 1.0)
    ax.plot(
        [(first + stop) / 2],
        [y],
        marker=marker,
        markersize=size,
        color=colour,
        markeredgecolor="#222222",
        markeredgewidth=0.7,
        linestyle="none",
        zorder=4,
    )


def _window(events: pd.DataFrame, start, end) -> tuple[float, float]:
    """x-limits: the asked window, or the events' span, with a little room on each side."""
    low = bound_day(start, "start") or min(events["first"])
    high = bound_day(end, "end") or max(events["stop"])
    pad = max((high - low).days * 0.02, 10)
    return x_of(low) - pad, x_of(high) + pad


def _key(ds: Dataset, events: pd.DataFrame) -> tuple[list, list[str]]:
    """Key: one entry per kind shown, per mission colour shown, and for month/year bars."""
    handles: list = []
    labels: list[str] = []
    kinds = dict.fromkeys(EVENT_KINDS.get(t, _OTHER_KIND) for t in events["event_type"])
    for label, marker in sorted(kinds, key=lambda k: list(EVENT_KINDS.values()).index(k)):
        handles.append(
            Line2D([], [], marker=marker, color="#bbbbbb", markeredgecolor="#222222",
                   markersize=_MARKER_PT * (1.35 if marker == "*" else 1.0), linestyle="")
        )  # fmt: skip
        labels.append(label)
    # Missions sharing a colour (NTIM and NTECG; grey ones) share one entry.
    colours: dict[str, list[str]] = {}
    for mission_id in events["mission_id"]:
        colour = _event_colour(ds, mission_id)
        # A mission without a colour of its own (EADRCC help) shares the neutral grey.
        if isinstance(mission_id, str):
            label = _mission_name(ds, _top_mission(ds, mission_id))
        else:
            label = "Not tied to one mission"
        if label not in colours.setdefault(colour, []):
            colours[colour].append(label)
    for colour, names in colours.items():
        handles.append(Patch(facecolor=colour, edgecolor="#222222", linewidth=0.5))
        labels.append(" / ".join(names))
    if not events["date"].map(is_exact).all():
        handles.append(Patch(facecolor="#dddddd", edgecolor="#555555", hatch=FADE_HATCH))
        labels.append("Not known to the day (a month, season or year): bar across its days")
    return handles, labels


def _key_missions(ds: Dataset, mission_ids: Iterable[object]) -> list[str]:
    """The name under which the key lists each event's mission: that of the mission
    whose colour it wears (see :func:`_top_mission` and :func:`_mission_name`).

    Read from plain lookups, not one table query per event, so the alt text stays cheap.
    """
    missions = ds.missions
    parent = dict(zip(missions["mission_id"], missions["parent_mission_id"], strict=True))
    short = dict(zip(missions["mission_id"], missions["short_name"], strict=True))

    def name(mission_id: object) -> str:
        if not isinstance(mission_id, str) or mission_id not in parent:
            return "not tied to one mission"
        top = parent[mission_id]
        if mission_id in MISSION_COLOURS or not isinstance(top, str):
            top = mission_id
        abbreviation = short.get(top)
        return abbreviation if isinstance(abbreviation, str) else ROW_LABELS.get(top, top)

    return [name(m) for m in mission_ids]


def _counted(names: Iterable[str]) -> list[str]:
    """'NTM-I (20)' for each name, most frequent first (ties in order of appearance)."""
    counts = pd.Series(list(names), dtype=object).value_counts(sort=False)
    order = sorted(range(len(counts)), key=lambda i: -counts.iloc[i])
    return [f"{counts.index[i]} ({counts.iloc[i]})" for i in order]


def _alt_text(ds: Dataset, events: pd.DataFrame, called: pd.Series) -> str:
    """Alt text of the strip: how many events over which dates, the labelled ones,
    and the events by kind, by mission and by how precisely they are dated."""
    last = events.loc[events["stop"].idxmax(), "date"]
    labelled = [
        f"{date_label(e['date'])}: {' '.join(str(e['title']).split())}"
        for _, e in events[called.to_numpy()].iterrows()
    ]
    if len(labelled) == len(events):
        labels = f"All are labelled: {listing(labelled, 250, sep='; ')}"
    elif labelled:
        labels = f"{len(labelled)} labelled: {listing(labelled, 250, sep='; ')}"
    else:
        labels = ""
    kinds = _counted(EVENT_KINDS.get(t, _OTHER_KIND)[0].lower() for t in events["event_type"])
    missions = _counted(_key_missions(ds, events["mission_id"]))
    inexact = int((~events["date"].map(is_exact)).sum())
    return compose(
        [
            f"Event strip of {plural(len(events), 'event')} on one time axis, from"
            f" {date_label(events['date'].iloc[0])} to {date_label(last)}; markers are"
            " shaped by kind and coloured by mission",
            labels,
            f"By kind: {listing(kinds, 150, sep='; ')}",
            f"By mission: {listing(missions, 120, sep='; ')}",
            f"{plural(inexact, 'event')} known only to a month, season or year"
            + (" is drawn as a bar" if inexact == 1 else " are drawn as bars")
            + " across the days the date can mean"
            if inexact
            else "",
        ]
    )


def _mission_name(ds: Dataset, mission_id: str) -> str:
    """Short name of a mission for the key: its abbreviation, else its row label."""
    short = ds.by_key("missions").at[mission_id, "short_name"]
    return short if isinstance(short, str) else ROW_LABELS.get(mission_id, mission_id)


def _top_mission(ds: Dataset, mission_id: str) -> str:
    """The mission that gives ``mission_id`` its colour: itself or its parent."""
    parent = mission_parents(ds).get(mission_id)
    if mission_id in MISSION_COLOURS or parent is None:
        return mission_id
    return parent


def _finish_margin_in(fig: Figure, sources: list[str], note: str | None) -> float:
    """Bottom margin (inches) that ``finish`` will need, found on a scratch figure."""
    scratch = new_figure(fig.get_figwidth(), 10)
    scratch.subplots_adjust(bottom=0)
    finish(scratch, sources, note)
    return scratch.subplotpars.bottom * 10


@dataclass(frozen=True)
class Scale:
    """Conversion between date numbers on x and points from the axes' left edge."""

    low: float
    per_day: float  # points per day

    def to_pt(self, x: float) -> float:
        """Points from the left edge of the axes for date number ``x``."""
        return (x - self.low) * self.per_day

    def to_x(self, pt: float) -> float:
        """Date number at ``pt`` points from the left edge of the axes."""
        return self.low + pt / self.per_day


def _draw_strip(ax: Axes, ds: Dataset, events: pd.DataFrame, scale: Scale) -> list[float]:
    """Draw every event on the strip, each in its lane; returns each event's height (points)."""
    radius = _MARKER_PT * 0.7
    extents = [
        (scale.to_pt(x_of(e.first)) - radius, scale.to_pt(x_of(e.stop)) + radius)
        for e in events.itertuples()
    ]
    heights = [lane_offset(lane) for lane in assign_lanes(extents, clearance=2.0)]
    for (_, event), y in zip(events.iterrows(), heights, strict=True):
        _draw_event(ax, event, y, _event_colour(ds, event["mission_id"]))
    ax.axhline(0, color="#cccccc", linewidth=0.8, zorder=1)
    return heights


def _draw_callouts(
    ax: Axes,
    events: pd.DataFrame,
    heights: list[float],
    scale: Scale,
    width_pt: float,
    strip_pt: float,
) -> tuple[float, float]:
    """Measure, place and draw the callouts of ``events`` outside the strip (half-height
    ``strip_pt``); returns the top and bottom of what is drawn (points)."""
    texts = [
        ax.text(
            0, 0, callout_text(event), fontsize=8.5, color="#333333", linespacing=1.15,
            ha="left", va="bottom", zorder=5,
            # A leader that had to run behind a callout is hidden, not drawn across it.
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )
        for _, event in events.iterrows()
    ]  # fmt: skip
    fig = ax.figure
    # A text's size does not depend on where it is: no layout of the figure is needed.
    renderer = fig.canvas.get_renderer()
    sizes = [_size_pt(text, renderer, fig.dpi) for text in texts]
    # A leader meets a day's marker, or a month or year bar anywhere but its ends.
    inset = _MARKER_PT
    reaches = [
        (scale.to_pt(x_of(e.first)) + inset, scale.to_pt(x_of(e.stop)) - inset)
        if not is_exact(e.date)
        else (scale.to_pt(x_of(e.first) + 0.5),) * 2
        for e in events.itertuples()
    ]
    # Only the visible part of a bar cut by the window can take a leader.
    reaches = [(max(lo, 0.0), min(hi, width_pt)) for lo, hi in reaches]
    reaches = [(lo, hi) if lo <= hi else ((lo + hi) / 2,) * 2 for lo, hi in reaches]
    top, bottom = strip_pt + 4, -strip_pt - 4
    sides = [int(np.sign(h)) for h in heights]
    placed = place_callouts(sizes, reaches, width_pt, base=strip_pt + 6, sides=sides)
    for text, (side, box), y_lane, event in zip(
        texts, placed, heights, events.itertuples(), strict=True
    ):
        # A leader starts at the marker's edge, or at the edge of a month or year bar.
        lift = _MARKER_PT * 0.6 if is_exact(event.date) else 3.5
        _draw_callout(ax, text, side, box, y_lane + side * lift, scale)
        if side == 1:
            top = max(top, box.y1)
        else:
            bottom = min(bottom, -box.y1)
    return top, bottom


def _size_pt(text: Text, renderer, dpi: float) -> tuple[float, float]:
    """Width and height of a text, in points."""
    box = text.get_window_extent(renderer)
    return box.width * 72 / dpi, box.height * 72 / dpi


def _draw_callout(ax: Axes, text: Text, side: int, box: Box, y_start: float, scale: Scale) -> None:
    """Move ``text`` into ``box`` (side +1: above the strip, -1: below) and draw its leader."""
    y_edge = side * box.y0
    text.set_position((scale.to_x(box.x0), y_edge))
    text.set_verticalalignment("bottom" if side == 1 else "top")
    x_anchor = scale.to_x(box.anchor)
    leader = ([x_anchor, x_anchor], [y_start, y_edge - side * 1.5])
    ax.plot(*leader, color="#999999", linewidth=0.6, zorder=1)


def _fit_height(fig: Figure, ax: Axes, title: Text, axes_in: float, bottom_in: float) -> None:
    """Size the figure so the axes are ``axes_in`` tall, with room for the title, key and notes."""
    renderer = lay_out(fig)
    top_in = (title.get_window_extent(renderer).y1 - ax.get_window_extent(renderer).y1) / fig.dpi
    top_in += 0.15
    height = top_in + axes_in + bottom_in
    fig.set_size_inches(fig.get_figwidth(), height)
    fig.subplots_adjust(top=1 - top_in / height, bottom=bottom_in / height)


@house_style
def event_strip(
    ds: Dataset,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    mission: str | Sequence[str] | None = None,
    event_types: Iterable[str] | None = None,
    highlight: Iterable[str] | None = None,
    title: str = "Events in NATO's engagement with Iraq",
    note: str | None = None,
    *,
    max_callouts: int = 14,
) -> Figure:
    """Events on a time axis, coloured by mission and shaped by kind, with callouts.

    ``start`` and ``end`` are partial dates (``end="2011"`` includes all of
    2011) or dates; ``mission`` one or more mission ids (sub-units included);
    ``event_types`` the ``event_type`` values to keep. ``highlight`` lists the
    event ids that get a callout; by default every event does when there are at
    most ``max_callouts``, otherwise the most telling ones (see
    :func:`choose_callouts`).
    """
    events = select_events(ds, start, end, mission, event_types)
    if events.empty:
        raise ValueError("no events match the window, mission and event types asked for")
    called = events["event_id"].isin(choose_callouts(ds, events, highlight, max_callouts))

    fig = new_figure(10, 6)
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.03, right=0.97)
    low, high = _window(events, start, end)
    time_axis(ax, low, high)
    for side in ("left", "right"):
        ax.spines[side].set_visible(False)
    ax.yaxis.set_visible(False)  # height on the strip means nothing

    # Lay out in points: x from the axes' width, y directly (the axes get as
    # tall as what they hold, so one unit of y is one point).
    width_pt = ax.get_position().width * fig.get_figwidth() * 72
    scale = Scale(low, width_pt / (high - low))
    heights = _draw_strip(ax, ds, events, scale)
    strip_pt = max(abs(h) for h in heights) + _MARKER_PT
    called_heights = [h for h, c in zip(heights, called, strict=True) if c]
    top, bottom = _draw_callouts(ax, events[called], called_heights, scale, width_pt, strip_pt)
    ax.set_ylim(bottom - 4, top + 4)

    ax.set_title(title, loc="left")
    handles, labels = _key(ds, events)
    title_text = key_above(ax, handles, labels, ncol=3)
    sources = source_names(ds, events["event_id"])
    _fit_height(fig, ax, title_text, (top - bottom + 8) / 72, _finish_margin_in(fig, sources, note))
    return finish(fig, sources, note, alt=_alt_text(ds, events, called))
