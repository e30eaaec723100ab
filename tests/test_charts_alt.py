"""Alt text of every chart: a description written from what the chart draws.

Each chart function passes ``alt`` to :func:`helpers.style.finish`, and the text
travels with the figure (``fig.nato_iraq_alt``) to the notebook output, the
site's ``<img alt>`` and the class pack. A screen-reader user should learn from
it what a sighted reader sees at a glance, so each one is checked here: a
sentence (or more) of reasonable length, more than the title, with at least
one number or date that the chart itself draws, and no file name or path.
The charts are called as their image tests call them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from helpers.charts._alt import MAX_CHARS, compose, listing, plural
from helpers.charts.command import command_structure
from helpers.charts.commanders import commander_rows, commanders_chart
from helpers.charts.coverage import source_coverage
from helpers.charts.events import event_strip
from helpers.charts.figures import bounded_figures
from helpers.charts.focus import focus_heatmap, institution_matrix
from helpers.charts.maps import places_map
from helpers.charts.sources import source_profile
from helpers.charts.timeline import mission_timeline
from helpers.data import Dataset, load
from helpers.style import lay_out

#: Every chart function, called as in tests/test_charts_*.py.
CHARTS: dict[str, Callable[[Dataset], Figure]] = {
    "mission_timeline": mission_timeline,
    "event_strip_2004": lambda ds: event_strip(
        ds, start="2004", end="2005", title="NATO and Iraq, 2004-2005"
    ),
    "event_strip_nmi": lambda ds: event_strip(
        ds, mission="mis-nmi", title="Events of NATO Mission Iraq"
    ),
    "event_strip_highlight": lambda ds: event_strip(
        ds, mission="mis-ntm-i", highlight=["evt-ntm-i-withdrawal"]
    ),
    "commanders_nmi": commanders_chart,
    "commanders_ntm_i": lambda ds: commanders_chart(ds, "mis-ntm-i"),
    "bounded_figures": bounded_figures,
    "bounded_figures_nmi": lambda ds: bounded_figures(
        ds, mission="mis-nmi", title="NATO Mission Iraq in numbers"
    ),
    "command_structure": command_structure,
    "source_coverage": source_coverage,
    "focus_heatmap_category": focus_heatmap,
    "focus_heatmap_focus": lambda ds: focus_heatmap(
        ds, missions=["mis-ntm-i", "mis-nmi", "mis-dcb"], by="focus"
    ),
    "institution_matrix": institution_matrix,
    "places_map": places_map,
    "source_profile": source_profile,
}

#: A number as charts write it: '2004', '10,000', '17.5'.
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
#: What a file name or a path looks like.
FILE_LIKE = (
    re.compile(r"\b[\w.-]+\.(?:csv|json|py|ipynb|png|svg|pdf|md|txt|html?|ya?ml|toml)\b", re.I),
    re.compile(r"(?:^|[\s(])(?:/|\./|\.\./|~/)\w"),
    re.compile(r"\b(?:data|helpers|tests|notebooks|docs|site)/"),
    re.compile(r"\w\\\w"),
)


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load()


def title_of(fig: Figure) -> str:
    """The chart's title: its suptitle, else its first axes' title."""
    if fig.get_suptitle().strip():
        return " ".join(fig.get_suptitle().split())
    for ax in fig.axes:
        for loc in ("left", "center"):
            if ax.get_title(loc=loc).strip():
                return " ".join(ax.get_title(loc=loc).split())
    return ""


def drawn_numbers(fig: Figure) -> set[str]:
    """Numbers in the visible text of the chart itself: labels, cells, ticks and
    key, but not its title nor the source line and note under it."""
    lay_out(fig)  # tick labels get their text when the figure is laid out
    title = title_of(fig)
    texts = [
        t.get_text()
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_alpha() != 0
    ]
    kept = [
        t
        for t in texts
        if " ".join(t.split()) != title and not t.startswith(("Sources: ", "Note: "))
    ]
    return {n for t in kept for n in NUMBER.findall(t)}


@pytest.mark.parametrize("chart", list(CHARTS))
def test_every_chart_describes_what_it_draws(ds: Dataset, chart: str) -> None:
    fig = CHARTS[chart](ds)
    alt = getattr(fig, "nato_iraq_alt", None)
    assert isinstance(alt, str), f"{chart}: no alt text passed to finish()"
    # A sentence or more, neither too short nor too long to hear in one go.
    assert len(alt) >= 60, alt
    assert len(alt) <= MAX_CHARS, (len(alt), alt)
    assert alt[0].isupper() and alt.endswith("."), alt
    assert len(alt.split()) >= 10, alt
    assert "\n" not in alt and "  " not in alt, alt
    # More than the title, and not the generic fallback made from it.
    title = title_of(fig)
    assert title
    assert alt.rstrip(".").strip() != title.rstrip(".").strip()
    assert len(alt.replace(title, "").strip()) >= 60, alt
    assert not alt.startswith("Chart: ")
    # At least one number or date that the chart itself draws (a lone digit is too common).
    shared = {n for n in NUMBER.findall(alt) if len(n) > 1} & drawn_numbers(fig)
    assert shared, f"{chart}: no number of the chart in {alt!r}"
    # Never a file name or a path.
    for pattern in FILE_LIKE:
        assert not pattern.search(alt), (pattern.pattern, alt)


def test_commanders_alt_names_every_nation_and_the_one_in_post(ds: Dataset) -> None:
    alt = commanders_chart(ds).nato_iraq_alt
    rows = commander_rows(ds, "mis-nmi")
    for nation in rows["nation"].dropna().unique():
        assert nation in alt
    in_post = rows[rows["to_status"] == "in_post"]
    for name in in_post["person_name"]:
        assert f"{name} from" in alt and "in post as of" in alt


def test_alt_texts_differ_between_views_of_one_chart(ds: Dataset) -> None:
    by_category = focus_heatmap(ds, missions=["mis-ntm-i", "mis-nmi"]).nato_iraq_alt
    by_focus = focus_heatmap(ds, missions=["mis-ntm-i", "mis-nmi"], by="focus").nato_iraq_alt
    assert by_category.startswith("Heatmap of ")
    assert by_focus.startswith("Grid of ")


# --- The helpers that compose the texts --------------------------------------------------


def test_plural() -> None:
    assert plural(1, "event") == "1 event"
    assert plural(3, "event") == "3 events"
    assert plural(2, "country", "countries") == "2 countries"


def test_listing_names_what_fits_and_counts_the_rest() -> None:
    assert listing(["a"]) == "a"
    assert listing(["a", "b", "c"]) == "a, b and c"
    assert listing(["a", "b", "c"], sep="; ") == "a; b; c"
    assert listing(["aaaa", "bbbb", "cccc", "dddd"], budget=12) == "aaaa and 3 more"
    assert listing(["aaaa", "bbbb", "cccc"], budget=12, sep="; ") == "aaaa; and 2 more"
    # The first item is named however long; empty items are left out.
    assert listing(["x" * 50, ""], budget=10) == "x" * 50


def test_compose_keeps_the_first_sentence_and_what_else_fits() -> None:
    text = compose(["first part", "x" * 100, "third"], limit=40)
    assert text == "First part. Third."
    # Of two versions of a sentence, the fullest that fits.
    assert compose(["Start", ("y" * 50, "short version")], limit=40) == "Start. Short version."
    # A first sentence too long on its own is cut at a word.
    long = compose(["word " * 200], limit=60)
    assert len(long) <= 60 and long.endswith("…")
    assert compose(["", "Only this"]) == "Only this."
