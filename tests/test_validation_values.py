"""Cell values: addresses must be web addresses, and a near miss gets a suggestion.

Every column the codebook marks ``"format": "uri"`` must hold an http:// or
https:// address, so that no ``javascript:`` or ``data:`` link reaches the
reader site. A misspelt allowed value or id is answered with the closest
valid one ("did you mean 'visit'?").
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers.paths import DATA_DIR
from helpers.validation import URL_EXPECTATION, validate
from tests.test_validation import edit_cell, find, first_row_where, read_rows


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_the_expectation_is_worded_as_promised() -> None:
    assert URL_EXPECTATION == "expected an http:// or https:// address"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://ftp.example.org/file.txt",
        "mailto:press@example.org",
        "file:///etc/passwd",
        "//example.org/page",
        "www.example.org/page",
        "http://",
        "https:///path-without-host",
        "https://example.org/a page",
        " https://example.org/",
        "https://example.org/\x07bell",
        "https://exam\x1bple.org/",
        "https://example.org/\u202egnp.exe",
        "https://example.org/tab\there",
        "https://example.org/\u00a0",
    ],
)
def test_a_url_that_is_not_a_web_address(data_copy: Path, url: str) -> None:
    edit_cell(data_copy, "sources", 1, "url", url)
    problems = validate(data_copy)
    problem = find(problems, URL_EXPECTATION, file="sources.csv", line=2, column="url")
    assert problem.value == url
    assert f"sources.csv line 2 (row 1), column 'url': value {url!r}: {URL_EXPECTATION}" in str(
        problem
    )
    # Frictionless's own check of the format and ours agree on one problem.
    assert [p for p in problems if (p.file, p.line, p.column) == ("sources.csv", 2, "url")] == [
        problem
    ]


@pytest.mark.parametrize(
    "url",
    [
        "",  # the column is not required
        "http://example.org",
        "HTTPS://EXAMPLE.ORG/Path",
        "https://example.org:8443/a/b?c=d&e=f#g",
        "https://de.wikipedia.org/wiki/Nordatlantikvertrag#Geschichte_(Überblick)",
        "https://[2001:db8::1]/page",
    ],
)
def test_a_web_address_or_an_empty_optional_cell_passes(data_copy: Path, url: str) -> None:
    edit_cell(data_copy, "sources", 1, "url", url)
    assert validate(data_copy) == []


def test_the_rule_follows_the_codebook(data_copy: Path) -> None:
    # Any column the codebook marks as a URI is checked, not only sources.url.
    path = data_copy / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    sources = next(r for r in desc["resources"] if r["name"] == "sources")
    next(f for f in sources["schema"]["fields"] if f["name"] == "seed_file")["format"] = "uri"
    path.write_text(json.dumps(desc, indent=2), encoding="utf-8")
    header, *rows = read_rows(data_copy / "sources.csv")
    seed = header.index("seed_file")
    first = next(i for i, row in enumerate(rows) if row[seed])
    problem = find(validate(data_copy), URL_EXPECTATION, column="seed_file", line=first + 2)
    assert problem.value == rows[first][seed]


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        ("Visit", "visit"),
        ("VISIT", "visit"),
        ("vist", "visit"),
        ("change of command", "change_of_command"),
    ],
)
def test_a_misspelt_allowed_value_gets_a_suggestion(
    data_copy: Path, value: str, suggestion: str
) -> None:
    edit_cell(data_copy, "events", 1, "event_type", value)
    problem = find(validate(data_copy), file="events.csv", line=2, column="event_type")
    assert problem.message.startswith("expected one of: request, decision,")
    assert problem.message.endswith(f"; did you mean {suggestion!r}?")


def test_a_value_unlike_any_allowed_one_gets_no_suggestion(data_copy: Path) -> None:
    edit_cell(data_copy, "events", 1, "event_type", "zzzz")
    problem = find(validate(data_copy), file="events.csv", line=2, column="event_type")
    assert "did you mean" not in problem.message


@pytest.mark.parametrize(
    ("value", "suggestion"), [("mis-nmii", "mis-nmi"), ("MIS-NTM-I", "mis-ntm-i")]
)
def test_an_unknown_id_gets_a_suggestion(data_copy: Path, value: str, suggestion: str) -> None:
    edit_cell(data_copy, "events", 5, "mission_id", value)
    problem = find(validate(data_copy), file="events.csv", line=6, column="mission_id")
    assert problem.message == (
        f"unknown reference: no row of missions.csv has mission_id = {value!r};"
        f" did you mean {suggestion!r}?"
    )


def test_a_misspelt_cited_record_gets_a_suggestion(data_copy: Path) -> None:
    edit_cell(data_copy, "citations", 1, "record_id", "evt-allawi-leter")
    problem = find(validate(data_copy), "cites no known record id", line=2, column="record_id")
    assert problem.message.endswith("did you mean 'evt-allawi-letter'?")


# --- sources: kind, language, read date; glosses of quotes not in English -------------


def test_a_source_language_must_be_an_iso_639_1_code(data_copy: Path) -> None:
    edit_cell(data_copy, "sources", 1, "language", "xx")
    problem = find(validate(data_copy), "not an ISO 639-1 language code", column="language")
    assert (problem.file, problem.line, problem.value) == ("sources.csv", 2, "xx")
    edit_cell(data_copy, "sources", 1, "language", "english")
    find(validate(data_copy), "", file="sources.csv", line=2, column="language")


def test_a_read_date_in_the_future_is_refused(data_copy: Path) -> None:
    import datetime as dt

    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    edit_cell(data_copy, "sources", 1, "read_date", tomorrow)
    problem = find(validate(data_copy), "read date is in the future", column="read_date")
    assert (problem.line, problem.value) == (2, tomorrow)
    edit_cell(data_copy, "sources", 1, "read_date", dt.date.today().isoformat())
    assert validate(data_copy) == []


def test_a_source_kind_outside_the_list_gets_a_suggestion(data_copy: Path) -> None:
    edit_cell(data_copy, "sources", 1, "source_type", "Press")
    problem = find(validate(data_copy), "did you mean 'press'?", column="source_type")
    assert problem.line == 2


def test_a_quote_not_in_english_needs_a_gloss(data_copy: Path) -> None:
    row = first_row_where(data_copy, "citations", "source_id", "supp-s05")
    assert edit_cell(data_copy, "citations", row, "gloss", "")
    problem = find(validate(data_copy), "give an English gloss", column="gloss")
    assert problem.file == "citations.csv" and problem.line == row + 1
