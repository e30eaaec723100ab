"""One run reports every problem of every table, root causes first and in file order.

A table that cannot be read whole (a row with the wrong number of cells, no
rows at all) must not hide the problems of other tables, nor the problems of
its own readable rows; and the references it breaks in other tables are not
reported one by one, since its own problem names the cause.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.datapackage import read_datapackage
from helpers.paths import DATA_DIR
from helpers.validation import Problem, validate
from tests.test_validation import edit_cell, find, read_rows, write_rows

PKG = read_datapackage(DATA_DIR / "datapackage.json")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def append_line(path: Path, line: str) -> int:
    """Add a raw line at the end of a table; return its line number."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


def described(problems: list[Problem]) -> str:
    return "\n".join(map(str, problems))


def test_a_short_row_and_a_bad_value_in_another_table_are_both_reported(data_copy: Path) -> None:
    line = append_line(data_copy / "focus_areas.csv", "foc-short,only two")
    edit_cell(data_copy, "figures", 2, "status", "rumoured")
    problems = validate(data_copy)
    assert "has 2 cells" in find(problems, file="focus_areas.csv", line=line).message
    find(problems, "expected one of", file="figures.csv", line=3, column="status")


def test_a_short_row_leaves_the_rest_of_its_table_checked(data_copy: Path) -> None:
    edit_cell(data_copy, "focus_areas", 2, "category", "Training")
    edit_cell(data_copy, "focus_areas", 5, "focus_id", "foc-Bad id")
    line = append_line(data_copy / "focus_areas.csv", "foc-short,only two")
    problems = validate(data_copy)
    find(problems, "has 2 cells, expected 4", file="focus_areas.csv", line=line)
    find(problems, "expected one of", file="focus_areas.csv", line=3, column="category")
    find(problems, "constraint pattern", file="focus_areas.csv", line=6, column="focus_id")
    # The short row itself is reported once, for its cell count only.
    assert [p for p in problems if p.line == line] == [
        Problem("focus_areas.csv", line, message="has 2 cells, expected 4")
    ]


def test_an_unreadable_table_does_not_hide_references_elsewhere(data_copy: Path) -> None:
    append_line(data_copy / "events.csv", "evt-short,2004")
    edit_cell(data_copy, "citations", 3, "record_id", "mis-no-such-mission")
    edit_cell(data_copy, "figures", 1, "mission_id", "mis-no-such-mission")
    problems = validate(data_copy)
    find(problems, "cites no known record id", file="citations.csv", line=4, column="record_id")
    find(problems, "unknown reference", file="figures.csv", line=2, column="mission_id")


def test_a_broken_discrepancies_table_still_checks_the_claims(data_copy: Path) -> None:
    append_line(data_copy / "discrepancies.csv", "dis-short")
    edit_cell(data_copy, "discrepancy_claims", 1, "record_id", "fig-no-such-figure")
    problems = validate(data_copy)
    find(problems, "has 1 cells", file="discrepancies.csv")
    find(problems, "links no known record id", file="discrepancy_claims.csv", line=2)


def test_references_into_an_unreadable_table_are_not_reported_one_by_one(
    data_copy: Path,
) -> None:
    # The first event's row loses a cell: its id can no longer be trusted, so
    # the actors and citations that name it are not each reported as unknown.
    rows = read_rows(data_copy / "events.csv")
    rows[1] = rows[1][:-1]
    write_rows(data_copy / "events.csv", rows)
    problems = validate(data_copy)
    assert [str(p) for p in problems] == ["events.csv line 2 (row 1): has 7 cells, expected 8"]


@pytest.mark.parametrize("table", list(PKG.tables))
def test_a_header_only_table_is_the_only_problem_named(data_copy: Path, table: str) -> None:
    path = data_copy / PKG.table(table).path
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    problems = validate(data_copy)
    assert problems, f"a header-only {path.name} passed"
    assert str(problems[0]).startswith(f"{path.name}: has a header but no rows;")
    # What its missing rows break elsewhere follows from it: not reported.
    assert {p.file for p in problems} == {path.name}, described(problems)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("header", "has a header but no rows"),
        ("", "file is empty"),
        ("\n\n", "file is empty"),
    ],
)
def test_an_empty_events_table_comes_first_without_a_cascade(
    data_copy: Path, content: str, message: str
) -> None:
    path = data_copy / "events.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0] + "\n"
    path.write_text(header if content == "header" else content, encoding="utf-8")
    edit_cell(data_copy, "citations", 1, "quote", " ".join(["word"] * 25))
    problems = validate(data_copy)
    assert problems[0].file == "events.csv" and message in problems[0].message
    # An unrelated problem is still found, after it; nothing else.
    assert [(p.file, p.column) for p in problems[1:]] == [("citations.csv", "quote")], described(
        problems
    )


def test_a_table_s_problems_come_together_in_file_order(data_copy: Path) -> None:
    # Within a row, columns as the header orders them (title before mission_id).
    edit_cell(data_copy, "events", 2, "mission_id", "mis-no-such-mission")
    edit_cell(data_copy, "events", 2, "title", "")
    edit_cell(data_copy, "events", 1, "place_id", "plc-nowhere")
    edit_cell(data_copy, "events", 5, "date", "2004-13")
    edit_cell(data_copy, "figures", 1, "unit", "bananas")
    edit_cell(data_copy, "citations", 2, "quote", " ".join(["word"] * 25))
    problems = validate(data_copy)
    assert [(p.file, p.line, p.column) for p in problems] == [
        ("citations.csv", 3, "quote"),
        ("events.csv", 2, "place_id"),
        ("events.csv", 3, "title"),
        ("events.csv", 3, "mission_id"),
        ("events.csv", 6, "date"),
        ("figures.csv", 2, "unit"),
    ], described(problems)


def test_the_codebook_s_own_problems_come_first(data_copy: Path) -> None:
    text = (data_copy / "datapackage.json").read_text(encoding="utf-8")
    (data_copy / "datapackage.json").write_text(text + "}", encoding="utf-8")
    problems = validate(data_copy)
    assert problems[0].file == "datapackage.json"


def test_a_cell_that_spans_lines_keeps_later_lines_right(data_copy: Path) -> None:
    # A quoted cell may hold a line break: later rows sit one line lower.
    edit_cell(data_copy, "events", 1, "date_note", "first line\nsecond line")
    edit_cell(data_copy, "events", 5, "date", "2004-13")
    edit_cell(data_copy, "events", 6, "date", "2021-02-29")
    problems = validate(data_copy)
    assert [(p.line, p.value) for p in problems] == [(7, "2004-13"), (8, "2021-02-29")], described(
        problems
    )
