"""Partial dates: what interval of days a year, month or day covers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.dates import (
    date_bounds,
    date_label,
    may_precede,
    parse_partial_date,
    with_date_bounds,
)

D = dt.date


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("2004", dt.date(2004, 1, 1), dt.date(2004, 12, 31), "year"),
        ("2018-10", dt.date(2018, 10, 1), dt.date(2018, 10, 31), "month"),
        ("2004-02", dt.date(2004, 2, 1), dt.date(2004, 2, 29), "month"),  # leap year
        ("2011-02", dt.date(2011, 2, 1), dt.date(2011, 2, 28), "month"),
        ("2011-12-31", dt.date(2011, 12, 31), dt.date(2011, 12, 31), "day"),
    ],
)
def test_interval_of_a_partial_date(text, earliest, latest, precision) -> None:
    parsed = parse_partial_date(text)
    assert (parsed.earliest, parsed.latest, parsed.precision) == (earliest, latest, precision)


@pytest.mark.parametrize(
    "text", ["04", "2004-7", "2004-13", "2004-00", "2004-07-32", "2004/07", "July 2004", ""]
)
def test_malformed_dates_are_rejected_with_the_expected_form(text: str) -> None:
    with pytest.raises(ValueError, match="expected YYYY, YYYY-MM or YYYY-MM-DD"):
        parse_partial_date(text)


def test_a_day_past_the_end_of_the_month_is_rejected() -> None:
    with pytest.raises(ValueError, match="2021-02 has 28 days"):
        parse_partial_date("2021-02-29")


def test_start_and_end_at_different_precisions() -> None:
    assert may_precede("2018", "2018-10")  # the year contains the month
    assert may_precede("2018-10-01", "2018-10")
    assert not may_precede("2018-11", "2018-10")
    assert not may_precede("2019", "2018-12-31")


def test_may_precede_at_the_edges_of_a_period() -> None:
    """A period's last day is its latest possible day: not one day more, not one less."""
    assert may_precede("2018-10-31", "2018-10")  # the month's last day
    assert not may_precede("2018-11-01", "2018-10")  # the day after it
    assert may_precede("2018-12-31", "2018")
    assert not may_precede("2019-01-01", "2018")
    assert may_precede("2020-02-29", "2020-02")  # leap year
    assert may_precede("2018-10", "2018-10-01")  # the month may start that day
    assert not may_precede("2018-10-02", "2018-10-01")
    assert may_precede("2018-10-01", "2018-10-01")


def test_date_bounds_keeps_missing_values_missing() -> None:
    frame = date_bounds(pd.Series(["2004", None, "2011-12-31"], dtype="string"))
    assert frame["earliest"].iloc[0] == pd.Timestamp("2004-01-01")
    assert pd.isna(frame["latest"].iloc[1])
    assert list(frame["precision"].astype(object).fillna("-")) == ["year", "-", "day"]


def test_with_date_bounds_adds_prefixed_columns() -> None:
    table = pd.DataFrame({"end_date": ["2011-12-31", "2018-10"]})
    out = with_date_bounds(table, "end_date")
    assert list(out.columns) == [
        "end_date",
        "end_date_earliest",
        "end_date_latest",
        "end_date_precision",
    ]
    assert out["end_date_latest"].iloc[1] == pd.Timestamp("2018-10-31")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_day_lies_within_its_month_and_year(day: dt.date) -> None:
    for text in (day.isoformat(), day.isoformat()[:7], day.isoformat()[:4]):
        parsed = parse_partial_date(text)
        assert parsed.earliest <= day <= parsed.latest


# --- EDTF: seasons, quarters, halves and hedges -----------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last", "precision", "qualifier", "label"),
    [
        ("2020-21", D(2020, 3, 1), D(2020, 5, 31), "season", "", "spring 2020"),
        ("2020-23", D(2020, 9, 1), D(2020, 11, 30), "season", "", "autumn 2020"),
        ("2019-24", D(2019, 12, 1), D(2020, 2, 29), "season", "", "winter 2019"),
        ("2011-36", D(2011, 10, 1), D(2011, 12, 31), "quarter", "", "Oct\u2013Dec 2011"),
        ("2011-41", D(2011, 7, 1), D(2011, 12, 31), "half", "", "Jul\u2013Dec 2011"),
        ("2018-10~", D(2018, 10, 1), D(2018, 10, 31), "month", "approximate", "about Oct 2018"),
        ("2004?", D(2004, 1, 1), D(2004, 12, 31), "year", "uncertain", "2004?"),
        ("2004-08-07%", D(2004, 8, 7), D(2004, 8, 7), "day", "uncertain and approximate",
         "about 7 Aug 2004?"),
    ],
)  # fmt: skip
def test_edtf_forms_cover_their_days_and_read_as_words(
    text, first, last, precision, qualifier, label
) -> None:
    parsed = parse_partial_date(text)
    assert (parsed.earliest, parsed.latest) == (first, last)
    assert (parsed.precision, parsed.qualifier) == (precision, qualifier)
    assert date_label(text) == label
    assert parsed.is_exact is (precision == "day" and not qualifier)


@pytest.mark.parametrize("text", ["2020-25", "2011-37", "2011-42", "2011-13", "2004~~", "~2004"])
def test_other_edtf_forms_are_not_accepted(text: str) -> None:
    with pytest.raises(ValueError, match=r"season YYYY-21\.\.24"):
        parse_partial_date(text)


def test_every_date_in_the_data_is_edtf_and_agrees_with_the_edtf_package() -> None:
    """The standard's reference implementation reads each date as we do (winter aside)."""
    from edtf import parse_edtf

    from helpers.data import load

    ds = load()
    texts = set()
    for table in ds.package.tables.values():
        for field in table.fields:
            if field.is_date:
                texts |= set(ds[table.name][field.name].dropna())
    assert len(texts) > 50
    for text in sorted(texts):
        ours = parse_partial_date(text)
        theirs = parse_edtf(text)
        if ours.precision == "season" and text[5:7] == "24":
            continue  # the package's winter is December alone; ours runs to February
        lower, upper = theirs.lower_strict(), theirs.upper_strict()
        assert ours.earliest == D(*lower[:3]) and ours.latest == D(*upper[:3]), text
