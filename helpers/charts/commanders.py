"""Commanders of a mission over time: one bar per commander, marked by nation.

Rows run in order of taking command. Each bar has its nation's colour, and the
nation is also written next to it, so the chart reads in grayscale. Dates are
drawn as in the mission timeline (:mod:`helpers.charts._time`): a start or end
known only to the month or year fades across its days, one no source states is
a dotted stub ending in "?". A commander whose name the sources do not give is
shown as such, never with an invented name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers.charts._alt import compose, listing, plural
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
    fit_arrowheads,
    fit_left,
    fit_top,
    key_above,
    left_of_labels,
    points_high,
    time_axis,
    x_of,
)
from helpers.citations import source_names
from helpers.data import Dataset
from helpers.style import OKABE_ITO, TEXT_GREY, finish, house_style, lay_out, new_figure

#: Okabe-Ito colours handed to nations in turn, in an order whose neighbours
#: also differ in grey (yellow, too pale for a bar on white, comes last).
NATION_PALETTE = (
    "blue",
    "orange",
    "green",
    "vermillion",
    "sky",
    "purple",
    "black",
    "grey",
    "yellow",
)

#: Usual short forms of the ranks the sources give.
RANK_ABBREVIATIONS = {
    "General": "Gen",
    "Lieutenant General": "Lt Gen",
    "Major General": "Maj Gen",
    "Brigadier General": "Brig Gen",
}

#: Our short comments on rows whose dates need a word, by appointment id.
DEFAULT_COMMENTS: dict[str, str] = {}

#: What the reader needs to know about how the bars were drawn.
DEFAULT_NOTE = (
    "Terms are narrowed to the mission's own period; an end that no source states is drawn"
    " at most to the next commander's start (or for a year)."
)

_ROW_IN = 0.42  # height of one row, inches
_BAR_HEIGHT = 0.56


def nation_colours(ds: Dataset) -> dict[str, str]:
    """One colour per nation that has provided a mission commander, the same in every chart.

    Nations are taken from *all* commanders in the dataset (not one mission's),
    in order of their id, so Canada has the same colour whichever mission is drawn.
    """
    posts = ds.appointments[ds.appointments["role_type"] == "mission_commander"]
    people = ds.by_key("people")
    nations = sorted(people.loc[posts["person_id"], "nationality_org_id"].dropna().unique())
    return {
        nation: OKABE_ITO[NATION_PALETTE[i % len(NATION_PALETTE)]]
        for i, nation in enumerate(nations)
    }


def is_placeholder(person_note: object) -> bool:
    """True for a person's note that marks an explicit placeholder row of people.csv
    (a name no source gives). The table marks them only there, with 'PLACEHOLDER'."""
    return isinstance(person_note, str) and person_note.startswith("PLACEHOLDER")


def alternative_claims(ds: Dataset, mission: str) -> dict[str, tuple[str, list[str]]]:
    """Commander appointments that are other sources' versions of one term.

    When sources disagree on a commander's rank or dates, each version is its
    own appointment row, linked in ``discrepancies.csv``. The chart draws one
    bar per person: the version listed first in ``appointments.csv``. Returns,
    for that appointment, the disagreement's topic and the ids of the versions
    left undrawn.
    """
    posts = ds.appointments[
        (ds.appointments["role_type"] == "mission_commander")
        & (ds.appointments["mission_id"] == mission)
    ]
    order = {a: i for i, a in enumerate(posts["appointment_id"])}
    person = dict(zip(posts["appointment_id"], posts["person_id"], strict=True))
    topics = ds.discrepancies.set_index("discrepancy_id")["topic"]
    found: dict[str, tuple[str, list[str]]] = {}
    claims = ds.discrepancy_claims[ds.discrepancy_claims["record_id"].isin(order)]
    for discrepancy, group in claims.groupby("discrepancy_id", sort=False):
        by_person: dict[str, list[str]] = {}
        for appointment in group["record_id"]:
            by_person.setdefault(person[appointment], []).append(appointment)
        for versions in by_person.values():
            if len(versions) > 1:
                kept, *others = sorted(versions, key=order.__getitem__)
                dropped = [*found.get(kept, ("", []))[1], *others]
                found[kept] = (str(topics[discrepancy]), dropped)
    return found


def commander_rows(ds: Dataset, mission: str) -> pd.DataFrame:
    """The mission's commanders with person and nation, in order of taking command.

    One row per term: where sources disagree on a term (its rank, its dates),
    only the version listed first is a row (see :func:`alternative_claims`).
    The order uses the latest day each can have started (undated starts: the
    first event showing them in command), so year-only dates sort sensibly.
    """
    undrawn = {a for _, others in alternative_claims(ds, mission).values() for a in others}
    posts = ds.appointments[
        (ds.appointments["role_type"] == "mission_commander")
        & (ds.appointments["mission_id"] == mission)
        & ~ds.appointments["appointment_id"].isin(undrawn)
    ]
    people = ds.people.rename(columns={"name": "person_name", "note": "person_note"})
    nations = ds.organisations[["org_id", "name"]].rename(
        columns={"org_id": "nationality_org_id", "name": "nation"}
    )
    rows = posts.merge(people, on="person_id", how="left").merge(
        nations, on="nationality_org_id", how="left"
    )
    anchor = rows.apply(lambda r: _start_anchor(ds, r), axis=1)
    return (
        rows.assign(_anchor=anchor)
        .sort_values(["_anchor", "appointment_id"], kind="stable")
        .drop(columns="_anchor")
        .reset_index(drop=True)
    )


def command_events(ds: Dataset, person_id: str) -> pd.DataFrame:
    """Events in which the person took part as commander: evidence of being in post."""
    actors = ds.event_actors
    ids = actors.loc[
        (actors["person_id"] == person_id) & (actors["role"] == "commander"), "event_id"
    ]
    return ds.events[ds.events["event_id"].isin(ids)]


def _start_anchor(ds: Dataset, row: pd.Series) -> dt.date:
    """Latest day the commander can have taken command (undated and unevidenced: last)."""
    if isinstance(row["from_date"], str):
        return covered_days(row["from_date"])[1]
    dates = command_events(ds, row["person_id"])["date"]
    return min((covered_days(d)[1] for d in dates), default=dt.date.max)


def row_label(row: pd.Series) -> str:
    """'Maj Gen Dany Fortin'; a placeholder person as 'France (name not in sources)'."""
    if is_placeholder(row["person_note"]):
        return f"{row['nation']} (name not in sources)"
    rank = row["rank"] if isinstance(row["rank"], str) else ""
    return f"{RANK_ABBREVIATIONS.get(rank, rank)} {row['person_name']}".strip()


def commander_bar(
    ds: Dataset, rows: pd.DataFrame, i: int, mission: pd.Series, as_of: dt.date
) -> BarGeometry:
    """Geometry of row ``i``: within the mission's period, and ending (if unstated) by
    the time the next commander took over.

    A commander recorded as still in post (``to_status`` "in_post") runs to
    ``as_of``; an end the sources do not state ("not_stated") is drawn as unknown.
    """
    row = rows.iloc[i]
    floor = day_span(mission["start_date"])[0] if isinstance(mission["start_date"], str) else None
    ceilings = [as_of + ONE_DAY]
    if isinstance(mission["end_date"], str):
        ceilings.append(day_span(mission["end_date"])[1])
    if i + 1 < len(rows) and isinstance(rows.iloc[i + 1]["from_date"], str):
        ceilings.append(day_span(rows.iloc[i + 1]["from_date"])[1])
    evidence = [covered_days(d) for d in command_events(ds, row["person_id"])["date"]]
    return bar_segments(
        row["from_date"] if isinstance(row["from_date"], str) else None,
        row["to_date"] if isinstance(row["to_date"], str) else None,
        ongoing=row["to_status"] == "in_post",
        as_of=as_of,
        floor=floor,
        ceiling=min(ceilings),
        evidence=evidence,
    )


def _write_row(
    ax: Axes, y: int, bar: BarGeometry, row: pd.Series, comment: str | None, seen: str | None
) -> None:
    """Start date left of the bar, nation right of it in bold, and a comment under the nation.

    With no start date, ``seen`` (when an event shows them in command) is
    written instead. The axes are widened afterwards to hold every text
    (:func:`_widen_to_fit`), so a comment never runs off the figure.
    """
    x0, x1 = x_of(bar.start), x_of(bar.stop)
    if isinstance(row["from_date"], str):
        before = date_label(row["from_date"])
    else:
        before = f"start not stated; in command {seen}" if seen else "start not stated"
    # Clear of the '?' of an unstated start, which sits just before the bar.
    lead = 14 if bar.segments[0].kind == "unknown_start" else 5
    ax.annotate(
        before, (x0, y), xytext=(-lead, 0), textcoords="offset points",
        ha="right", va="center", fontsize=8.8, color=TEXT_GREY,
    )  # fmt: skip
    # Past the '?' of an unstated end, or the arrowhead of a term still running.
    gap = 14 if bar.segments[-1].kind == "unknown_end" else 5
    if bar.ongoing:
        gap += points_high(ax, _BAR_HEIGHT)
    nation = row["nation"] if isinstance(row["nation"], str) else "Nation not stated"
    ax.annotate(
        nation, (x1, y), xytext=(gap, 0), textcoords="offset points", ha="left", va="center",
        fontsize=9.2, color="#222222", fontweight="bold",
    )  # fmt: skip
    if comment:
        ax.annotate(
            comment, (x1, y), xytext=(gap, -11), textcoords="offset points", ha="left",
            va="center", fontsize=8.5, color=TEXT_GREY, fontstyle="italic",
        )  # fmt: skip


def _term_words(row: pd.Series, bar: BarGeometry, as_of: dt.date) -> str:
    """'Dany Fortin from Nov 2018', with 'in post' for a term still running."""
    who = "name not in sources" if is_placeholder(row["person_note"]) else row["person_name"]
    start = date_label(row["from_date"]) if isinstance(row["from_date"], str) else None
    words = f"{who} " + (f"from {start}" if start else "start not stated")
    return words + (f", in post as of {day_label(as_of)}" if bar.ongoing else "")


def _alt_text(
    mission_row: pd.Series,
    rows: pd.DataFrame,
    bars: list[BarGeometry],
    versions: Mapping[str, tuple[str, list[str]]],
    as_of: dt.date,
) -> str:
    """Alt text of the chart: how many commanders over which years, where sources
    differ, each term in order under its nation, and the dates no source states."""
    starts = [d for d in rows["from_date"] if isinstance(d, str)]
    ends = [d for d in rows["to_date"] if isinstance(d, str)]
    span = ""
    if starts:
        span = f" from {date_label(min(starts, key=lambda d: covered_days(d)[0]))}"
        if bars[-1].ongoing:
            span += f" to {day_label(as_of)}"
        elif ends:
            span += f" to {date_label(max(ends, key=lambda d: covered_days(d)[1]))}"
    short = mission_row["short_name"]
    name = str(mission_row["name"]) + (f" ({short})" if isinstance(short, str) else "")
    # Terms in order, consecutive terms of one nation under one heading.
    runs: list[tuple[str, list[str]]] = []
    for (_, row), bar in zip(rows.iterrows(), bars, strict=True):
        nation = row["nation"] if isinstance(row["nation"], str) else "Nation not stated"
        if not runs or runs[-1][0] != nation:
            runs.append((nation, []))
        runs[-1][1].append(_term_words(row, bar, as_of))
    unstated = sum(
        any(s.kind in ("unknown_start", "unknown_end", "undated") for s in b.segments) for b in bars
    )
    return compose(
        [
            f"Timeline of the {plural(len(rows), 'commander')} of {name}{span}, one bar per"
            " term, coloured and labelled by nation",
            f"Sources differ on {listing((t for t, _ in versions.values()), 160, sep='; ')};"
            " the row says so"
            if versions
            else "",
            "In order: "
            + listing((f"{nation}: {listing(terms, 300)}" for nation, terms in runs), 380, "; "),
            f"{plural(unstated, 'term has', 'terms have')} a start or end no source states"
            " (a dotted stub with a question mark)"
            if unstated
            else "",
        ]
    )


@house_style
def commanders_chart(
    ds: Dataset,
    mission: str = "mis-nmi",
    title: str | None = None,
    note: str | None = None,
    *,
    as_of: dt.date | None = None,
    comments: Mapping[str, str] = DEFAULT_COMMENTS,
) -> Figure:
    """Commanders of ``mission`` over time, one bar per commander, marked by nation.

    ``title`` defaults to "Commanders of <mission name>". ``comments`` maps
    appointment ids to a short remark written after the nation (a term that
    sources tell in several versions gets one of its own). ``as_of`` bounds a
    term still in post; it defaults to the day of the latest fact in the data
    (:func:`~helpers.charts._time.edition_as_of`), never the clock.
    ``note`` replaces :data:`DEFAULT_NOTE`.
    """
    missions = ds.missions.set_index("mission_id", drop=False)
    mission_row = missions.loc[mission]
    rows = commander_rows(ds, mission)
    if rows.empty:
        raise ValueError(f"no commanders of {mission!r} in appointments.csv")
    colours = nation_colours(ds)
    as_of = as_of or edition_as_of(ds)
    bars = [commander_bar(ds, rows, i, mission_row, as_of) for i in range(len(rows))]
    # Where sources give another version of a term, the row says so.
    versions = alternative_claims(ds, mission)
    comments = {
        **{kept: f"Sources differ: {topic}" for kept, (topic, _) in versions.items()},
        **comments,
    }

    # At least two rows' height, so a lone commander still gets a proper chart.
    shown = max(len(rows), 2)
    # A longer key (with the 'ongoing' entries) needs its own room.
    key_in = 0.45 if any(bar.ongoing for bar in bars) else 0.0
    fig = new_figure(10, 2.9 + key_in + _ROW_IN * shown)
    ax = fig.add_subplot()
    fig.subplots_adjust(right=0.97)
    spare = (shown - len(rows)) / 2
    ax.set_ylim(len(rows) - 0.4 + spare, -0.6 - spare)
    time_axis(ax, *_window(bars))
    ax.grid(False, axis="y")
    ax.spines["left"].set_visible(False)

    evidence_ids: list[str] = []
    for y, (bar, (_, row)) in enumerate(zip(bars, rows.iterrows(), strict=True)):
        colour = colours.get(row["nationality_org_id"], "#555555")
        draw_bar(ax, bar, y, colour, height=_BAR_HEIGHT)
        seen = command_events(ds, row["person_id"])
        first_seen = date_label(min(seen["date"], key=covered_days)) if len(seen) else None
        _write_row(ax, y, bar, row, comments.get(row["appointment_id"]), first_seen)
        evidence_ids += list(seen["event_id"])

    ax.set_yticks(range(len(rows)), [row_label(r) for _, r in rows.iterrows()])
    ax.tick_params(axis="y", length=0, pad=6)
    ax.set_ylabel("Commander")
    ax.set_title(title or f"Commanders of {mission_row['name']}", loc="left")
    fit_left(ax)
    _widen_to_fit(ax)  # after the left margin is set, which narrows the axes
    ongoing = any(bar.ongoing for bar in bars)
    handles, labels = encoding_key(ongoing=ongoing, as_of=as_of)
    title_text = key_above(ax, handles, labels, ncol=2 if ongoing else 3, left=left_of_labels(ax))
    fit_top(ax, title_text)
    fit_arrowheads(ax, _BAR_HEIGHT)  # the key took height from the axes

    record_ids = [
        mission,
        *rows["appointment_id"],
        *(other for _, others in versions.values() for other in others),
        *rows["person_id"],
        *rows["nationality_org_id"].dropna(),
        *evidence_ids,
    ]
    return finish(
        fig,
        source_names(ds, record_ids),
        DEFAULT_NOTE if note is None else note,
        alt=_alt_text(mission_row, rows, bars, versions, as_of),
    )


def _widen_to_fit(ax: Axes, rounds: int = 4) -> None:
    """Widen the x-limits until every text written in the axes lies inside them.

    Texts sit at data points with offsets in points, so widening (which shrinks
    the scale) moves them; a few rounds settle it.
    """
    fig = ax.figure
    for _ in range(rounds):
        renderer = lay_out(fig)
        box = ax.get_window_extent(renderer)
        extents = [t.get_window_extent(renderer) for t in ax.texts]
        over_left = max(0.0, box.x0 + 4 - min(e.x0 for e in extents))
        over_right = max(0.0, max(e.x1 for e in extents) - box.x1 + 4)
        if not over_left and not over_right:
            return
        low, high = ax.get_xlim()
        per_px = (high - low) / box.width
        ax.set_xlim(low - over_left * per_px * 1.1, high + over_right * per_px * 1.1)


def _window(bars: list[BarGeometry]) -> tuple[float, float]:
    """x-limits around the bars, with a little room; :func:`_widen_to_fit` then
    makes room for the texts beside them."""
    low, high = x_of(min(b.start for b in bars)), x_of(max(b.stop for b in bars))
    span = max(high - low, 365.0)
    return low - 0.04 * span - 60, high + 0.04 * span + 60
