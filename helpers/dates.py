"""Dates at the precision a source gives them.

The dataset stores dates as ISO 8601 strings at the source's own precision:
``2004`` (a year), ``2004-07`` (a month) or ``2004-07-30`` (a day). A date of
year precision means "some day in 2004", not 1 January 2004. The helpers here
turn such a string into the earliest and latest day it can mean, which is what
charts and comparisons need.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

#: The pattern every date column in ``datapackage.json`` must use.
DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
_DATE_RE = re.compile(DATE_PATTERN)

Precision = Literal["year", "month", "day"]
PRECISIONS: tuple[Precision, ...] = ("year", "month", "day")


@dataclass(frozen=True)
class PartialDate:
    """An ISO date string and the interval of days it covers."""

    text: str
    earliest: dt.date
    latest: dt.date
    precision: Precision

    def __str__(self) -> str:
        return self.text


def parse_partial_date(text: str) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into a :class:`PartialDate`.

    >>> parse_partial_date("2018-10").latest
    datetime.date(2018, 10, 31)

    Raises ``ValueError`` with a message saying what was expected.
    """
    if not isinstance(text, str) or not _DATE_RE.match(text):
        raise ValueError(f"{text!r} is not an ISO 8601 date: expected YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in text.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return PartialDate(text, dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    month = parts[1]
    last_day = calendar.monthrange(year, month)[1]
    if len(parts) == 2:
        return PartialDate(text, dt.date(year, month, 1), dt.date(year, month, last_day), "month")
    day = parts[2]
    if day > last_day:
        raise ValueError(f"{text!r} is not a calendar date: {year}-{month:02d} has {last_day} days")
    day_date = dt.date(year, month, day)
    return PartialDate(text, day_date, day_date, "day")


def is_valid_date(text: str) -> bool:
    """True when ``text`` is a well-formed partial date that exists in the calendar."""
    try:
        parse_partial_date(text)
    except ValueError:
        return False
    return True


def date_bounds(values: pd.Series) -> pd.DataFrame:
    """Earliest day, latest day and precision for each partial date in ``values``.

    Missing values give ``NaT`` and ``<NA>``. The result has the same index as
    ``values`` and the columns ``earliest``, ``latest`` and ``precision``.
    """
    rows = [
        (pd.NaT, pd.NaT, pd.NA)
        if pd.isna(text)
        else (lambda d: (pd.Timestamp(d.earliest), pd.Timestamp(d.latest), d.precision))(
            parse_partial_date(text)
        )
        for text in values
    ]
    frame = pd.DataFrame(rows, index=values.index, columns=["earliest", "latest", "precision"])
    frame["earliest"] = pd.to_datetime(frame["earliest"])
    frame["latest"] = pd.to_datetime(frame["latest"])
    frame["precision"] = pd.Categorical(frame["precision"], categories=PRECISIONS, ordered=True)
    return frame


def with_date_bounds(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """Return ``table`` with ``{column}_earliest``, ``_latest`` and ``_precision`` added."""
    bounds = date_bounds(table[column]).add_prefix(f"{column}_")
    return pd.concat([table, bounds], axis=1)


def may_precede(first: str, second: str) -> bool:
    """True unless ``first`` certainly falls after ``second``.

    Used to check that a start is not after its end: ``2018`` and ``2018-10``
    are compatible (the year contains the month), ``2018-11`` and ``2018-10``
    are not.
    """
    return parse_partial_date(first).earliest <= parse_partial_date(second).latest
