"""Evidence links: the prose's figures and dates agree with their records, and none is unlinked."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers.data import load
from helpers.dates import parse_partial_date
from helpers.paths import NOTEBOOKS_DIR
from helpers.publish.chapters import chapter_paths
from helpers.publish.evidence import RecordIndex, check_chapters, check_link, dates_in, numbers_in
from helpers.wording import figure_wording


@pytest.fixture(scope="module")
def ds():
    return load()


@pytest.fixture(scope="module")
def index(ds) -> RecordIndex:
    return RecordIndex(ds)


def _figure(ds, bound: str) -> pd.Series:
    """A cited figure with the given bound and an English qualifier (or none)."""
    figures = ds.figures[ds.figures["bound"] == bound]
    if bound != "exact":
        figures = figures[figures["qualifier"].isin(["about", "over", "up to", "more than"])]
    return figures.iloc[0]


def _event_on_a_day(ds) -> pd.Series:
    events = ds.events[ds.events["date"].str.fullmatch(r"\d{4}-\d\d-\d\d")]
    return events.iloc[0]


def _chapter(path: Path, *cells: str, outputs: dict[int, dict[str, str]] | None = None) -> Path:
    """A notebook of the given cells: code where the source starts with ">>> ", else markdown.

    ``outputs`` gives a code cell (by index) one display output of these data.
    """
    made = []
    for number, source in enumerate(cells):
        if source.startswith(">>> "):
            cell = nbformat.v4.new_code_cell(source[4:], id=f"c{number}")
            data = (outputs or {}).get(number)
            if data:
                cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
        else:
            cell = nbformat.v4.new_markdown_cell(source, id=f"c{number}")
        made.append(cell)
    nbformat.write(nbformat.v4.new_notebook(cells=made), path)
    return path


def _link(record_id: str, page: str, words: str) -> str:
    return f"[{words}](../site/records/{page}.html#{record_id})"


# --- reading the words --------------------------------------------------------------


def test_dates_are_read_at_the_precision_the_words_give() -> None:
    dates, rest = dates_in("on 8 June 2004, in July 2009, in autumn 2011 and by 2014")
    assert [(d.year, d.month, d.day, d.season) for d in dates] == [
        (2004, 6, 8, None),
        (2009, 7, None, None),
        (2011, None, None, 23),
        (2014, None, None, None),
    ]
    assert "2004" not in rest and "2014" not in rest


def test_numbers_keep_the_bound_their_words_give() -> None:
    read = {
        n.words: n.bound for n in numbers_in("over 5,000, nearly 2,000, about 45, 90, 50 to 70")
    }
    assert read == {
        "5,000": "at_least",
        "2,000": "at_most",
        "45": "about",
        "90": "exact",
        "50": "range",
        "70": "range",
    }
    assert numbers_in("€17.5 million")[0].value == 17_500_000
    assert numbers_in("ten countries")[0].value == 10


# --- a link agrees with its record, or is named -------------------------------------


@pytest.mark.parametrize("bound", ["exact", "about", "at_least", "at_most"])
def test_a_figure_worded_as_its_record_passes(ds, index, bound) -> None:
    figure = _figure(ds, bound)
    words = figure_wording(figure, with_unit=False)
    assert check_link(index, words, figure["figure_id"], "figures") == []


@pytest.mark.parametrize("bound", ["about", "at_least", "at_most"])
def test_a_figure_that_drops_or_changes_its_bound_is_named(ds, index, bound) -> None:
    figure = _figure(ds, bound)
    value = figure["value_low"] if pd.notna(figure["value_low"]) else figure["value_high"]
    bare = f"{value:,.0f}"
    (problem,) = check_link(index, bare, figure["figure_id"], "figures")
    assert "worded as exact" in problem and bound in problem
    other = "about" if bound != "about" else "over"
    assert check_link(index, f"{other} {bare}", figure["figure_id"], "figures")


def test_a_number_not_in_the_record_is_named(ds, index) -> None:
    figure = _figure(ds, "exact")
    wrong = f"{figure['value_low'] + 1:,.0f}"
    (problem,) = check_link(index, wrong, figure["figure_id"], "figures")
    assert "not in the record" in problem


def test_a_date_more_precise_than_its_record_is_named(ds, index) -> None:
    events = ds.events[ds.events["date"].str.fullmatch(r"\d{4}-\d\d")]
    event = events.iloc[0]
    month = parse_partial_date(event["date"]).earliest
    assert check_link(index, f"{month:%B %Y}", event["event_id"], "events") == []
    assert check_link(index, f"{month.year}", event["event_id"], "events") == []
    (problem,) = check_link(index, f"15 {month:%B %Y}", event["event_id"], "events")
    assert "at its precision" in problem


def test_a_wrong_day_and_a_wrong_page_are_named(ds, index) -> None:
    event = _event_on_a_day(ds)
    day = parse_partial_date(event["date"]).earliest
    assert check_link(index, f"{day.day} {day:%B %Y}", event["event_id"], "events") == []
    other = day.replace(day=day.day % 28 + 1)
    assert check_link(index, f"{other.day} {other:%B %Y}", event["event_id"], "events")
    (problem,) = check_link(index, f"{day:%B %Y}", event["event_id"], "figures")
    assert "events.html" in problem
    assert "no record" in check_link(index, "2004", "evt-no-such-thing", "events")[0]


def test_link_words_may_not_carry_markup(ds, index) -> None:
    event = _event_on_a_day(ds)
    assert "Markdown or HTML" in check_link(index, "*2004*", event["event_id"], "events")[0]


# --- a chapter's prose --------------------------------------------------------------


def test_unlinked_figures_and_dates_are_named_and_exceptions_are_not(
    tmp_path: Path, ds, index
) -> None:
    event = _event_on_a_day(ds)
    day = parse_partial_date(event["date"]).earliest
    linked = _link(event["event_id"], "events", f"{day.day} {day:%B %Y}")
    path = _chapter(
        tmp_path / "01_demo.ipynb",
        f"# A chapter, 2004-2011\n\nIt began on {linked}, as chapter 05 and section 2 say.",
        ">>> len([1] * 943)",
        "The dataset holds 943 records; Resolution 1546 and ISO 639-1 are names.",
        "Then 120 officers came in March 2005, and more in June.",
        "## Exercises\n\n1. What happened in 2009?",
        outputs={1: {"text/plain": "943"}},
    )
    problems = check_chapters([path], ds)
    assert [(p.cell, p.words) for p in problems] == [(3, "March 2005"), (3, "June"), (3, "120")]
    assert all("no evidence link" in p.message for p in problems)


def test_a_count_after_a_fact_table_is_not_taken_as_computed(tmp_path: Path, ds) -> None:
    table = '<table class="facts"><td>943</td></table>'
    path = _chapter(
        tmp_path / "01_demo.ipynb",
        "## Counts",
        ">>> facts(ds, ids)",
        "The table shows 943 rows.",
        outputs={1: {"text/html": table, "text/plain": "943"}},
    )
    (problem,) = check_chapters([path], ds)
    assert problem.words == "943"


def test_every_chapter_links_every_figure_and_date_to_a_record_that_agrees(ds) -> None:
    problems = check_chapters(chapter_paths(NOTEBOOKS_DIR), ds)
    assert [str(p) for p in problems] == []


def test_names_with_digits_are_not_figures_and_words_count() -> None:
    assert numbers_in("Kurdistan24, 964media, G7 and the 5th") == []
    assert [n.value for n in numbers_in("about two dozen officers, a dozen nations")] == [24, 12]
    assert [n.bound for n in numbers_in("26 and 31")] == ["exact", "exact"]
    (span,) = dates_in("from 4-5 February 2025")[0]
    assert (span.day, span.last_day, span.month, span.year) == (4, 5, 2, 2025)


def test_a_date_the_records_quote_states_is_accepted(ds, index) -> None:
    # A plan or a deadline lives in a quote, not in a date column.
    cites = ds.citations.merge(
        ds.events[["event_id", "date"]], left_on="record_id", right_on="event_id"
    )
    for _, row in cites.iterrows():
        stated = [d for d in dates_in(row["quote"])[0] if d.year and d.month and d.day]
        outside = [
            d for d in stated if not any(d.agrees_with(s) for s in index.dates(row["event_id"]))
        ]
        if outside:
            words = outside[0].words
            assert check_link(index, words, row["event_id"], "events") == []
            return
    pytest.skip("no event quote states a day other than its own")


def test_numbers_inside_printed_prose_are_not_taken_as_computed(tmp_path: Path, ds) -> None:
    path = _chapter(
        tmp_path / "01_demo.ipynb",
        "## Counts",
        ">>> table",
        "A quote in the table says 1546; the table has 12 rows.",
        outputs={1: {"text/plain": "rows  12\nquote  the council adopted resolution 1546 today"}},
    )
    (problem,) = check_chapters([path], ds)
    assert problem.words == "1546"
