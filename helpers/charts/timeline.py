"""Timeline of NATO's missions and programmes for Iraq, 2004 to today (a Gantt chart).

One row per mission, programme or office, sub-units indented under their
parent, each bar in its mission colour. How sure each start and end is shows
in the drawing (see :mod:`helpers.charts._time`): sharp edges only for dates
known to the day, faded and hatched edges across a month or year, dotted stubs
with "?" where no source gives a date, an arrowhead for what is still running.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers.charts._alt import compose, listing, month_year, plural
from helpers.charts._time import (
    ONE_DAY,
    BarGeometry,
    bar_segments,
    covered_days,
    date_label,
    day_label,
    day_span,
    draw_bar,
    edition_as_of,
    encoding_key,
    fit_left,
    fit_top,
    is_exact,
    key_above,
    left_of_labels,
    time_axis,
    x_of,
)
from helpers.citations import source_names
from helpers.data import Dataset
from helpers.style import (
    MISSION_COLOURS,
    NEUTRAL,
    TEXT_GREY,
    finish,
    house_style,
    lay_out,
    new_figure,
)

#: Periods that are only one anonymous timeline's labels for parts of NMI
#: ("NMI I", "NMI II"), not NATO divisions: left out unless asked for by id.
TIMELINE_LABEL_PERIODS = ("mis-nmi-phase-1", "mis-nmi-phase-2")

#: Moments marked across the whole chart, with our short label for each.
DEFAULT_MOMENTS: dict[str, str] = {
    "evt-istanbul-summit-2004": "Istanbul Summit",
    "evt-ntm-i-withdrawal": "NTM-I leaves Iraq",
    "evt-brussels-summit-2018": "Brussels Summit launches NMI",
}

#: Short row labels (the official names run to 60 characters); other missions
#: fall back to their name without "NATO ".
ROW_LABELS: dict[str, str] = {
    "mis-ntim": "Training Implementation Mission",
    "mis-ntm-i": "Training Mission-Iraq (NTM-I)",
    "mis-ntecg": "Training & Equipment Coord. Group",
    "mis-ntm-i-ssamd": "Security Advisor & Mentoring Div.",
    "mis-ntm-i-tedad": "Training, Education & Doctrine Div.",
    "mis-partnership": "NATO-Iraq partnership",
    "mis-ipcp": "Partnership & Coop. Programme",
    "mis-transition-cell": "Transition Cell",
    "mis-dcb": "Defence Capacity Building (DCB)",
    "mis-jordan-training": "Training for Iraqis in Jordan",
    "mis-core-team": "Core Team in Baghdad",
    "mis-mobile-ssr-teams": "Mobile security reform teams",
    "mis-awacs-coalition": "AWACS support to the Coalition",
    "mis-nmi": "NATO Mission Iraq (NMI)",
    "mis-eadrcc-covid": "COVID-19 help via the EADRCC",
}

#: Event types that come *before* an activity starts (asking, deciding), so
#: they say nothing about when it was running.
PRECURSOR_TYPES = frozenset({"request", "decision", "summit"})

_ROW_IN = 0.34  # height of one row, inches
_PARENT_HEIGHT, _CHILD_HEIGHT = 0.62, 0.42


def is_ongoing(mission: pd.Series) -> bool:
    """True when the latest source on the activity describes it as running."""
    return mission["end_status"] == "ongoing"


def row_label(mission: pd.Series) -> str:
    """The label of a mission's row."""
    if mission["mission_id"] in ROW_LABELS:
        return ROW_LABELS[mission["mission_id"]]
    return re.sub(r"^NATO ", "", mission["name"])


def mission_rows(ds: Dataset, missions: Sequence[str] | None) -> pd.DataFrame:
    """Missions to draw, each followed by its sub-units (at any depth), in order of start.

    Rows are ordered by the latest day the mission can have started, so a
    precursor set up on a known day sorts before a successor dated only to the
    same year; undated sub-units come last in their group.
    """
    table = ds.missions
    if missions is None:
        table = table[~table["mission_id"].isin(TIMELINE_LABEL_PERIODS)]
    else:
        table = table[table["mission_id"].isin(missions)]
    ids = set(table["mission_id"])
    top = table[~table["parent_mission_id"].isin(ids)]

    def order(frame: pd.DataFrame) -> pd.DataFrame:
        anchor = frame.apply(lambda m: _start_anchor(ds, m), axis=1)
        return frame.assign(_anchor=anchor).sort_values(["_anchor", "mission_id"], kind="stable")

    parts = []

    def add(frame: pd.DataFrame, depth: int) -> None:
        # Every level below a mission, indented one step more (a sub-unit of a
        # sub-unit, such as the Core Team under NTCB-I under DCB, is not dropped).
        for _, mission in order(frame).iterrows():
            parts.append(mission.to_frame().T.assign(depth=depth))
            add(table[table["parent_mission_id"] == mission["mission_id"]], depth + 1)

    add(top, 0)
    return pd.concat(parts).drop(columns="_anchor").reset_index(drop=True)


def descendants(ds: Dataset, mission_id: str) -> list[str]:
    """``mission_id`` and every mission below it."""
    found, frontier = [mission_id], [mission_id]
    while frontier:
        children = ds.missions.loc[ds.missions["parent_mission_id"].isin(frontier), "mission_id"]
        frontier = [c for c in children if c not in found]
        found += frontier
    return found


def evidence_events(ds: Dataset, mission_id: str) -> pd.DataFrame:
    """Events showing the mission (or a sub-unit) at work, for anchoring missing dates."""
    events = ds.events
    mine = events["mission_id"].isin(descendants(ds, mission_id))
    return events[mine & ~events["event_type"].isin(PRECURSOR_TYPES)]


def _start_anchor(ds: Dataset, mission: pd.Series) -> dt.date:
    """Latest day the mission can have started; undated missions sort last."""
    if isinstance(mission["start_date"], str):
        return covered_days(mission["start_date"])[1]
    dates = evidence_events(ds, mission["mission_id"])["date"]
    return min((covered_days(d)[1] for d in dates), default=dt.date.max)


def mission_bar(ds: Dataset, mission: pd.Series, as_of: dt.date) -> BarGeometry:
    """Geometry of one mission's bar, narrowed to its parent's period."""
    floor, ceiling = None, None
    parent = ds.missions[ds.missions["mission_id"] == mission["parent_mission_id"]]
    if len(parent):
        start, end = parent.iloc[0]["start_date"], parent.iloc[0]["end_date"]
        floor = day_span(start)[0] if isinstance(start, str) else None
        ceiling = day_span(end)[1] if isinstance(end, str) else None
    evidence = [covered_days(d) for d in evidence_events(ds, mission["mission_id"])["date"]]
    return bar_segments(
        mission["start_date"] if isinstance(mission["start_date"], str) else None,
        mission["end_date"] if isinstance(mission["end_date"], str) else None,
        ongoing=is_ongoing(mission),
        # Confirmed running up to the first day the latest source's date can mean.
        confirmed_to=(
            covered_days(mission["last_reported"])[0]
            if isinstance(mission["last_reported"], str)
            else None
        ),
        as_of=as_of,
        floor=floor,
        ceiling=ceiling,
        evidence=evidence,
    )


def mission_colour_of(ds: Dataset, mission: Mapping[str, object]) -> str:
    """A mission's colour (``mission``: a row of the missions table, or its two ids);
    a sub-unit without its own takes its parent's."""
    for mission_id in (mission["mission_id"], mission["parent_mission_id"]):
        if isinstance(mission_id, str) and mission_id in MISSION_COLOURS:
            return MISSION_COLOURS[mission_id]
    return NEUTRAL


def _label_rows(ax: Axes, rows: pd.DataFrame) -> None:
    """Left-aligned row labels, sub-units indented, smaller and grey.

    Tick labels (rather than free text) keep the y-axis label placed clear of them.
    """
    labels = [row_label(m) for _, m in rows.iterrows()]
    ax.set_yticks(range(len(rows)), labels)
    ax.tick_params(axis="y", length=0)
    fig = ax.figure
    renderer = lay_out(fig)
    ticks = ax.yaxis.get_major_ticks()
    for tick, (_, mission) in zip(ticks, rows.iterrows(), strict=True):
        tick.label1.set_horizontalalignment("left")
        if mission["depth"]:
            tick.label1.set_fontsize(8.8)
            tick.label1.set_color(TEXT_GREY)
        else:
            tick.label1.set_fontweight("bold")
    widths = [t.label1.get_window_extent(renderer).width for t in ticks]
    column_pt = max(w + 12 * d for w, d in zip(widths, rows["depth"], strict=True)) * 72 / fig.dpi
    for tick, depth in zip(ticks, rows["depth"], strict=True):
        tick.set_pad(column_pt + 6 - 12 * depth)


def _mark_moments(ax: Axes, events: pd.DataFrame, labels: Mapping[str, str], y: float) -> None:
    """Thin lines (or a band, for a month) across the chart at key moments, labelled on top."""
    for _, event in events.iterrows():
        first, stop = day_span(event["date"])
        if is_exact(event["date"]):
            x = x_of(first) + 0.5
            ax.axvline(x, color="#777777", linewidth=0.9, linestyle=(0, (4, 2)), zorder=1)
        else:
            x = x_of(first)
            ax.axvspan(x_of(first), x_of(stop), color="#bbbbbb", alpha=0.5, linewidth=0, zorder=1)
        ax.annotate(
            f"{labels[event['event_id']]}\n{date_label(event['date'])}",
            (x_of(stop) if not is_exact(event["date"]) else x, y),
            xytext=(4, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=8.8,
            color="#333333",
            linespacing=1.2,
        )


def _group_dividers(ax: Axes, rows: pd.DataFrame) -> None:
    """Faint lines between a parent's group and the next, so sub-units read as one block."""
    for i in range(1, len(rows)):
        if rows.iloc[i]["depth"] == 0:
            ax.axhline(i - 0.5, color="#e4e4e4", linewidth=0.8, zorder=0)


def _default_note(rows: pd.DataFrame, missions: Iterable[str] | None) -> str:
    """What the reader needs to know about how the bars were drawn."""
    note = (
        "Bars are narrowed to the parent's period; where no start or end is stated, the bar"
        " starts or ends at the activity's first or last dated event."
    )
    if missions is None:
        note += " 'NMI I' and 'NMI II', periods named by one anonymous timeline, are not drawn."
    if rows.apply(is_ongoing, axis=1).any():
        note += " Ongoing means the latest source on the activity calls it so."
    return note


def _period_words(mission: pd.Series) -> str:
    """A row's name and period as the bar draws it: 'NTM-I 2004 to 31 Dec 2011',
    'NMI from Oct 2018, ongoing', 'NATO-Iraq partnership (start not stated), ongoing'."""
    short = mission["short_name"]
    name = short if isinstance(short, str) else row_label(mission)
    start, end = mission["start_date"], mission["end_date"]
    if isinstance(start, str) and isinstance(end, str):
        return f"{name} {date_label(start)} to {date_label(end)}"
    if isinstance(start, str):
        return f"{name} from {date_label(start)}" + (
            ", ongoing" if is_ongoing(mission) else " (end not stated)"
        )
    if isinstance(end, str):
        return f"{name} until {date_label(end)} (start not stated)"
    return f"{name} (start not stated)" + (", ongoing" if is_ongoing(mission) else ", undated")


def _alt_text(
    rows: pd.DataFrame,
    bars: Sequence[BarGeometry],
    moment_events: pd.DataFrame,
    moments: Mapping[str, str],
    as_of: dt.date,
) -> str:
    """Alt text of the timeline: how many bars over which years, each top row's period,
    sub-units still running, the moments marked and the dates no source gives."""
    starts = [s for s in rows["start_date"] if isinstance(s, str)]
    first = (
        date_label(min(starts, key=lambda s: covered_days(s)[0]))
        if starts
        else month_year(min(b.start for b in bars))
    )
    subunits = int((rows["depth"] > 0).sum())
    what = plural(len(rows), "mission or programme", "missions and programmes")
    what += f" ({subunits} of them sub-units, indented)" if subunits else ""
    top = rows[rows["depth"] == 0]
    running = [
        row_label(m)
        for (_, m), b in zip(rows.iterrows(), bars, strict=True)
        if b.ongoing and m["depth"]
    ]
    marked = [
        f"{moments[e['event_id']]} ({date_label(e['date'])})" for _, e in moment_events.iterrows()
    ]
    unstated = sum(
        any(s.kind in ("unknown_start", "unknown_end", "undated") for s in b.segments) for b in bars
    )
    return compose(
        [
            f"Gantt timeline of {what} from {first} to {day_label(as_of)}",
            f"{'Top-level rows' if subunits else 'Rows'}: "
            + listing((_period_words(m) for _, m in top.iterrows()), 330, sep="; "),
            f"Sub-units still running: {listing(running, 120)}" if running else "",
            f"Vertical lines mark {listing(marked, 160)}" if marked else "",
            f"{plural(unstated, 'bar has', 'bars have')} a start or end no source states"
            " (a dotted stub with a question mark)"
            if unstated
            else "",
        ]
    )


@house_style
def mission_timeline(
    ds: Dataset,
    missions: Sequence[str] | None = None,
    title: str = "NATO's missions and programmes for Iraq, 2004 to today",
    note: str | None = None,
    *,
    as_of: dt.date | None = None,
    moments: Mapping[str, str] = DEFAULT_MOMENTS,
) -> Figure:
    """Gantt-like timeline of NATO's engagement with Iraq, one bar per mission or programme.

    ``missions`` limits the rows to these ids (default: all but the periods that
    only one timeline names). ``as_of`` is where ongoing bars stop: a fixed date,
    so the figure is the same on every run. ``moments`` maps event ids to the
    short labels of the lines drawn across the chart. ``note`` replaces the
    default note on how bars are drawn.
    """
    rows = mission_rows(ds, missions)
    # At least five rows' height, so the y-axis label fits beside a short list.
    fig = new_figure(10, 2.6 + _ROW_IN * (max(len(rows), 5) + 1))
    ax = fig.add_subplot()
    fig.subplots_adjust(right=0.97, top=0.85)
    ax.set_ylim(len(rows) - 0.45, -1.55)  # top row -1 holds the moment labels
    as_of = as_of or edition_as_of(ds)
    time_axis(ax, x_of(dt.date(2003, 7, 1)), x_of(as_of + dt.timedelta(days=365)))
    ax.grid(False, axis="y")
    ax.spines["left"].set_visible(False)

    evidence_ids: list[str] = []
    bars: list[BarGeometry] = []
    for y, (_, mission) in enumerate(rows.iterrows()):
        bar = mission_bar(ds, mission, as_of)
        bars.append(bar)
        height = _CHILD_HEIGHT if mission["depth"] else _PARENT_HEIGHT
        draw_bar(ax, bar, y, mission_colour_of(ds, mission), height=height)
        evidence_ids += list(evidence_events(ds, mission["mission_id"])["event_id"])
    _group_dividers(ax, rows)
    moment_events = ds.events[ds.events["event_id"].isin(list(moments))]
    _mark_moments(ax, moment_events, moments, y=-1.0)
    ax.axvline(x_of(as_of + ONE_DAY), color="#999999", linewidth=0.8, zorder=1)

    _label_rows(ax, rows)
    indented = rows["depth"].any() and len(rows) >= 10  # the longer label needs the room
    ax.set_ylabel("Mission or programme" + (" (sub-units indented)" if indented else ""))
    ax.set_title(title, loc="left")
    # Margins follow what is drawn: the label column on the left, title and key on top.
    fit_left(ax)
    handles, labels = encoding_key(as_of=as_of)
    title_text = key_above(ax, handles, labels, ncol=2, left=left_of_labels(ax))
    fit_top(ax, title_text)

    record_ids = [*rows["mission_id"], *evidence_ids, *moment_events["event_id"]]
    return finish(
        fig,
        source_names(ds, record_ids),
        note if note is not None else _default_note(rows, missions),
        alt=_alt_text(rows, bars, moment_events, moments, as_of),
    )
