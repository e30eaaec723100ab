"""How a figure from the sources is written, in charts and in prose alike.

A figure keeps the wording its source gave it: the qualifier ("over",
"nearly", "several hundred") and the number, read from the row's bound and
values. Charts show the short form ("over €115 million"); sentences and
tables add the unit ("over 5,000 personnel") and, for a range the source
gave in words, the numbers the dataset reads it as.
"""

from __future__ import annotations

import re

import pandas as pd

#: The dash of spans ("2004\u20132011", "200\u2013999"); named so the source stays ASCII.
EN_DASH = "\u2013"

#: The word for a bound whose source gives no qualifier of its own.
BOUND_WORDS = {"at_least": "at least", "at_most": "at most", "about": "about", "exact": ""}

#: Units whose singular is not the plural minus "s" (after "_" becomes a space).
SINGULAR = {
    "countries": "country",
    "people": "person",
    "personnel": "personnel",
    "years": "year",
    "teams": "team",
    "courses": "course",
    "officers": "officer",
    "operations centres": "operations centre",
    "helicopters": "helicopter",
    "aircraft": "aircraft",
    "casualties": "casualty",
}

#: Units written as a symbol before the number ("€17.5 million"), never after it.
CURRENCY_SYMBOLS = {"euro": "€"}

# Qualifiers meaning "strictly below": the dataset keeps the integer under the
# stated number ('less than a thousand' is stored as at most 999), so the
# wording adds one back to quote the source's own number.
_STRICTLY_BELOW = {"less than", "fewer than", "under", "below"}
#: Qualifiers that read as English. A qualifier in the source's own language
#: ('plus de', 'unos', 'نحو') stays in the data and in the quote; charts and
#: prose word the figure by its bound instead, so a sentence stays English.
ENGLISH_QUALIFIERS = {
    "about", "around", "approximately", "roughly", "circa", "ca.", "some", "nearly",
    "almost", "over", "more than", "at least", "up to", "at most", "less than",
    "fewer than", "under", "below", "several hundred", "several thousand", "hundreds",
    "thousands", "dozens",
}  # fmt: skip
# A qualifier that already states the amount ('several hundred') needs no number.
_AMOUNT_WORDS = re.compile(r"\b(dozens?|hundreds?|thousands?|millions?)$")


def number_or_none(value: object) -> float | None:
    """A cell as a float; an empty cell (None, NA) as None."""
    return None if value is None or pd.isna(value) else float(value)


def format_number(value: float, unit: str = "") -> str:
    """A value as a reader writes it: '5,000', '17.5', '€17.5 million'."""
    symbol = CURRENCY_SYMBOLS.get(unit)
    if symbol and value >= 1_000_000:
        return f"{symbol}{value / 1_000_000:,.4g} million"
    if symbol:
        return f"{symbol}{value:,.0f}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def figure_wording(row: pd.Series, *, with_unit: bool = True) -> str:
    """A figure as its source words it: 'over 5,000 personnel', 'nearly 2,000 courses'.

    ``row`` is a row of ``figures`` (bound, value_low, value_high, qualifier,
    unit). With ``with_unit=False`` the unit is left out ('over 5,000'), for a
    chart whose axis or title already names it; a currency stays in the number.
    A range given in words keeps its words, followed in prose by the numbers
    it is read as: 'several hundred (200 to 999) personnel'.
    """
    bound, unit = row["bound"], str(row["unit"])
    qualifier = row["qualifier"] if pd.notna(row["qualifier"]) else ""
    if qualifier and qualifier.lower() not in ENGLISH_QUALIFIERS:
        qualifier = ""  # another language: the bound words it (see ENGLISH_QUALIFIERS)
    low, high = number_or_none(row["value_low"]), number_or_none(row["value_high"])
    if bound == "range":
        if _AMOUNT_WORDS.search(qualifier):
            words = qualifier
            if with_unit:
                words += f" ({format_number(low, unit)} to {format_number(high, unit)})"
        else:
            span = f"{format_number(low, unit)}{EN_DASH}{format_number(high, unit)}"
            words = f"{qualifier} {span}".strip()
        value = None
    else:
        value = high if bound == "at_most" else low
        if value is None:  # an exact or approximate figure may fill either column
            value = high
        if bound == "at_most" and qualifier in _STRICTLY_BELOW and value % 10 == 9:
            value += 1
        words = " ".join(
            w for w in (qualifier or BOUND_WORDS[bound], format_number(value, unit)) if w
        )
    if not with_unit or unit in CURRENCY_SYMBOLS:
        return words
    unit_words = unit.replace("_", " ")
    if value == 1:  # "1 year", "1 country"
        unit_words = SINGULAR.get(unit_words, unit_words)
    return f"{words} {unit_words}"
