"""Values from ``data/`` are untrusted text: make them safe wherever they land.

Anyone can propose a row, so every value read from the tables (a title, a
note, a quote, an address) is treated as text that may contain markup, a
script address or a spreadsheet formula. Every page builder (notebook
outputs, the reader site, slides, the class pack) goes through these
functions, so that the rules live in one place:

- :func:`html_text` for text inside HTML elements and attributes;
- :func:`safe_url` and :func:`html_link` for addresses (only ``http`` and
  ``https``; anything else is shown as text, never as a link);
- :func:`markdown_text` for text inside Markdown/MyST pages, where raw HTML
  and link syntax would otherwise pass through;
- :func:`spreadsheet_cell` for cells of exported CSV files, which a
  spreadsheet would otherwise run as formulas.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

#: What ``validate`` says of an address that fails :func:`is_web_address`.
URL_EXPECTATION = "expected an http:// or https:// address"
#: First characters that make a spreadsheet treat a cell as a formula (OWASP's list).
FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Characters that can open markup in an inline Markdown/MyST context (HTML, links,
#: emphasis, code, roles, math, tables, entities); CommonMark lets a backslash
#: make any of them literal. An underscore inside a word (``source_id``) opens
#: nothing and stays bare, so that generated pages still read well as text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*{}\[\]<>#+!|~&$^]|(?<!\w)_|_(?!\w))")


def _text(value: Any) -> str:
    """``value`` as a string; a missing value (None or pandas' NA) is empty."""
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):  # lists and arrays are never "missing"
        pass
    return str(value)


def html_text(value: Any) -> str:
    """``value`` escaped for HTML text and quoted attribute values."""
    return html.escape(_text(value), quote=True)


def is_web_address(value: str) -> bool:
    """An absolute http(s) address with a host, and no space or control character.

    Frictionless's ``uri`` format asks only for a scheme: ``javascript:`` and
    ``data:`` addresses pass it, and the reader site would turn them into links.
    """
    if any(c.isspace() or unicodedata.category(c).startswith("C") for c in value):
        return False  # spaces, and control, format (bidi) or unassigned characters
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # such as an unclosed [ of an IPv6 address
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


def safe_url(value: Any) -> str | None:
    """``value`` if it is an http(s) address, else None (so it is never made a link)."""
    text = _text(value).strip()
    return text if text and is_web_address(text) else None


def html_link(url: Any, label_html: str) -> str:
    """``label_html`` (already escaped) as a link to ``url``, or plain if ``url`` is unsafe."""
    address = safe_url(url)
    if address is None:
        return label_html
    return f'<a href="{html.escape(address, quote=True)}">{label_html}</a>'


def markdown_text(value: Any) -> str:
    """``value`` as literal text in a Markdown (MyST) page: one line, no markup.

    Line breaks become spaces (a new line could start a heading, a directive
    or an HTML block) and every character that could open markup is
    backslash-escaped, so ``<script>``, ``[x](javascript:...)``, ``|`` in a
    table or a ``{role}`` all show as the characters they are.
    """
    one_line = " ".join(_text(value).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line)


def spreadsheet_cell(value: Any) -> str:
    """``value`` for a CSV cell that a spreadsheet will open: never a formula.

    A cell that starts with ``=``, ``+``, ``-``, ``@`` or a tab or line break
    gets a leading apostrophe, which spreadsheets read as "this is text" (and
    hide); every other cell is written as it is.
    """
    text = _text(value)
    return "'" + text if text.startswith(FORMULA_LEADERS) else text
