"""Check the dataset against its codebook and the project's own rules.

Three stages, and every problem of every stage is reported at once:

1. structure: each file exists, is UTF-8, is not empty, and has exactly the
   columns the codebook lists, each row with one cell per column;
2. the codebook: types, allowed values, patterns, required cells and primary
   keys, checked by Frictionless (imported only here: it is slow to import,
   and notebooks never need it when the data is unchanged); foreign keys,
   checked here with set lookups (Frictionless's own check doubled the time);
3. domain rules: calendar dates, start before end, ids unique across tables,
   every fact cited and every citation pointing at a fact, quotes of at most 20
   words, figure bounds consistent with their wording, discrepancies linking
   two or more claims.

Each problem names the file, the line (the header is line 1, so data row 3 is
line 4), the column, the bad value and what was expected.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.datapackage import DataPackage, Table, read_datapackage
from helpers.dates import DATE_PATTERN, may_precede, parse_partial_date
from helpers.digest import files_digest
from helpers.paths import DATAPACKAGE, PROJECT_ROOT

MAX_QUOTE_WORDS = 20
#: Where successful validations are remembered, keyed by the content they checked.
STAMP_DIR = PROJECT_ROOT / ".cache" / "validated"
DATE_EXPECTATION = "expected an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located as precisely as it can be."""

    file: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    message: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}" + (f" (row {self.line - 1})" if self.line > 1 else "")
        if self.column is not None:
            where += f", column {self.column!r}"
        value = f" value {self.value!r}:" if self.value is not None else ""
        return f"{where}:{value} {self.message}"


class DataValidationError(ValueError):
    """The dataset has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem], data_dir: Path) -> None:
        self.problems = problems
        self.data_dir = data_dir
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in {data_dir}:\n{lines}")


# ---------------------------------------------------------------- stage 1


@dataclass
class RawTable:
    """A table read as text, with the file line of each data row."""

    table: Table
    frame: pd.DataFrame  # all columns as strings, missing cells as <NA>
    lines: list[int]
    #: SHA-256 of the file's bytes, to remember what Frictionless found in them.
    digest: str

    def line_of(self, position: int) -> int:
        return self.lines[position]


def read_raw_table(pkg: DataPackage, table: Table) -> tuple[RawTable | None, list[Problem]]:
    """Read one CSV file as text and check its structure against the codebook."""
    path = pkg.base / table.path
    name = table.path
    if not path.exists():
        return None, [Problem(name, message="file is missing (listed in datapackage.json)")]
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        return None, [
            Problem(name, line, message=f"is not UTF-8: byte 0x{byte}; save the file as UTF-8")
        ]
    expected = table.field_names
    if not text.strip():
        return None, [
            Problem(name, message=f"file is empty; expected a header row: {','.join(expected)}")
        ]
    try:
        records = _csv_records(text)
    except _CsvError as exc:
        return None, [Problem(name, exc.line, message=f"is not valid CSV: {exc.reason}")]
    header, _ = records[0]
    problems = [
        Problem(name, 1, column, message=f"unknown column; expected columns: {','.join(expected)}")
        for column in header
        if column not in expected
    ]
    problems += [
        Problem(name, 1, column, message="column is missing from the header")
        for column in expected
        if column not in header
    ]
    if not problems and header != expected:
        problems.append(
            Problem(name, 1, message=f"columns out of order; expected: {','.join(expected)}")
        )
    rows, lines = [], []
    for row, line in records[1:]:
        if len(row) != len(header):
            problems.append(
                Problem(name, line, message=f"has {len(row)} cells, expected {len(header)}")
            )
        rows.append(row)
        lines.append(line)
    if problems:
        return None, problems
    frame = pd.DataFrame(rows, columns=header, dtype="string").replace("", pd.NA)
    return RawTable(table, frame, lines, hashlib.sha256(data).hexdigest()), []


class _CsvError(csv.Error):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.reason = line, reason


def _csv_records(text: str) -> list[tuple[list[str], int]]:
    """Each CSV record with the file line it starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    records, start = [], 1
    try:
        for row in reader:
            records.append((row, start))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _CsvError(reader.line_num, str(exc)) from None
    return records


# ---------------------------------------------------------------- stage 2


def frictionless_problems(pkg: DataPackage, raw: dict[str, RawTable]) -> list[Problem]:
    """Run Frictionless on each table read whole in stage 1; translate its reports.

    Tables that failed on structure (not in ``raw``) are left out. A table
    whose file and codebook entry were checked before in this process is not
    checked again: after an edit to one table, only that table is re-read.
    """
    problems = []
    for resource in pkg.descriptor["resources"]:
        if resource["name"] in raw:
            problems += _table_problems(pkg, raw[resource["name"]], resource)
    return problems


#: Problems found by Frictionless, by the hash of a table's codebook entry and file.
_CHECKED: dict[str, tuple[Problem, ...]] = {}


def _table_problems(pkg: DataPackage, rt: RawTable, resource: dict) -> tuple[Problem, ...]:
    """Frictionless's problems with one table, remembered by what was checked."""
    entry = json.dumps(resource, sort_keys=True)
    key = hashlib.sha256(f"{entry}\0{rt.digest}".encode()).hexdigest()
    if key not in _CHECKED:
        import frictionless  # slow import: only when validation actually runs

        # Foreign keys are checked by foreign_key_problems instead: Frictionless
        # re-reads every referenced table for each key, which doubled the time
        # of a validation, and our ids are plain strings that a set lookup checks.
        descriptor = copy.deepcopy(resource)
        descriptor.get("schema", {}).pop("foreignKeys", None)
        report = frictionless.Resource(descriptor, basepath=str(pkg.base)).validate()
        _CHECKED[key] = tuple(_translate(rt.table, e) for task in report.tasks for e in task.errors)
    return _CHECKED[key]


def foreign_key_problems(pkg: DataPackage, raw: dict[str, RawTable]) -> list[Problem]:
    """Every reference to a row that does not exist, as in ``foreignKeys`` of the codebook.

    Cells are compared as written (ids are text). A reference with an empty
    cell is not checked (whether it may be empty is the codebook's
    ``required``); references into a table that could not be read are skipped,
    since that table's own problem is already reported.
    """
    problems = []
    for rt in raw.values():
        for fk in rt.table.foreign_keys:
            target = raw.get(fk.resource)
            if target is None:
                continue
            known = set(
                target.frame[fk.reference_fields].dropna().itertuples(index=False, name=None)
            )
            cells = rt.frame[fk.fields]
            for position, values in enumerate(cells.itertuples(index=False, name=None)):
                if any(pd.isna(v) for v in values) or values in known:
                    continue
                value = ",".join(values)
                problems.append(
                    Problem(
                        rt.table.path,
                        rt.line_of(position),
                        ",".join(fk.fields),
                        value,
                        f"unknown reference: no row of {target.table.path} has "
                        f"{','.join(fk.reference_fields)} = {value!r}",
                    )
                )
    return problems


def _translate(table: Table, error) -> Problem:
    """One Frictionless error as a :class:`Problem` in our terms."""
    line = getattr(error, "row_number", None)
    column = getattr(error, "field_name", None)
    value = getattr(error, "cell", None)
    kind = error.type
    if kind == "type-error":
        message = f"expected type {table.field(column).type}"
    elif kind == "constraint-error":
        message = _constraint_expectation(table, column, error.note)
    elif kind in ("primary-key", "unique-error"):
        column = column or ",".join(table.primary_key)
        cells = getattr(error, "cells", None)
        if value is None and cells:  # the whole row: keep only the key's cells
            positions = [table.field_names.index(k) for k in table.primary_key]
            value = ",".join(cells[i] for i in positions if i < len(cells))
        message = f"duplicate key ({error.note})"
    else:
        message = error.message
    return Problem(table.path, line, column, value, message)


def _constraint_expectation(table: Table, column: str, note: str) -> str:
    constraint = re.match(r'constraint "(\w+)"', note)
    name = constraint.group(1) if constraint else ""
    field = table.field(column)
    if name == "required":
        return "a value is required"
    if name == "enum":
        return "expected one of: " + ", ".join(field.enum or [])
    if name == "pattern" and field.is_date:
        return DATE_EXPECTATION
    limit = field.constraints.get(name)
    if name in ("minimum", "maximum"):
        return f"expected {'at least' if name == 'minimum' else 'at most'} {limit}"
    return f"breaks the constraint {name} = {limit!r}"


# ---------------------------------------------------------------- stage 3


def domain_problems(raw: dict[str, RawTable], facts_unreadable: bool = False) -> list[Problem]:
    """The project's own rules, on the tables whose structure is sound.

    When a table of cited facts could not be read (``facts_unreadable``),
    references to records cannot be checked; they are skipped rather than
    reported one by one, since the structural problem already names the file.
    """
    problems: list[Problem] = []
    for rt in raw.values():
        problems += _date_problems(rt)
        problems += _number_notation_problems(rt)
        problems += _exactly_one_problems(rt)
    records = _record_index(raw, problems)
    references_checkable = not facts_unreadable
    problems += _citation_problems(raw, records, references_checkable)
    problems += _figure_bound_problems(raw)
    problems += _status_problems(raw)
    problems += _discrepancy_problems(raw, records, references_checkable)
    return problems


def _cells(rt: RawTable, column: str) -> Iterable[tuple[int, str]]:
    """(line, value) for each non-missing cell of ``column``."""
    for position, value in enumerate(rt.frame[column]):
        if not pd.isna(value):
            yield rt.line_of(position), value


def _date_problems(rt: RawTable) -> list[Problem]:
    problems = []
    date_re = re.compile(DATE_PATTERN)
    for field in rt.table.fields:
        if not field.is_date:
            continue
        for line, value in _cells(rt, field.name):
            if date_re.match(value):  # a bad pattern is Frictionless's to report
                try:
                    parse_partial_date(value)
                except ValueError as exc:
                    problems.append(Problem(rt.table.path, line, field.name, value, str(exc)))
    for first, second in rt.table.date_order:
        for position, (a, b) in enumerate(zip(rt.frame[first], rt.frame[second], strict=True)):
            if pd.isna(a) or pd.isna(b):
                continue
            try:
                ordered = may_precede(a, b)
            except ValueError:
                continue  # already reported as a bad date
            if not ordered:
                problems.append(
                    Problem(
                        rt.table.path,
                        rt.line_of(position),
                        second,
                        b,
                        f"ends before it starts: {first} is {a!r}",
                    )
                )
    return problems


#: How numbers are written in the CSV files: plain decimal notation.
NUMBER_NOTATION = {"integer": re.compile(r"-?\d+"), "number": re.compile(r"-?\d+(\.\d+)?")}


def _number_notation_problems(rt: RawTable) -> list[Problem]:
    """Numbers must be plain decimals.

    Frictionless reads "12a", "0:" or " 5" as 12, 0 and 5 even with
    ``bareNumber: false``; pandas would then fail to load them. Catch them here.
    """
    problems = []
    for field in rt.table.fields:
        notation = NUMBER_NOTATION.get(field.type)
        if notation is None:
            continue
        for line, value in _cells(rt, field.name):
            if not notation.fullmatch(value):
                kind = "a whole number" if field.type == "integer" else "a number"
                problems.append(
                    Problem(
                        rt.table.path,
                        line,
                        field.name,
                        value,
                        f"expected {kind} in plain decimal notation (such as 350 or 33.34)",
                    )
                )
    return problems


def _exactly_one_problems(rt: RawTable) -> list[Problem]:
    problems = []
    for group in rt.table.exactly_one_of:
        filled = rt.frame[list(group)].notna().sum(axis=1)
        for position in filled.index[filled != 1]:
            problems.append(
                Problem(
                    rt.table.path,
                    rt.line_of(position),
                    "|".join(group),
                    message=f"exactly one of {', '.join(group)} must be filled",
                )
            )
    return problems


def _record_index(raw: dict[str, RawTable], problems: list[Problem]) -> dict[str, str]:
    """Map every cited record's id to its table; flag ids used in two tables."""
    records: dict[str, str] = {}
    for rt in raw.values():
        if not rt.table.cited:
            continue
        (key,) = rt.table.primary_key
        for line, value in _cells(rt, key):
            if value in records and records[value] != rt.table.name:
                problems.append(
                    Problem(
                        rt.table.path,
                        line,
                        key,
                        value,
                        f"id is already used in {records[value]}.csv; ids must be unique"
                        " across all tables",
                    )
                )
            records.setdefault(value, rt.table.name)
    return records


def _citation_problems(
    raw: dict[str, RawTable], records: dict[str, str], references_checkable: bool
) -> list[Problem]:
    citations = raw.get("citations")
    if citations is None:
        return []
    problems = []
    cited = set(citations.frame["record_id"].dropna())
    for line, value in _cells(citations, "record_id"):
        if references_checkable and value not in records:
            problems.append(
                Problem(citations.table.path, line, "record_id", value, "cites no known record id")
            )
    for line, quote in _cells(citations, "quote"):
        words = len(quote.split())
        if words > MAX_QUOTE_WORDS:
            problems.append(
                Problem(
                    citations.table.path,
                    line,
                    "quote",
                    quote,
                    f"quote has {words} words; at most {MAX_QUOTE_WORDS} are allowed",
                )
            )
    for rt in raw.values():
        if not rt.table.cited:
            continue
        (key,) = rt.table.primary_key
        for line, value in _cells(rt, key):
            if value not in cited:
                problems.append(
                    Problem(
                        rt.table.path,
                        line,
                        key,
                        value,
                        "record has no citation in citations.csv; every fact cites a source",
                    )
                )
    return problems


#: What each figure bound requires of value_low and value_high.
BOUND_RULES = {
    "exact": "value_low and value_high both given and equal",
    "about": "value_low and value_high both given and equal",
    "at_least": "value_low given and value_high empty",
    "at_most": "value_high given and value_low empty",
    "range": "value_low and value_high both given, value_low below value_high",
}


def _bound_ok(bound: str, low: float | None, high: float | None) -> bool:
    if bound in ("exact", "about"):
        return low is not None and low == high
    if bound == "at_least":
        return low is not None and high is None
    if bound == "at_most":
        return high is not None and low is None
    if bound == "range":
        return low is not None and high is not None and low < high
    return True  # an unknown bound is an enum error, reported by Frictionless


def _number(value) -> float | None:
    if pd.isna(value):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _row_problems(
    rt: RawTable | None, column: str, check: Callable[[dict], tuple[str, str] | None]
) -> list[Problem]:
    """A problem at ``column`` for each row where ``check`` returns (value, message)."""
    if rt is None:
        return []
    problems = []
    for position, row in enumerate(rt.frame.to_dict("records")):
        found = check(row)
        if found is not None:
            value, message = found
            problems.append(Problem(rt.table.path, rt.line_of(position), column, value, message))
    return problems


def _figure_bound_problems(raw: dict[str, RawTable]) -> list[Problem]:
    def check(row: dict) -> tuple[str, str] | None:
        bound = row["bound"]
        if pd.isna(bound) or _bound_ok(
            bound, _number(row["value_low"]), _number(row["value_high"])
        ):
            return None
        return (
            f"{row['value_low']}|{row['value_high']}",
            f"bound {bound!r} needs {BOUND_RULES[bound]}",
        )

    return _row_problems(raw.get("figures"), "value_low|value_high", check)


@dataclass(frozen=True)
class StatusRule:
    """A status column whose value says which of some date columns are filled.

    ``needs`` maps each status to the columns it requires filled (True) or
    empty (False), and to how the message words that.
    """

    table: str
    column: str
    label: str
    needs: dict[str, tuple[dict[str, bool], str]]


STATUS_RULES = [
    StatusRule(
        "missions",
        "end_status",
        "end status",
        {
            "ended": (
                {"end_date": True, "last_reported": False},
                "an end_date and no last_reported",
            ),
            "ongoing": (
                {"end_date": False, "last_reported": True},
                "no end_date and a last_reported date",
            ),
            "not_stated": (
                {"end_date": False, "last_reported": False},
                "neither end_date nor last_reported",
            ),
        },
    ),
    StatusRule(
        "appointments",
        "to_status",
        "to_status",
        {
            "ended": ({"to_date": True}, "a to_date"),
            "in_post": ({"to_date": False}, "no to_date"),
            "not_stated": ({"to_date": False}, "no to_date"),
        },
    ),
]


def _status_problems(raw: dict[str, RawTable]) -> list[Problem]:
    """Each status (a mission's end, an appointment's end) agrees with its date columns."""
    problems = []
    for rule in STATUS_RULES:

        def check(row: dict, rule: StatusRule = rule) -> tuple[str, str] | None:
            status = row[rule.column]
            if pd.isna(status) or status not in rule.needs:
                return None  # a missing or unknown status is Frictionless's to report
            filled, words = rule.needs[status]
            if all((not pd.isna(row[column])) == want for column, want in filled.items()):
                return None
            return status, f"{rule.label} {status!r} needs {words}"

        problems += _row_problems(raw.get(rule.table), rule.column, check)
    return problems


def _discrepancy_problems(
    raw: dict[str, RawTable], records: dict[str, str], references_checkable: bool
) -> list[Problem]:
    claims, discrepancies = raw.get("discrepancy_claims"), raw.get("discrepancies")
    if claims is None or discrepancies is None:
        return []
    problems = []
    for line, value in _cells(claims, "record_id"):
        if references_checkable and value not in records:
            problems.append(
                Problem(claims.table.path, line, "record_id", value, "links no known record id")
            )
    counts = claims.frame["discrepancy_id"].value_counts()
    for line, value in _cells(discrepancies, "discrepancy_id"):
        if counts.get(value, 0) < 2:
            problems.append(
                Problem(
                    discrepancies.table.path,
                    line,
                    "discrepancy_id",
                    value,
                    "a discrepancy links at least two claims in discrepancy_claims.csv",
                )
            )
    return problems


# ---------------------------------------------------------------- driver


def validate(data_dir: Path | None = None) -> list[Problem]:
    """Every problem with the dataset in ``data_dir`` (empty list: valid)."""
    pkg = read_datapackage((data_dir / "datapackage.json") if data_dir else DATAPACKAGE)
    raw: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for table in pkg.tables.values():
        rt, found = read_raw_table(pkg, table)
        problems += found
        if rt is not None:
            raw[table.name] = rt
    broken = set(pkg.tables) - set(raw)
    problems += frictionless_problems(pkg, raw)
    problems += foreign_key_problems(pkg, raw)
    problems += domain_problems(raw, any(pkg.table(name).cited for name in broken))
    return sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.column or "", p.message))


def fingerprint(data_dir: Path) -> str:
    """A hash of the data files and of the rules that check them."""
    rules = [Path(__file__), Path(__file__).with_name("datapackage.py")]
    return files_digest([*sorted(data_dir.glob("*.csv")), data_dir / "datapackage.json", *rules])


def ensure_valid(data_dir: Path) -> None:
    """Raise :class:`DataValidationError` unless the data in ``data_dir`` is valid.

    A successful check is remembered under ``.cache/validated/`` by the hash of
    what it checked, so an unchanged dataset is not validated again; any edit
    to a data file, the codebook or these rules triggers a full check.
    """
    stamp = STAMP_DIR / fingerprint(data_dir)
    if stamp.exists():
        return
    problems = validate(data_dir)
    if problems:
        raise DataValidationError(problems, data_dir)
    STAMP_DIR.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=STAMP_DIR)
    os.close(fd)
    os.replace(tmp, stamp)
