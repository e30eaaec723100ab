"""Dates at the precision a source gives them.

The dataset stores dates in the Library of Congress's Extended Date/Time
Format (EDTF, ISO 8601-2), limited to the forms sources actually use:

- ``2004`` (a year), ``2004-07`` (a month), ``2004-07-30`` (a day): plain ISO
  8601, EDTF level 0;
- ``2020-21`` .. ``2020-24``: spring, summer, autumn, winter of 2020 (EDTF
  level 1 seasons; northern hemisphere: March-May, June-August,
  September-November, and December to the end of February of the next year);
- ``2011-33`` .. ``2011-36``: first to fourth quarter, ``2011-40`` and
  ``2011-41``: first and second half of 2011 (EDTF level 2 sub-year groupings,
  for "early 2011", "late 2011" and the like where a source says no more);
- any of these followed by ``?`` (the source is unsure), ``~`` (the source
  says "about") or ``%`` (both): the qualifier keeps the source's hedge; the
  days a date can mean are those of the unqualified period.

A date of year precision means "some day in 2004", not 1 January 2004. The
helpers here turn such a string into the earliest and latest day it can mean,
which is what charts and comparisons need, and into words for readers.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

import pandas as pd

#: The pattern every date column in ``datapackage.json`` must use.
DATE_PATTERN = r"^\d{4}(-((0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?|2[1-4]|3[3-6]|4[01]))?[?~%]?$"
_DATE_RE = re.compile(DATE_PATTERN)
#: What a malformed date is told it should be.
DATE_FORMS = (
    "YYYY, YYYY-MM or YYYY-MM-DD (or an EDTF season YYYY-21..24, quarter YYYY-33..36"
    " or half YYYY-40/41, optionally followed by ? ~ or %)"
)

Precision = Literal["year", "half", "quarter", "season", "month", "day"]
#: From the widest to the narrowest.
PRECISIONS: tuple[Precision, ...] = ("year", "half", "quarter", "season", "month", "day")
Qualifier = Literal["", "uncertain", "approximate", "uncertain and approximate"]
QUALIFIERS: dict[str, Qualifier] = {
    "": "",
    "?": "uncertain",
    "~": "approximate",
    "%": "uncertain and approximate",
}
#: Sub-year groupings: code -> (name, first month, number of months).
SUB_YEAR: dict[int, tuple[str, int, int]] = {
    21: ("spring", 3, 3),
    22: ("summer", 6, 3),
    23: ("autumn", 9, 3),
    24: ("winter", 12, 3),
    33: ("first quarter", 1, 3),
    34: ("second quarter", 4, 3),
    35: ("third quarter", 7, 3),
    36: ("fourth quarter", 10, 3),
    40: ("first half", 1, 6),
    41: ("second half", 7, 6),
}


@dataclass(frozen=True)
class PartialDate:
    """A date string and the interval of days it covers."""

    text: str
    earliest: dt.date
    latest: dt.date
    precision: Precision
    qualifier: Qualifier = ""

    def __str__(self) -> str:
        return self.text

    @property
    def is_exact(self) -> bool:
        """Known to the day, without a hedge."""
        return self.precision == "day" and not self.qualifier


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _months(year: int, first: int, count: int) -> tuple[dt.date, dt.date]:
    """First and last day of ``count`` months from ``first`` of ``year`` (may run into the next)."""
    last_month = first + count - 1
    end_year, end_month = year + (last_month - 1) // 12, (last_month - 1) % 12 + 1
    return dt.date(year, first, 1), _month_end(end_year, end_month)


def parse_partial_date(text: str) -> PartialDate:
    """Parse a date of the dataset (see the module) into a :class:`PartialDate`.

    >>> parse_partial_date("2018-10").latest
    datetime.date(2018, 10, 31)
    >>> parse_partial_date("2011-36~").earliest
    datetime.date(2011, 10, 1)

    Raises ``ValueError`` with a message saying what was expected.
    """
    if not isinstance(text, str) or not _DATE_RE.match(text):
        raise ValueError(f"{text!r} is not a date of the dataset: expected {DATE_FORMS}")
    body, mark = (text[:-1], text[-1]) if text[-1] in "?~%" else (text, "")
    qualifier = QUALIFIERS[mark]
    parts = [int(p) for p in body.split("-")]
    year = parts[0]
    if len(parts) == 1:
        return PartialDate(text, dt.date(year, 1, 1), dt.date(year, 12, 31), "year", qualifier)
    if parts[1] in SUB_YEAR:
        _, first, count = SUB_YEAR[parts[1]]
        precision: Precision = "season" if parts[1] < 30 else "quarter" if parts[1] < 40 else "half"
        return PartialDate(text, *_months(year, first, count), precision, qualifier)
    month = parts[1]
    last_day = calendar.monthrange(year, month)[1]
    if len(parts) == 2:
        return PartialDate(
            text, dt.date(year, month, 1), dt.date(year, month, last_day), "month", qualifier
        )
    day = parts[2]
    if day > last_day:
        raise ValueError(f"{text!r} is not a calendar date: {year}-{month:02d} has {last_day} days")
    day_date = dt.date(year, month, day)
    return PartialDate(text, day_date, day_date, "day", qualifier)


#: How a qualifier reads before a date ("about Oct 2018") or after it ("2004?").
_HEDGES = {"uncertain": "{}?", "approximate": "about {}", "uncertain and approximate": "about {}?"}


def date_label(text: str) -> str:
    """A date written for readers at its own precision.

    '28 Jun 2004', 'Jun 2004', '2004', 'spring 2020', 'Oct-Dec 2011' (a
    quarter) or 'Jul-Dec 2011' (a half), with an en dash; a hedge reads
    'about Oct 2018', '2004?' or 'about Oct 2018?'.
    """
    parsed = parse_partial_date(text)
    first = parsed.earliest
    if parsed.precision == "day":
        words = f"{first.day} {first:%b %Y}"
    elif parsed.precision == "month":
        words = f"{first:%b %Y}"
    elif parsed.precision == "season":
        name = SUB_YEAR[int(parsed.text[5:7])][0]
        words = f"{name} {first.year}"
    elif parsed.precision in ("quarter", "half"):
        words = f"{first:%b}\u2013{parsed.latest:%b %Y}"
    else:
        words = f"{first.year}"
    return _HEDGES[parsed.qualifier].format(words) if parsed.qualifier else words


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
