"""Untrusted values become safe text for HTML, Markdown, links and spreadsheets."""

from __future__ import annotations

import pandas as pd
import pytest
from markdown_it import MarkdownIt

from helpers.datapackage import read_datapackage
from helpers.paths import DATAPACKAGE
from helpers.publish.codebook import codebook_markdown
from helpers.publish.site import sources_page
from helpers.untrusted import html_link, html_text, markdown_text, safe_url, spreadsheet_cell

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[click](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    "{raw}`<b>x</b>`",
    "`code` *em* _em_ # heading | cell",
    "line one\n\n# a new heading\n```{raw} html\n<script>alert(2)</script>\n```",
]


def rendered(markdown: str) -> str:
    """HTML as MyST's parser (markdown-it, with raw HTML on) would make it."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


@pytest.mark.parametrize("value", HOSTILE)
def test_html_text_leaves_no_markup(value: str) -> None:
    out = html_text(value)
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out


@pytest.mark.parametrize("value", HOSTILE)
def test_markdown_text_renders_as_the_same_characters(value: str) -> None:
    html = rendered(markdown_text(value))
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<h1" not in html and "<em" not in html and "<code" not in html
    # What the reader sees is the value itself, on one line.
    from html import unescape

    shown = unescape(html.removeprefix("<p>").removesuffix("</p>\n"))
    assert shown == " ".join(value.split())


def test_an_underscore_inside_a_word_stays_bare() -> None:
    assert markdown_text("source_id and quote_origin") == "source_id and quote_origin"
    assert markdown_text("_emphasis_") == r"\_emphasis\_"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://www.nato.int/cps/en/natohq/topics_166936.htm", True),
        ("http://example.com/a?b=1&c=2#d", True),
        ("HTTPS://EXAMPLE.COM", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("ftp://example.com/file", False),
        ("//example.com", False),
        ("https://", False),
        ("https://exa mple.com", False),
        ("https://example.com/\nline", False),
        ("", False),
        (None, False),
        (pd.NA, False),
    ],
)
def test_only_http_addresses_are_links(value, expected: bool) -> None:
    assert (safe_url(value) is not None) is expected
    link = html_link(value, "label")
    assert link.startswith("<a href=") is expected
    if not expected:
        assert link == "label"


def test_a_link_address_is_escaped_in_its_attribute() -> None:
    link = html_link('https://example.com/"onmouseover="alert(1)', "x")
    assert link == '<a href="https://example.com/&quot;onmouseover=&quot;alert(1)">x</a>'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://example.com","x")', '\'=HYPERLINK("http://example.com","x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("NATO news (2021)", "NATO news (2021)"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_spreadsheet_cells_never_start_a_formula(value, expected: str) -> None:
    assert spreadsheet_cell(value) == expected


def test_the_sources_page_shows_hostile_values_as_text() -> None:
    row = {
        "source_id": "s-1",
        "short_name": "<script>alert(1)</script>",
        "title": "<img src=x onerror=alert(1)>",
        "publisher": "[x](javascript:alert(1))",
        "date": "2020",
        "date_basis": "stated",
        "date_note": "**bold**",
        "url": "javascript:alert(1)",
        "source_type": "official_nato",
        "language": "en<script>",
        "read_date": "2026-12-01",
        "quote_origin": "source_text",
        "notes": "```{raw} html\n<script>alert(2)</script>\n```",
    }
    html = rendered(sources_page([row]))
    assert "<script" not in html and "<img" not in html
    assert "<a " not in html and "no address given" in html
    assert "<strong>bold</strong>" not in html


def test_the_codebook_keeps_markup_in_descriptions_as_text() -> None:
    pkg = read_datapackage(DATAPACKAGE)
    table = next(iter(pkg.tables.values()))
    object.__setattr__(table, "description", "<script>alert(1)</script> and `code`")
    html = rendered(codebook_markdown(pkg))
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
