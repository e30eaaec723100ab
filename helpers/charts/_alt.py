"""Alt text for the charts: a few sentences composed from what a chart draws.

Each chart module writes its own ``_alt_text`` from the data it has already
laid out (rows, bars, cells, places) and passes it to
:func:`helpers.style.finish` as ``alt``. The helpers here keep those texts
alike and short: counts in words a screen reader says well, lists that name
what fits and count the rest, and sentences dropped, least important last,
so that the whole stays under :data:`MAX_CHARS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

#: Longest alt text, in characters: a screen reader reads it in one go.
MAX_CHARS = 600


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``count`` with its noun: '1 event', '3 events', '2 countries' (``many`` given)."""
    return f"{count} {singular if count == 1 else many or singular + 's'}"


def month_year(day: dt.date) -> str:
    """A day as 'Mar 2026', for a span whose ends are not dates of the data."""
    return f"{day:%b %Y}"


def one_line(text: object) -> str:
    """A value of the data as plain text on one line (a missing value is empty)."""
    if not isinstance(text, str) and (text is None or pd.isna(text)):
        return ""
    return " ".join(str(text).split())


def listing(items: Iterable[str], budget: int = 240, sep: str = ", ") -> str:
    """``items`` joined ('a, b and c'), as many as fit in ``budget`` characters; the rest counted.

    With ``sep=", "`` the last two are joined by 'and'; with another separator
    (for items that hold commas, such as event titles) every item is followed
    by it. Items past the budget read 'and 3 more'. The first item is always
    named, however long.
    """
    names = [one_line(i) for i in items if one_line(i)]
    shown: list[str] = []
    for i, name in enumerate(names):
        rest = len(names) - i - 1
        tail = len(f"{sep}and {rest} more") if rest else 0
        if shown and len(sep.join([*shown, name])) + tail > budget:
            break
        shown.append(name)
    left = len(names) - len(shown)
    if left:
        return f"{sep.join(shown)}{sep if sep != ', ' else ' '}and {left} more"
    if sep == ", " and len(shown) > 1:
        return f"{', '.join(shown[:-1])} and {shown[-1]}"
    return sep.join(shown)


def sentence(text: str) -> str:
    """``text`` as a sentence: first letter capital, one full stop at the end."""
    text = one_line(text).rstrip(" ;,")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def compose(sentences: Iterable[str | tuple[str, ...]], limit: int = MAX_CHARS) -> str:
    """The sentences that fit in ``limit`` characters, most important (first) first.

    The first sentence is always kept (cut at a word, if it alone is too
    long); each later one is kept when it still fits, else left out. A tuple
    holds versions of one sentence, fullest first: the first that fits is kept.
    """
    kept: list[str] = []
    for item in sentences:
        versions = [sentence(s) for s in (item if isinstance(item, tuple) else (item,))]
        versions = [v for v in versions if v]
        if not versions:
            continue
        if not kept:
            text = min(versions, key=len) if len(versions[0]) > limit else versions[0]
            if len(text) > limit:
                text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;") + "…"
            kept.append(text)
            continue
        for text in versions:
            if len(" ".join([*kept, text])) <= limit:
                kept.append(text)
                break
    return " ".join(kept)
