"""Bad input gets a clear error naming file, line, column, value and expectation.

Each test corrupts one thing in a temporary copy of ``data/`` and checks that
validation reports it precisely; nothing is dropped or coerced silently.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.data import load
from helpers.paths import DATA_DIR
from helpers.publish.cli import main
from helpers.validation import DATE_EXPECTATION, DataValidationError, Problem, validate


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def edit_cell(data: Path, table: str, row: int, column: str, value: str) -> str:
    """Set one cell (``row`` counts data rows from 1); return the old value."""
    path = data / f"{table}.csv"
    rows = read_rows(path)
    col = rows[0].index(column)
    old, rows[row][col] = rows[row][col], value
    write_rows(path, rows)
    return old


def first_row_where(data: Path, table: str, column: str, value: str) -> int:
    """The first data row (from 1, as in :func:`edit_cell`) whose ``column`` is ``value``."""
    header, *rows = read_rows(data / f"{table}.csv")
    return next(i for i, r in enumerate(rows, 1) if r[header.index(column)] == value)


def find(problems: list[Problem], contains: str = "", **expected) -> Problem:
    """The first problem with the given attributes whose message contains ``contains``."""
    for problem in problems:
        if contains in problem.message and all(
            getattr(problem, k) == v for k, v in expected.items()
        ):
            return problem
    pytest.fail(f"no problem with {expected} in:\n" + "\n".join(map(str, problems)))


def test_the_committed_data_is_valid() -> None:
    assert validate(DATA_DIR) == []


def test_load_keeps_every_row_and_types_columns() -> None:
    ds = load()
    for name, table in ds.package.tables.items():
        lines = len(read_rows(DATA_DIR / table.path)) - 1
        assert len(ds[name]) == lines, name
        for field in table.fields:
            assert str(ds[name][field.name].dtype) == field.dtype, (name, field.name)


def test_malformed_date(data_copy: Path) -> None:
    edit_cell(data_copy, "events", 3, "date", "2004-13")
    problem = find(validate(data_copy), file="events.csv", line=4, column="date")
    assert problem.value == "2004-13"
    assert problem.message == DATE_EXPECTATION
    assert str(problem).startswith("events.csv line 4 (row 3), column 'date': value '2004-13':")


def test_a_date_that_is_not_in_the_calendar(data_copy: Path) -> None:
    edit_cell(data_copy, "events", 2, "date", "2021-02-29")
    problem = find(validate(data_copy), file="events.csv", line=3, column="date")
    assert "2021-02 has 28 days" in problem.message


def test_unknown_reference(data_copy: Path) -> None:
    edit_cell(data_copy, "events", 5, "mission_id", "mis-no-such-mission")
    problem = find(validate(data_copy), file="events.csv", line=6, column="mission_id")
    assert problem.value == "mis-no-such-mission"
    assert "no row of missions.csv has mission_id" in problem.message


def test_duplicate_id(data_copy: Path) -> None:
    first = read_rows(data_copy / "events.csv")[1][0]
    edit_cell(data_copy, "events", 2, "event_id", first)
    problem = find(validate(data_copy), file="events.csv", line=3, column="event_id")
    assert "duplicate key" in problem.message
    assert problem.value == first


def test_an_id_used_in_two_tables(data_copy: Path) -> None:
    mission_id = read_rows(data_copy / "missions.csv")[1][0]
    edit_cell(data_copy, "events", 1, "event_id", mission_id)
    problems = validate(data_copy)
    # Both the table's id pattern and the cross-table rule catch it.
    find(problems, "breaks the constraint pattern", file="events.csv", line=2, column="event_id")
    find(problems, "already used in missions.csv", file="events.csv", line=2, column="event_id")


@pytest.mark.parametrize(
    ("bound", "low", "high"),
    [("range", "900", "200"), ("at_least", "350", "300"), ("exact", "5", ""), ("about", "", "")],
)
def test_inconsistent_bound(data_copy: Path, bound: str, low: str, high: str) -> None:
    edit_cell(data_copy, "figures", 1, "bound", bound)
    edit_cell(data_copy, "figures", 1, "value_low", low)
    edit_cell(data_copy, "figures", 1, "value_high", high)
    problem = find(validate(data_copy), file="figures.csv", line=2, column="value_low|value_high")
    assert f"bound {bound!r} needs" in problem.message


def test_end_before_start(data_copy: Path) -> None:
    rows = read_rows(data_copy / "missions.csv")
    header = rows[0]
    row = next(
        i for i, r in enumerate(rows[1:], 1) if r[header.index("start_date")].startswith("20")
    )
    start = rows[row][header.index("start_date")]
    edit_cell(data_copy, "missions", row, "end_date", str(int(start[:4]) - 1))
    problem = find(validate(data_copy), file="missions.csv", line=row + 1, column="end_date")
    assert "ends before it starts" in problem.message


def test_record_without_citation(data_copy: Path) -> None:
    event_id = read_rows(data_copy / "events.csv")[1][0]
    rows = read_rows(data_copy / "citations.csv")
    col = rows[0].index("record_id")
    write_rows(data_copy / "citations.csv", [r for r in rows if r[col] != event_id])
    problem = find(validate(data_copy), file="events.csv", line=2, column="event_id")
    assert problem.value == event_id
    assert "no citation" in problem.message


def test_citation_of_an_unknown_record_and_a_long_quote(data_copy: Path) -> None:
    edit_cell(data_copy, "citations", 1, "record_id", "evt-does-not-exist")
    edit_cell(data_copy, "citations", 2, "quote", " ".join(["word"] * 21))
    problems = validate(data_copy)
    assert "cites no known record" in find(problems, line=2, column="record_id").message
    assert "21 words" in find(problems, file="citations.csv", line=3, column="quote").message


def test_wrong_column_name(data_copy: Path) -> None:
    rows = read_rows(data_copy / "events.csv")
    rows[0][rows[0].index("date")] = "when"
    write_rows(data_copy / "events.csv", rows)
    problems = validate(data_copy)
    assert "unknown column" in find(problems, file="events.csv", line=1, column="when").message
    assert "missing" in find(problems, file="events.csv", line=1, column="date").message


def test_non_utf8_file(data_copy: Path) -> None:
    path = data_copy / "people.csv"
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3] + "é".encode("latin-1")
    path.write_bytes(b"\n".join(lines))
    problem = find(validate(data_copy), file="people.csv", line=4)
    assert "is not UTF-8: byte 0xe9" in problem.message


def test_empty_file(data_copy: Path) -> None:
    (data_copy / "places.csv").write_text("", encoding="utf-8")
    problem = find(validate(data_copy), file="places.csv")
    assert "file is empty; expected a header row: place_id," in problem.message


def test_a_row_with_too_few_cells(data_copy: Path) -> None:
    path = data_copy / "focus_areas.csv"
    path.write_text(path.read_text(encoding="utf-8") + "foc-short,only two\n", encoding="utf-8")
    problem = find(validate(data_copy), file="focus_areas.csv")
    assert "has 2 cells, expected" in problem.message


def test_value_outside_the_allowed_list(data_copy: Path) -> None:
    edit_cell(data_copy, "figures", 2, "status", "rumoured")
    problem = find(validate(data_copy), file="figures.csv", line=3, column="status")
    assert problem.message.startswith("expected one of: planned, authorised")


def test_an_actor_must_be_an_organisation_or_a_person(data_copy: Path) -> None:
    rows = read_rows(data_copy / "event_actors.csv")
    header = rows[0]
    org = header.index("org_id")
    row = next(i for i, r in enumerate(rows[1:], 1) if r[org])
    edit_cell(
        data_copy, "event_actors", row, "person_id", read_rows(data_copy / "people.csv")[1][0]
    )
    problem = find(validate(data_copy), file="event_actors.csv", line=row + 1)
    assert "exactly one of org_id, person_id" in problem.message


def test_a_discrepancy_needs_two_claims(data_copy: Path) -> None:
    rows = read_rows(data_copy / "discrepancy_claims.csv")
    first = rows[1][0]
    write_rows(
        data_copy / "discrepancy_claims.csv",
        [r for r in rows if r[0] != first][:1]
        + [r for r in rows[1:] if r[0] != first]
        + [r for r in rows if r[0] == first][:1],
    )
    problem = find(
        validate(data_copy), file="discrepancies.csv", column="discrepancy_id", value=first
    )
    assert "at least two claims" in problem.message


def test_every_problem_is_reported_at_once(data_copy: Path) -> None:
    edit_cell(data_copy, "events", 1, "date", "1 May 2004")
    edit_cell(data_copy, "figures", 1, "unit", "bananas")
    (data_copy / "places.csv").write_text("", encoding="utf-8")
    problems = validate(data_copy)
    assert {p.file for p in problems} >= {"events.csv", "figures.csv", "places.csv"}


def test_load_refuses_bad_data(data_copy: Path) -> None:
    edit_cell(data_copy, "events", 1, "date", "2004-00")
    with pytest.raises(DataValidationError) as exc:
        load(data_copy)
    assert "events.csv line 2 (row 1), column 'date'" in str(exc.value)


def test_cli_validate_exit_status_and_messages(data_copy: Path, capsys) -> None:
    edit_cell(data_copy, "events", 1, "date", "2004-7")
    assert main(["validate", "--data", str(data_copy)]) == 1
    stderr = capsys.readouterr().err
    assert "events.csv line 2 (row 1), column 'date': value '2004-7'" in stderr
    assert "1 problem(s)" in stderr


def test_the_console_script_is_installed() -> None:
    # The entry point users type; its imports are lazy, so --help is quick.
    script = Path(sys.executable).with_name("nato-iraq")
    result = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "validate" in result.stdout and "build" in result.stdout


def test_a_broken_table_does_not_flood_the_report(data_copy: Path) -> None:
    path = data_copy / "organisations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4] += ",an extra cell"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = validate(data_copy)
    assert [str(p) for p in problems] == [
        "organisations.csv line 5 (row 4): has 6 cells, expected 5"
    ]


def test_an_ongoing_mission_needs_a_last_reported_date(data_copy: Path) -> None:
    row = first_row_where(data_copy, "missions", "end_status", "ongoing")
    edit_cell(data_copy, "missions", row, "last_reported", "")
    problem = find(validate(data_copy), file="missions.csv", line=row + 1, column="end_status")
    assert "needs no end_date and a last_reported date" in problem.message


def test_an_ended_post_needs_its_end_date(data_copy: Path) -> None:
    row = first_row_where(data_copy, "appointments", "to_status", "ended")
    edit_cell(data_copy, "appointments", row, "to_date", "")
    problem = find(validate(data_copy), file="appointments.csv", line=row + 1, column="to_status")
    assert problem.message == "to_status 'ended' needs a to_date"
    edit_cell(data_copy, "appointments", row, "to_status", "not_stated")
    assert validate(data_copy) == []
