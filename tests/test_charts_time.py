"""Time charts: mission timeline, event strip, commanders; and their date geometry.

Image tests compare with the PNGs in tests/baseline (pytest-mpl). Each names its
style ("default"), so the images match whether or not the project's
``--mpl-default-style`` option is in force. Regenerate them, after looking at the
change, with:

    uv run pytest -p no:xdist -o addopts="" --mpl-generate-path=tests/baseline \
        tests/test_charts_time.py
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from helpers.charts._time import (
    DEFAULT_AS_OF,
    ONE_DAY,
    Segment,
    bar_segments,
    bound_day,
    covered_days,
    date_label,
    day_span,
    draw_bar,
    x_of,
)
from helpers.charts.commanders import (
    commander_bar,
    commander_rows,
    commanders_chart,
    nation_colours,
)
from helpers.charts.events import assign_lanes, event_strip, place_callouts, select_events
from helpers.charts.timeline import mission_rows, mission_timeline
from helpers.data import load
from helpers.style import new_figure, text_outside, text_overlaps

D = dt.date


@pytest.fixture(scope="module")
def ds():
    return load()


def check_chart(fig: Figure, xlabel: str = "Year", ylabel: bool = True) -> None:
    """What every chart must have: no text on text, title, axis labels, source line."""
    assert text_overlaps(fig) == []
    assert text_outside(fig) == []
    ax = fig.axes[0]
    assert ax.get_title(loc="left").strip()
    assert ax.get_xlabel() == xlabel
    if ylabel:
        assert ax.get_ylabel().strip()
    assert any(t.get_text().startswith("Sources: ") for t in fig.texts)


# --- Charts -------------------------------------------------------------------------


@pytest.mark.mpl_image_compare(filename="mission_timeline.png", style="default")
def test_mission_timeline(ds) -> Figure:
    fig = mission_timeline(ds)
    check_chart(fig)
    return fig


def test_timeline_leaves_out_one_texts_period_labels(ds) -> None:
    ids = list(mission_rows(ds, None)["mission_id"])
    assert "mis-nmi" in ids
    assert not {"mis-nmi-phase-1", "mis-nmi-phase-2"} & set(ids)
    # Sub-units follow their parent.
    assert ids.index("mis-ntecg") == ids.index("mis-ntm-i") + 1


@pytest.mark.mpl_image_compare(filename="event_strip_2004.png", style="default")
def test_event_strip_first_year(ds) -> Figure:
    fig = event_strip(ds, start="2004", end="2005", title="NATO and Iraq, 2004-2005")
    check_chart(fig, xlabel="Date", ylabel=False)
    return fig


@pytest.mark.mpl_image_compare(filename="event_strip_nmi.png", style="default")
def test_event_strip_nmi(ds) -> Figure:
    fig = event_strip(ds, mission="mis-nmi", title="Events of NATO Mission Iraq")
    check_chart(fig, ylabel=False)
    return fig


def test_event_strip_labels_every_event_it_can(ds) -> None:
    fig = event_strip(ds, start="2004-06", end="2004-08")
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert any(t.startswith("28 Jun 2004: Istanbul Summit") for t in texts)
    assert text_overlaps(fig) == []


def test_event_strip_highlight_limits_callouts(ds) -> None:
    fig = event_strip(ds, mission="mis-ntm-i", highlight=["evt-ntm-i-withdrawal"])
    texts = [t.get_text().replace("\n", " ") for t in fig.axes[0].texts]
    assert texts == ["31 Dec 2011: NTM-I withdrawn from Iraq"]


def test_event_window_includes_the_whole_end_year(ds) -> None:
    events = select_events(ds, "2011", "2011", None, None)
    assert "evt-ntm-i-withdrawal" in set(events["event_id"])  # 31 Dec 2011
    assert events["first"].min() >= D(2011, 1, 1)


@pytest.mark.mpl_image_compare(filename="commanders_nmi.png", style="default")
def test_commanders_nmi(ds) -> Figure:
    fig = commanders_chart(ds)
    check_chart(fig)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "Maj Gen Dany Fortin"
    # France's commander, once a placeholder row, is now named by the sources.
    assert labels[-1] == "Maj Gen Christophe Hintzy"
    return fig


def _without_dates(ds, appointment_id: str):
    """A copy of ``ds`` in which no source dates the term ``appointment_id``."""
    appointments = ds.appointments.copy()
    row = appointments["appointment_id"] == appointment_id
    appointments.loc[row, ["from_date", "to_date"]] = pd.NA
    appointments.loc[row, "to_status"] = "not_stated"
    return dataclasses.replace(ds, tables={**ds.tables, "appointments": appointments})


@pytest.mark.parametrize(
    ("mission", "appointment_id", "xlabel"),
    [
        # A mission whose only head is undated: a short window, in dates.
        ("mis-ntim", "apt-hilderink-ntim", "Date"),
        # An undated last head after dated ones, as Caslen was before his dates were found.
        ("mis-ntm-i", "apt-caslen-ntm-i", "Year"),
    ],
)
def test_commanders_of_a_mission_with_undated_head(ds, mission, appointment_id, xlabel) -> None:
    # Every commander in the data is dated now, so the case is built in a copy.
    fig = commanders_chart(_without_dates(ds, appointment_id), mission=mission)
    check_chart(fig, xlabel=xlabel)
    assert any(t.get_text().startswith("start not stated") for t in fig.axes[0].texts)


@pytest.mark.parametrize(
    ("status", "last_kind"), [("in_post", "certain"), ("not_stated", "unknown_end")]
)
def test_a_term_without_an_end_date_follows_its_end_status(ds, status, last_kind) -> None:
    rows = commander_rows(ds, "mis-nmi")
    last = len(rows) - 1
    assert not isinstance(rows.loc[last, "to_date"], str)
    rows.loc[last, "to_status"] = status
    mission = ds.missions.set_index("mission_id").loc["mis-nmi"]
    bar = commander_bar(ds, rows, last, mission, as_of=D(2026, 1, 31))
    assert bar.segments[-1].kind == last_kind
    assert bar.ongoing == (status == "in_post")
    if status == "in_post":
        assert bar.stop == D(2026, 2, 1)


def _bar_colours(fig: Figure) -> dict[int, set[str]]:
    """The fill colours of the bars on each row (y) of a commanders chart."""
    from matplotlib.colors import to_hex
    from matplotlib.patches import Rectangle

    rows: dict[int, set[str]] = {}
    for patch in fig.axes[0].patches:
        if isinstance(patch, Rectangle) and patch.get_fill():
            y = round(patch.get_y() + patch.get_height() / 2)
            rows.setdefault(y, set()).add(to_hex(patch.get_facecolor()))
    return rows


def test_nation_colours_are_stable_across_missions(ds) -> None:
    """One colour per nation, from all commanders, and every mission's chart uses it."""
    colours = nation_colours(ds)
    posts = ds.appointments[ds.appointments["role_type"] == "mission_commander"]
    people = ds.people.set_index("person_id")
    nations = set(people.loc[posts["person_id"], "nationality_org_id"].dropna())
    assert set(colours) == nations and len(nations) >= 2
    assert len(set(colours.values())) == len(colours), "two nations share a colour"
    for mission in ("mis-nmi", "mis-ntm-i"):
        rows = commander_rows(ds, mission)
        drawn = _bar_colours(commanders_chart(ds, mission))
        # Row y of either chart is painted in the shared key's colour of its nation.
        for y, nation in enumerate(rows["nationality_org_id"]):
            assert colours.get(nation, "#555555").lower() in drawn.get(y, set()), (mission, y)


# --- Geometry of partial dates --------------------------------------------------------


def test_a_month_end_covers_the_whole_month() -> None:
    assert covered_days("2018-10") == (D(2018, 10, 1), D(2018, 10, 31))
    assert day_span("2018-10") == (D(2018, 10, 1), D(2018, 11, 1))


def test_a_year_start_fades_in_from_1_jan_to_31_dec() -> None:
    bar = bar_segments("2004", "2011-12-31")
    assert bar.segments == (
        Segment("fade_in", D(2004, 1, 1), D(2005, 1, 1)),
        Segment("certain", D(2005, 1, 1), D(2012, 1, 1)),
    )


def test_a_year_start_is_drawn_from_1_jan_to_the_end_of_31_dec() -> None:
    fig = new_figure(6, 2)
    ax = fig.add_subplot()
    draw_bar(ax, bar_segments("2004", "2004-12-31"), 0, "#0072B2")
    fade = next(c for c in ax.collections if isinstance(c, PolyCollection))
    xs = np.concatenate([p.vertices[:, 0] for p in fade.get_paths()])
    assert xs.min() == pytest.approx(x_of(D(2004, 1, 1)))
    assert xs.max() == pytest.approx(x_of(D(2004, 12, 31)) + 1)  # end of 31 Dec


def test_a_month_end_fades_out_across_the_month() -> None:
    bar = bar_segments("2012-06", "2013-05")
    assert bar.segments[-1] == Segment("fade_out", D(2013, 5, 1), D(2013, 6, 1))
    assert bar.segments[1] == Segment("certain", D(2012, 7, 1), D(2013, 5, 1))


def test_exact_dates_have_sharp_edges() -> None:
    bar = bar_segments("2004-07-30", "2004-12-16")
    assert bar.segments == (Segment("certain", D(2004, 7, 30), D(2004, 12, 17)),)


def test_ongoing_runs_to_the_as_of_date_and_unknown_end_is_a_stub() -> None:
    ongoing = bar_segments("2018-10", None, ongoing=True)
    assert ongoing.ongoing
    assert ongoing.stop == DEFAULT_AS_OF + ONE_DAY
    assert all(s.kind != "unknown_end" for s in ongoing.segments)
    unknown = bar_segments("2004-10-08", None)
    assert not unknown.ongoing
    assert unknown.segments[-1] == Segment("unknown_end", D(2004, 10, 9), D(2005, 10, 9))


def test_uncertain_start_is_narrowed_to_the_floor() -> None:
    bar = bar_segments("2018", "2019-11", floor=D(2018, 10, 1))
    assert bar.segments[0] == Segment("fade_in", D(2018, 10, 1), D(2019, 1, 1))


def test_missing_start_is_anchored_on_evidence() -> None:
    evidence = [(D(2011, 4, 1), D(2011, 4, 30)), (D(2011, 1, 1), D(2011, 12, 31))]
    bar = bar_segments(None, None, ongoing=True, evidence=evidence)
    assert bar.segments[0] == Segment("unknown_start", D(2010, 4, 30), D(2011, 4, 30))
    assert bar.segments[1].start == D(2011, 4, 30)


def test_missing_end_with_older_evidence_starts_after_the_start() -> None:
    # Fortin: start 2018 (from Oct, the mission's start), evidence only '2018'.
    bar = bar_segments(
        "2018", None, floor=D(2018, 10, 1), ceiling=D(2019, 12, 1), evidence=[covered_days("2018")]
    )
    assert [s.kind for s in bar.segments] == ["fade_in", "certain", "unknown_end"]
    assert bar.segments[-1] == Segment("unknown_end", D(2019, 1, 1), D(2019, 12, 1))


def test_nothing_dated_spans_the_possible_range() -> None:
    bar = bar_segments(None, None, floor=D(2004, 1, 1), ceiling=D(2012, 1, 1))
    assert bar.segments == (Segment("undated", D(2004, 1, 1), D(2012, 1, 1)),)


def test_start_and_end_in_one_year_meet_halfway() -> None:
    bar = bar_segments("2018", "2018")
    kinds = [s.kind for s in bar.segments]
    assert kinds == ["fade_in", "certain", "fade_out"]
    assert bar.segments[1].start == bar.segments[1].stop
    assert bar.start == D(2018, 1, 1) and bar.stop == D(2019, 1, 1)


def test_date_labels_keep_their_precision() -> None:
    assert date_label("2004-06-28") == "28 Jun 2004"
    assert date_label("2018-07") == "Jul 2018"
    assert date_label("2014") == "2014"


def test_window_bounds_are_inclusive_of_partial_dates() -> None:
    assert bound_day("2011", "start") == D(2011, 1, 1)
    assert bound_day("2011", "end") == D(2012, 1, 1)
    assert bound_day(D(2011, 5, 3), "end") == D(2011, 5, 4)


# --- Callout and lane placement -------------------------------------------------------


def test_lanes_separate_overlapping_events() -> None:
    assert assign_lanes([(0, 10), (5, 15), (20, 30), (21, 22)], clearance=2) == [0, 1, 0, 1]


def test_callouts_never_overlap() -> None:
    sizes = [(120.0, 20.0)] * 8
    reaches = [(a, a) for a in (10.0, 12.0, 14.0, 200.0, 202.0, 400.0, 401.0)] + [(0.0, 480.0)]
    placed = place_callouts(sizes, reaches, width=500.0, base=10.0)
    boxes = [(side, box) for side, box in placed]
    for i, (side_a, a) in enumerate(boxes):
        assert a.x0 >= 0 and a.x1 <= 500
        for side_b, b in boxes[i + 1 :]:
            if side_a == side_b:
                assert a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0


def test_an_ongoing_bar_is_certain_only_up_to_its_latest_source() -> None:
    """Drawn solid to the last day a source shows it running, pale from there on."""
    import datetime as dt

    bar = bar_segments(
        "2020-05", None, ongoing=True, confirmed_to=dt.date(2020, 11, 1), as_of=DEFAULT_AS_OF
    )
    kinds = [piece.kind for piece in bar.segments]
    assert kinds == ["fade_in", "certain", "unconfirmed"]
    certain, unconfirmed = bar.segments[1], bar.segments[2]
    assert certain.stop == unconfirmed.start == dt.date(2020, 11, 2)
    assert unconfirmed.stop == DEFAULT_AS_OF + ONE_DAY
    assert bar.ongoing


def test_missions_ongoing_only_in_old_sources_are_not_drawn_as_confirmed() -> None:
    from helpers.charts.timeline import mission_bar

    ds = load()
    awacs = ds.missions.set_index("mission_id").loc["mis-awacs-coalition"].copy()
    awacs["mission_id"] = "mis-awacs-coalition"
    bar = mission_bar(ds, awacs, DEFAULT_AS_OF)
    unconfirmed = [p for p in bar.segments if p.kind == "unconfirmed"]
    assert unconfirmed and unconfirmed[0].start.year == 2020
