"""Check the dataset against its codebook and the project's own rules.

First the codebook itself: ``datapackage.json`` must be JSON and describe each
table with a name, a path and its fields (see :mod:`helpers.datapackage`);
if it does not, that is the only problem reported. Then three stages, and
every problem of every stage is reported at once:

1. structure: each file exists, is UTF-8, is not empty, has at least one
   row, and has exactly the columns the codebook lists, each row with one
   cell per column;
2. the codebook: types, allowed values, patterns, required cells and primary
   keys, checked by Frictionless (imported only here: it is slow to import,
   and notebooks never need it when the data is unchanged); foreign keys,
   checked here with set lookups (Frictionless's own check doubled the time);
3. domain rules: calendar dates, start before end, ids unique across tables,
   every fact cited and every citation pointing at a fact, quotes of at most 20
   words, figure bounds consistent with their wording, discrepancies linking
   two or more claims, web addresses (``"format": "uri"``) that are http(s).

A table that cannot be read whole does not stop the others: a row with the
wrong number of cells is reported and left out, and the table's other rows
are still checked; only the references into such a table (or into one with
no rows) are not judged, since its own problem already names their cause.

Each problem names the file, the line (the header is line 1, so data row 3 is
line 4), the column, the bad value and what was expected; a misspelt allowed
value or id is answered with the closest valid one. Problems come sorted:
the codebook's first, then the tables that could not be read whole (the
likely cause of what follows), then the others; each table's together, in
file order (by line, then by column as the header orders them).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import difflib
import hashlib
import importlib.util
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.datapackage import DataPackage, DataPackageError, Table, read_datapackage
from helpers.dates import DATE_FORMS, DATE_PATTERN, may_precede, parse_partial_date
from helpers.digest import files_digest
from helpers.paths import DATAPACKAGE, PROJECT_ROOT
from helpers.untrusted import URL_EXPECTATION, is_web_address

MAX_QUOTE_WORDS = 20
#: Where successful validations are remembered, keyed by the content they checked.
STAMP_DIR = PROJECT_ROOT / ".cache" / "validated"
DATE_EXPECTATION = f"expected a date: {DATE_FORMS}"


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
            # Rows are a table's: a line of datapackage.json is just a line.
            row = self.line > 1 and self.file.endswith(".csv")
            where += f" line {self.line}" + (f" (row {self.line - 1})" if row else "")
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
    #: The rows read whole: all columns as strings, missing cells as <NA>.
    frame: pd.DataFrame
    #: The file line of each row of ``frame``.
    lines: list[int]
    #: SHA-256 of the file's bytes, to remember what Frictionless found in them.
    digest: str
    #: The file line of every CSV record, the header first: record ``n`` (from
    #: 1, as Frictionless numbers rows) starts on ``record_lines[n - 1]``. They
    #: differ when a quoted cell holds a line break.
    record_lines: list[int]
    #: Lines of the rows left out of ``frame`` (wrong number of cells).
    bad_lines: frozenset[int] = frozenset()

    def line_of(self, position: int) -> int:
        return self.lines[position]

    def line_of_record(self, number: int) -> int:
        """The file line of CSV record ``number`` (the header is 1)."""
        if 0 < number <= len(self.record_lines):
            return self.record_lines[number - 1]
        return number

    @property
    def whole(self) -> bool:
        """Every row was read, and there is one at least.

        Only then can a reference to a row that is not there be called
        unknown: it may be in a row left out, or in the rows a file lost.
        """
        return not self.bad_lines and len(self.frame) > 0


def read_raw_table(pkg: DataPackage, table: Table) -> tuple[RawTable | None, list[Problem]]:
    """Read one CSV file as text and check its structure against the codebook.

    A table whose header is right is returned even when some rows have the
    wrong number of cells (they are reported and left out) or when it has no
    rows: its other rows can still be checked. ``None`` means nothing in the
    file could be read.
    """
    path = pkg.base / table.path
    name = table.path
    if not path.exists():
        return None, [Problem(name, message="file is missing (listed in datapackage.json)")]
    try:
        data = path.read_bytes()
    except OSError as exc:  # a folder of that name, or no permission to read
        return None, [Problem(name, message=f"file cannot be read ({exc.strerror or exc})")]
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
    header_problems = bool(problems)
    rows, lines, bad_lines = [], [], set()
    for row, line in records[1:]:
        if len(row) != len(header):
            problems.append(
                Problem(name, line, message=f"has {len(row)} cells, expected {len(header)}")
            )
            bad_lines.add(line)
        else:
            rows.append(row)
            lines.append(line)
    if header_problems:
        return None, problems
    if len(records) == 1:
        problems.append(
            Problem(
                name,
                message="has a header but no rows; expected at least one row of data (was the"
                " file cut short?). References to its rows from other tables are checked once"
                " it has rows",
            )
        )
    frame = pd.DataFrame(rows, columns=header, dtype="string").replace("", pd.NA)
    raw = RawTable(
        table,
        frame,
        lines,
        hashlib.sha256(data).hexdigest(),
        record_lines=[line for _, line in records],
        bad_lines=frozenset(bad_lines),
    )
    return raw, problems


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
    """Run Frictionless on each table read in stage 1; translate its reports.

    Tables that failed on structure (not in ``raw``) are left out; in a table
    with rows of the wrong length, those rows (already reported by stage 1)
    are. A table whose file and codebook entry were checked before in this
    process is not checked again: after an edit to one table, only that table
    is re-read.
    """
    problems = []
    for resource in pkg.descriptor["resources"]:
        rt = raw.get(resource["name"])
        if rt is not None:
            found = _table_problems(pkg, rt, resource)
            problems += [p for p in found if p.line not in rt.bad_lines]
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
        try:
            report = frictionless.Resource(descriptor, basepath=str(pkg.base)).validate()
        except Exception as exc:  # reported as a problem below, never passed over
            # A descriptor our own checks accept but Frictionless cannot use
            # (it raises, or crashes on, some malformed schemas): the codebook's
            # problem, and the table fails validation rather than the run.
            return (
                Problem(
                    pkg.path.name,
                    message=f"resource {rt.table.name!r}: Frictionless cannot check the table"
                    f" with this description ({type(exc).__name__}: {exc}); check its schema",
                ),
            )
        _CHECKED[key] = tuple(_translate(rt, e) for task in report.tasks for e in task.errors)
    return _CHECKED[key]


def foreign_key_problems(pkg: DataPackage, raw: dict[str, RawTable]) -> list[Problem]:
    """Every reference to a row that does not exist, as in ``foreignKeys`` of the codebook.

    Cells are compared as written (ids are text). A reference with an empty
    cell is not checked (whether it may be empty is the codebook's
    ``required``). References into a table that could not be read whole are
    not called unknown: the row they name may be one that was left out, and
    that table's own problem is already reported.
    """
    problems = []
    for rt in raw.values():
        for fk in rt.table.foreign_keys:
            target = raw.get(fk.resource)
            if target is None or not target.whole:
                continue
            known = set(
                target.frame[fk.reference_fields].dropna().itertuples(index=False, name=None)
            )
            suggest = Suggestions(",".join(k) for k in known)
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
                        f"{','.join(fk.reference_fields)} = {value!r}{suggest(value)}",
                    )
                )
    return problems


class Suggestions:
    """The valid value closest to a misspelt one, worded as "; did you mean 'x'?".

    A value that differs only in case is the best guess (``Visit`` for
    ``visit``); otherwise the closest spelling by :func:`difflib.get_close_matches`,
    if one is close enough. The valid values are indexed on the first question
    (most checks never ask one), and answers are remembered: a misspelling
    repeated in many rows is looked up once.
    """

    #: Misspellings looked up by spelling, at most, per set of valid values. Past
    #: that, the values are off wholesale (a renamed prefix, a shifted column),
    #: a guess per row helps nobody, and each one costs a scan of every valid value.
    LIMIT = 100

    def __init__(self, known: Iterable[str]) -> None:
        self._known: Iterable[str] | None = known
        self._by_case: dict[str, str] = {}
        self._answers: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        if self._known is not None:
            for option in sorted(self._known):  # sorted: the same answer on every run
                self._by_case.setdefault(option.casefold(), option)
            self._known = None
        if value not in self._answers:
            folded = value.casefold()
            match = self._by_case.get(folded)
            if match is None and len(self._answers) < self.LIMIT:
                close = difflib.get_close_matches(folded, self._by_case, n=1)
                match = self._by_case[close[0]] if close else None
            self._answers[value] = f"; did you mean {match!r}?" if match else ""
        return self._answers[value]


def _translate(rt: RawTable, error) -> Problem:
    """One Frictionless error as a :class:`Problem` in our terms."""
    table = rt.table
    line = getattr(error, "row_number", None)
    if line is not None:  # Frictionless counts records; a quoted cell may span lines
        line = rt.line_of_record(line)
    column = getattr(error, "field_name", None)
    value = getattr(error, "cell", None)
    kind = error.type
    if kind == "type-error" and table.field(column).format == "uri":
        message = URL_EXPECTATION  # as the stage 3 rule words it, so the two merge
    elif kind == "type-error":
        message = f"expected type {table.field(column).type}"
    elif kind == "constraint-error":
        message = _constraint_expectation(table, column, error.note, value)
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


def _constraint_expectation(table: Table, column: str, note: str, value: object) -> str:
    constraint = re.match(r'constraint "(\w+)"', note)
    name = constraint.group(1) if constraint else ""
    field = table.field(column)
    if name == "required":
        return "a value is required"
    if name == "enum":
        allowed = [str(v) for v in field.enum or []]
        hint = Suggestions(allowed)(value) if isinstance(value, str) else ""
        return "expected one of: " + ", ".join(allowed) + hint
    if name == "pattern" and field.is_date:
        return DATE_EXPECTATION
    limit = field.constraints.get(name)
    if name in ("minimum", "maximum"):
        return f"expected {'at least' if name == 'minimum' else 'at most'} {limit}"
    return f"breaks the constraint {name} = {limit!r}"


# ---------------------------------------------------------------- stage 3


def domain_problems(pkg: DataPackage, raw: dict[str, RawTable]) -> list[Problem]:
    """The project's own rules, on the rows stage 1 could read.

    A record id that may belong to a cited table not read whole is not
    called unknown (see :func:`_unjudged_records`): the structural problem
    already names that file, and its rows would otherwise be reported one by
    one as missing wherever they are cited. A table that lacks a column a rule
    reads is left out of that rule (:func:`rule_column_problems` reports it).
    """
    problems: list[Problem] = []
    for rt in raw.values():
        problems += _date_problems(rt)
        problems += _number_notation_problems(rt)
        problems += _exactly_one_problems(rt)
        problems += _url_problems(rt)
    records = _record_index(raw, problems)
    unjudged = _unjudged_records(pkg, raw)
    problems += _citation_problems(raw, records, unjudged)
    problems += _figure_bound_problems(raw)
    problems += _status_problems(raw)
    problems += _discrepancy_problems(raw, records, unjudged)
    problems += _source_problems(raw)
    problems += _gloss_problems(raw)
    return problems


def _unjudged_records(pkg: DataPackage, raw: dict[str, RawTable]) -> Callable[[str], bool]:
    """Whether a record id may name a row of a cited table that was not read whole.

    Each table's ids follow the pattern of its key (``evt-...`` for events), so
    ids of the tables that were read are still checked; a table whose key has
    no pattern leaves every id unjudged.
    """
    patterns = []
    for table in pkg.tables.values():
        rt = raw.get(table.name)
        if not table.cited or (rt is not None and rt.whole):
            continue
        pattern = table.field(table.primary_key[0]).constraints.get("pattern")
        try:
            patterns.append(re.compile(f"^{pattern}$"))  # anchored as Frictionless does
        except (TypeError, re.error):  # no pattern, or one Frictionless reports
            return lambda record_id: True
    return lambda record_id: any(p.match(record_id) for p in patterns)


#: The columns of each table that the rules below read by name.
RULE_COLUMNS: dict[str, tuple[str, ...]] = {
    "citations": ("record_id", "quote"),
    "figures": ("bound", "value_low", "value_high"),
    "discrepancies": ("discrepancy_id",),
    "discrepancy_claims": ("discrepancy_id", "record_id"),
}


def _missing_rule_columns(table: Table) -> list[str]:
    """The columns a rule reads by name that the codebook does not give ``table``."""
    wanted = list(RULE_COLUMNS.get(table.name, ()))
    for rule in STATUS_RULES:
        if rule.table == table.name:
            wanted += [rule.column, *(c for filled, _ in rule.needs.values() for c in filled)]
    return [c for c in dict.fromkeys(wanted) if c not in table.field_names]


def _ruled(raw: dict[str, RawTable], name: str) -> RawTable | None:
    """Table ``name`` if it was read and has every column the rules read in it."""
    rt = raw.get(name)
    return None if rt is None or _missing_rule_columns(rt.table) else rt


def rule_column_problems(pkg: DataPackage) -> list[Problem]:
    """A table the codebook describes without a column that the project's rules read."""
    return [
        Problem(
            pkg.path.name,
            message=f"resource {table.name!r} has no column {column!r}, which a rule in"
            " helpers/validation.py reads; restore the column, or change the rule with it",
        )
        for table in pkg.tables.values()
        for column in _missing_rule_columns(table)
    ]


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


def _url_problems(rt: RawTable) -> list[Problem]:
    """Every cell of a column the codebook marks ``"format": "uri"`` is a web address."""
    problems = []
    for field in rt.table.fields:
        if field.format != "uri":
            continue
        for line, value in _cells(rt, field.name):
            if not is_web_address(value):
                problems.append(Problem(rt.table.path, line, field.name, value, URL_EXPECTATION))
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
    raw: dict[str, RawTable], records: dict[str, str], unjudged: Callable[[str], bool]
) -> list[Problem]:
    citations = _ruled(raw, "citations")
    if citations is None:
        return []
    problems = []
    cited = set(citations.frame["record_id"].dropna())
    suggest = Suggestions(records)
    for line, value in _cells(citations, "record_id"):
        if value not in records and not unjudged(value):
            problems.append(
                Problem(
                    citations.table.path,
                    line,
                    "record_id",
                    value,
                    f"cites no known record id{suggest(value)}",
                )
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
    if not citations.whole:
        return problems  # a record's citation may be in a row that was lost
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


#: ISO 639-1 language codes (the two-letter codes of the standard's 2002 list and later additions).
ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu
    cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi
    ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks
    ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl
    nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl
    sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve
    vi vo wa wo xh yi yo za zh zu""".split()  # noqa: SIM905 (a list of 184 codes reads better as text)
)


def _source_problems(raw: dict[str, RawTable], today: dt.date | None = None) -> list[Problem]:
    """A source's language is an ISO 639-1 code and its read date a real day, not in the future."""
    sources = _ruled(raw, "sources")
    if sources is None:
        return []
    today = today or dt.date.today()
    problems = []
    if "language" in sources.frame:
        suggest = Suggestions(ISO_639_1)
        for line, value in _cells(sources, "language"):
            if value not in ISO_639_1:
                message = f"not an ISO 639-1 language code{suggest(value)}"
                problems.append(Problem(sources.table.path, line, "language", value, message))
    if "read_date" in sources.frame:
        for line, value in _cells(sources, "read_date"):
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                continue  # not a day: Frictionless reports the pattern
            if day > today:
                message = f"read date is in the future (today is {today.isoformat()})"
                problems.append(Problem(sources.table.path, line, "read_date", value, message))
    return problems


def _gloss_problems(raw: dict[str, RawTable]) -> list[Problem]:
    """A quote from a text not in English carries an English gloss."""
    sources, citations = _ruled(raw, "sources"), _ruled(raw, "citations")
    if sources is None or citations is None:
        return []
    if "language" not in sources.frame or "gloss" not in citations.frame:
        return []
    frame = sources.frame
    own_words = (frame["language"] != "en") & (frame["quote_origin"] == "source_text")
    foreign = set(frame.loc[own_words, "source_id"])
    problems = []
    pairs = zip(citations.frame["source_id"], citations.frame["gloss"], strict=True)
    for position, (source, gloss) in enumerate(pairs):
        if source in foreign and pd.isna(gloss):
            message = f"the quote is not in English ({source}): give an English gloss"
            problems.append(
                Problem(citations.table.path, citations.line_of(position), "gloss", None, message)
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

    return _row_problems(_ruled(raw, "figures"), "value_low|value_high", check)


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

        problems += _row_problems(_ruled(raw, rule.table), rule.column, check)
    return problems


def _discrepancy_problems(
    raw: dict[str, RawTable], records: dict[str, str], unjudged: Callable[[str], bool]
) -> list[Problem]:
    claims, discrepancies = _ruled(raw, "discrepancy_claims"), _ruled(raw, "discrepancies")
    if claims is None:
        return []
    problems = []
    suggest = Suggestions(records)
    for line, value in _cells(claims, "record_id"):
        if value not in records and not unjudged(value):
            problems.append(
                Problem(
                    claims.table.path,
                    line,
                    "record_id",
                    value,
                    f"links no known record id{suggest(value)}",
                )
            )
    if discrepancies is None or not claims.whole:
        return problems  # a discrepancy's claims may be in rows that were lost
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
    """Every problem with the dataset in ``data_dir`` (empty list: valid).

    Never raises on bad data: a codebook that cannot be read is a problem of
    ``datapackage.json`` (and then the only one, since nothing else can be
    checked without it).
    """
    path = (Path(data_dir) / "datapackage.json") if data_dir else DATAPACKAGE
    try:
        pkg = read_datapackage(path)
    except DataPackageError as exc:
        return [Problem(path.name, issue.line, message=issue.message) for issue in exc.issues]
    raw: dict[str, RawTable] = {}
    problems = rule_column_problems(pkg)
    for table in pkg.tables.values():
        rt, found = read_raw_table(pkg, table)
        problems += found
        if rt is not None:
            raw[table.name] = rt
    problems += frictionless_problems(pkg, raw)
    problems += foreign_key_problems(pkg, raw)
    problems += domain_problems(pkg, raw)
    return sorted(set(problems), key=_report_order(pkg, raw))


def _report_order(pkg: DataPackage, raw: dict[str, RawTable]) -> Callable[[Problem], tuple]:
    """How problems are sorted: causes first, each table's together, in file order.

    The codebook's problems come first, then those of the tables that could
    not be read whole (what they break elsewhere is not reported, so a reader
    starts where the trouble starts), then the other tables', by file name.
    Within a table: by line, then by column as the header orders them (a
    problem of the whole row first).
    """
    by_path = {t.path: t for t in pkg.tables.values()}

    def key(p: Problem) -> tuple:
        table = by_path.get(p.file)
        if p.file == pkg.path.name:
            rank = 0
        elif table is not None and (table.name not in raw or not raw[table.name].whole):
            rank = 1
        else:
            rank = 2
        columns = table.field_names if table else []
        first = re.split(r"[|,]", p.column)[0] if p.column else None
        position = -1 if first is None else (columns.index(first) if first in columns else 999)
        value = "" if p.value is None else str(p.value)
        return (rank, p.file, p.line or 0, position, p.column or "", p.message, value)

    return key


def fingerprint(data_dir: Path) -> str:
    """A hash of the data, of the rules that check it and of the Frictionless release.

    The data is every CSV file in ``data_dir`` and every file the codebook
    lists (a table may sit in a subfolder), so that no edit keeps an old stamp.
    """
    here = Path(__file__)
    rules = [here, here.with_name("datapackage.py"), here.with_name("dates.py")]
    tables = {*data_dir.glob("*.csv"), *_listed_files(data_dir)}
    files = [*sorted(tables), data_dir / "datapackage.json", *rules]
    content = files_digest(
        files, label=lambda p: str(p.relative_to(data_dir) if p in tables else p.name)
    )
    return hashlib.sha256(f"{content}\0{_frictionless_release()}".encode()).hexdigest()


def _listed_files(data_dir: Path) -> list[Path]:
    """The files the codebook in ``data_dir`` lists; none if it cannot be read."""
    try:
        descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8-sig"))
        paths = [r["path"] for r in descriptor["resources"]]
    except (OSError, ValueError, TypeError, KeyError):
        return []  # validation will say what is wrong; nothing is stamped until it passes
    # Only paths inside the folder: the codebook check rejects the others.
    return [data_dir / p for p in paths if isinstance(p, str) and p and not Path(p).is_absolute()]


def _frictionless_release() -> str:
    """The installed Frictionless's distribution folder name (it holds the version).

    Found without importing Frictionless (slow) or importlib.metadata: a new
    release may find problems an old one passed, so it is part of the stamp.
    """
    spec = importlib.util.find_spec("frictionless")
    if spec is None or spec.origin is None:
        return "frictionless: not installed"
    site = Path(spec.origin).parent.parent
    return ",".join(sorted(p.name for p in site.glob("frictionless-*.dist-info")))


def ensure_valid(data_dir: Path) -> None:
    """Raise :class:`DataValidationError` unless the data in ``data_dir`` is valid.

    A successful check is remembered under ``.cache/validated/`` by the hash of
    what it checked, so an unchanged dataset is not validated again; any edit
    to a data file, the codebook or these rules triggers a full check.
    """
    data_dir = Path(data_dir)
    stamp = STAMP_DIR / fingerprint(data_dir)
    if stamp.exists():
        return
    problems = validate(data_dir)
    if problems:
        raise DataValidationError(problems, data_dir)
    try:
        STAMP_DIR.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=STAMP_DIR)
        os.close(fd)
        os.replace(tmp, stamp)
    except OSError:
        pass  # a cache that cannot be written only means the next load checks again
