"""A figure keeps its source's wording, the same in a chart label and in prose."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.data import load
from helpers.wording import figure_wording


def figure(bound, low, high, qualifier, unit) -> pd.Series:
    return pd.Series(
        {"bound": bound, "value_low": low, "value_high": high, "qualifier": qualifier, "unit": unit}
    )


@pytest.mark.parametrize(
    ("bound", "low", "high", "qualifier", "unit", "chart", "prose"),
    [
        ("at_least", 5000, None, "over", "personnel", "over 5,000", "over 5,000 personnel"),
        ("at_most", None, 2000, "nearly", "courses", "nearly 2,000", "nearly 2,000 courses"),
        ("at_most", None, 2000, None, "courses", "at most 2,000", "at most 2,000 courses"),
        # Stored as at most 999: the wording gives the source's own number back.
        ("at_most", None, 999, "less than", "casualties", "less than 1,000",
         "less than 1,000 casualties"),
        ("at_most", None, 3, "up to", "helicopters", "up to 3", "up to 3 helicopters"),
        ("about", 4000, 4000, "around", "personnel", "around 4,000", "around 4,000 personnel"),
        ("range", 200, 999, "several hundred", "personnel", "several hundred",
         "several hundred (200 to 999) personnel"),
        ("range", 200, 300, None, "personnel", "200\u2013300", "200\u2013300 personnel"),
        ("exact", 17_700_000, 17_700_000, None, "euro", "€17.7 million", "€17.7 million"),
        ("at_least", 17_500_000, None, "over", "euro", "over €17.5 million",
         "over €17.5 million"),
        ("at_least", 12, None, None, "countries", "at least 12", "at least 12 countries"),
        ("exact", 1, 1, None, "years", "1", "1 year"),
        ("exact", 3, 3, None, "operations_centres", "3", "3 operations centres"),
    ],
)  # fmt: skip
def test_wording_quotes_the_source(bound, low, high, qualifier, unit, chart, prose) -> None:
    row = figure(bound, low, high, qualifier, unit)
    assert figure_wording(row, with_unit=False) == chart
    assert figure_wording(row) == prose


def test_every_figure_in_the_data_has_a_wording_with_its_number() -> None:
    for _, row in load().figures.iterrows():
        words = figure_wording(row)
        assert any(ch.isdigit() for ch in words), (row["figure_id"], words)
        assert "nan" not in words and "<NA>" not in words, (row["figure_id"], words)


def test_a_qualifier_in_another_language_is_worded_by_its_bound() -> None:
    """'plus de 2 000' stays in the data and the quote; tables and charts read English."""
    import pandas as pd

    from helpers.wording import figure_wording

    row = pd.Series(
        {"bound": "at_least", "value_low": 2000, "value_high": None, "qualifier": "plus de",
         "unit": "people"}
    )  # fmt: skip
    assert figure_wording(row) == "at least 2,000 people"
    row["qualifier"] = "more than"
    assert figure_wording(row) == "more than 2,000 people"
