"""Read the codebook, ``data/datapackage.json``, without heavy dependencies.

The descriptor is the single statement of every table's columns, types,
constraints and keys. The loader takes pandas dtypes from here; the validator
hands the same descriptor to Frictionless. Nothing else declares types.

:func:`read_datapackage` checks the descriptor's shape before anything uses
it: a file that is missing, not JSON, or whose tables lack a name, a path or
their fields raises :class:`DataPackageError` naming the file, the line of a
JSON error and the table concerned, instead of a ``KeyError`` deep inside a
caller.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from helpers.dates import DATE_PATTERN

#: Frictionless field types and the nullable pandas dtypes they load as.
PANDAS_DTYPES: dict[str, str] = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
}


@dataclass(frozen=True)
class Field:
    """One column of a table, as the codebook describes it."""

    name: str
    type: str
    description: str = ""
    constraints: dict[str, Any] = field(default_factory=dict)
    unit: str | None = None
    #: Frictionless's string format, such as ``"uri"`` (None: any text).
    format: str | None = None

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def enum(self) -> list[str] | None:
        return self.constraints.get("enum")

    @property
    def is_date(self) -> bool:
        """A partial ISO date column (recognised by the shared pattern)."""
        return self.constraints.get("pattern") == DATE_PATTERN

    @property
    def dtype(self) -> str:
        try:
            return PANDAS_DTYPES[self.type]
        except KeyError:
            raise ValueError(f"field {self.name!r}: unsupported type {self.type!r}") from None


@dataclass(frozen=True)
class ForeignKey:
    """Columns of one table that must match key columns of another table."""

    fields: list[str]
    resource: str
    reference_fields: list[str]


@dataclass(frozen=True)
class Table:
    """One CSV file of the dataset and its schema."""

    name: str
    path: str
    title: str
    description: str
    fields: list[Field]
    primary_key: list[str]
    foreign_keys: list[ForeignKey]
    #: Rows are facts that must each be cited (custom property ``x-cited``).
    cited: bool
    #: Pairs of date columns where the first may not fall after the second.
    date_order: list[tuple[str, str]]
    #: Groups of columns of which exactly one is filled in each row.
    exactly_one_of: list[tuple[str, ...]]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"table {self.name!r} has no column {name!r}")


@dataclass(frozen=True)
class DataPackage:
    """The parsed descriptor: tables by name, in the order the codebook lists them."""

    path: Path
    descriptor: dict[str, Any]

    @property
    def base(self) -> Path:
        return self.path.parent

    @cached_property
    def tables(self) -> dict[str, Table]:
        return {r["name"]: _table(r) for r in self.descriptor["resources"]}

    def table(self, name: str) -> Table:
        try:
            return self.tables[name]
        except KeyError:
            raise KeyError(f"{self.path.name} describes no table {name!r}") from None

    def file(self, name: str) -> Path:
        return self.base / self.table(name).path


def _table(resource: dict[str, Any]) -> Table:
    schema = resource["schema"]
    fields = [
        Field(
            name=f["name"],
            type=f.get("type", "string"),
            description=f.get("description", ""),
            constraints=f.get("constraints", {}),
            unit=f.get("unit"),
            format=f.get("format"),
        )
        for f in schema["fields"]
    ]
    primary_key = schema.get("primaryKey", [])
    foreign_keys = [
        ForeignKey(
            fields=_as_list(fk["fields"]),
            resource=fk["reference"].get("resource") or resource["name"],
            reference_fields=_as_list(fk["reference"]["fields"]),
        )
        for fk in schema.get("foreignKeys", [])
    ]
    return Table(
        name=resource["name"],
        path=resource["path"],
        title=resource.get("title", resource["name"]),
        description=resource.get("description", ""),
        fields=fields,
        primary_key=_as_list(primary_key),
        foreign_keys=foreign_keys,
        cited=bool(resource.get("x-cited", False)),
        date_order=[tuple(pair) for pair in resource.get("x-date-order", [])],
        exactly_one_of=[tuple(group) for group in resource.get("x-exactly-one-of", [])],
    )


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


class Issue(NamedTuple):
    """One thing wrong with the descriptor: a message, and its line when JSON gives one."""

    line: int | None
    message: str


class DataPackageError(ValueError):
    """``datapackage.json`` cannot be read, or does not describe the tables as expected."""

    def __init__(self, path: Path, issues: list[Issue]) -> None:
        self.path = path
        self.issues = issues
        super().__init__(
            "\n".join(
                f"{path.name}{f' line {i.line}' if i.line else ''}: {i.message}" for i in issues
            )
        )


#: What the JSON error usually is, since its own message names only a token.
JSON_HINT = (
    "fix the JSON there: a missing or extra comma, quote or bracket is the usual cause"
    " (JSON allows no trailing comma and no comments)"
)
#: The keys every resource needs, as the message names them.
RESOURCE_KEYS = '"name", "path" and "schema" with its "fields"'


def read_datapackage(path: Path) -> DataPackage:
    """Parse ``datapackage.json`` at ``path``; raise :class:`DataPackageError` if it is broken."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataPackageError(
            path,
            [
                Issue(
                    None,
                    f"file is missing from {path.parent}; the data folder needs this codebook"
                    " of its tables (restore it, for example from git)",
                )
            ],
        ) from None
    except OSError as exc:
        raise DataPackageError(
            path, [Issue(None, f"cannot be read ({exc.strerror or exc})")]
        ) from None
    try:
        # utf-8-sig: a byte-order mark from a Windows editor is harmless.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        raise DataPackageError(
            path, [Issue(line, f"is not UTF-8: byte 0x{byte}; save the file as UTF-8")]
        ) from None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataPackageError(
            path,
            [Issue(exc.lineno, f"is not valid JSON: {exc.msg} (column {exc.colno}); {JSON_HINT}")],
        ) from None
    issues = descriptor_issues(descriptor)
    if issues:
        raise DataPackageError(path, issues)
    return DataPackage(path=path, descriptor=descriptor)


def _kind(value: object) -> str:
    """How JSON calls a value's type, for messages."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def descriptor_issues(descriptor: object) -> list[Issue]:
    """Everything that would stop the tables being read from ``descriptor``.

    Checks what this module, the loader and the validator rely on: each
    resource's name, path and fields, field names and types, and that keys and
    the custom rules (``x-date-order``, ``x-exactly-one-of``) name columns and
    tables that exist. Frictionless checks the rest of the descriptor.
    """
    if not isinstance(descriptor, dict):
        return [
            Issue(
                None,
                f"holds {_kind(descriptor)}, not an object; expected an object whose"
                ' "resources" list describes each table',
            )
        ]
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        found = "none" if resources is None else _kind(resources)
        return [
            Issue(
                None,
                f'has no "resources" list (found {found}); it must list each table with'
                f" {RESOURCE_KEYS}",
            )
        ]
    issues: list[Issue] = []
    described = {
        r["name"] for r in resources if isinstance(r, dict) and isinstance(r.get("name"), str)
    }
    columns: dict[str, list[str]] = {}  # by resource name, for the key checks below
    sound = []
    for number, resource in enumerate(resources, 1):
        found = _resource_issues(number, resource, columns)
        issues += found
        if not found:
            sound.append(resource)
    for resource in sound:
        issues += _reference_issues(resource, columns, described)
    return issues


def _label(number: int, resource: object) -> str:
    """How a message names a resource: by name, else by position and path."""
    if isinstance(resource, dict):
        name, path = resource.get("name"), resource.get("path")
        if isinstance(name, str) and name:
            return f"resource {name!r}"
        if isinstance(path, str):
            return f"resource {number} ({path})"
    return f"resource {number}"


def _resource_issues(number: int, resource: object, columns: dict[str, list[str]]) -> list[Issue]:
    """The shape of one resource; records its columns in ``columns`` when it lists them."""
    label = _label(number, resource)
    if not isinstance(resource, dict):
        return [Issue(None, f"{label} is {_kind(resource)}, not an object with {RESOURCE_KEYS}")]
    issues = []
    name = resource.get("name")
    for key in ("name", "path"):
        if not isinstance(resource.get(key), str) or not resource[key]:
            issues.append(
                Issue(None, f'{label} has no "{key}"; every resource needs {RESOURCE_KEYS}')
            )
    path = resource.get("path")
    if isinstance(path, str) and path:
        # Tables live in the data folder: no absolute path, drive, URL or "..".
        parts = PurePosixPath(path.replace("\\", "/"))
        if parts.is_absolute() or ".." in parts.parts or ":" in path:
            issues.append(
                Issue(
                    None,
                    f"{label}: path {path!r} must name a file inside the data folder, relative"
                    " to it (such as events.csv)",
                )
            )
    if isinstance(name, str) and name in columns:
        issues.append(Issue(None, f"{label} is described twice; table names must be unique"))
    issues += _text_issues(label, resource, ("title", "description"))
    if not isinstance(resource.get("x-cited", False), bool):
        issues.append(Issue(None, f'{label}: "x-cited" must be true or false'))
    schema = resource.get("schema")
    if not isinstance(schema, dict):
        return [
            *issues,
            Issue(None, f'{label} has no "schema"; every resource needs {RESOURCE_KEYS}'),
        ]
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [
            *issues,
            Issue(None, f'{label} has no "fields" in its schema; list each column of the table'),
        ]
    names: list[str] = []
    for position, f in enumerate(fields, 1):
        where = f"{label}, field {position}"
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f["name"]:
            issues.append(Issue(None, f'{where} has no "name"; every column needs one'))
            continue
        where = f"{label}, field {f['name']!r}"
        if f["name"] in names:
            issues.append(Issue(None, f"{where} is listed twice; column names must be unique"))
        names.append(f["name"])
        kind = f.get("type", "string")
        if not isinstance(kind, str) or kind not in PANDAS_DTYPES:
            issues.append(
                Issue(
                    None,
                    f"{where} has the type {kind!r}; the types supported are:"
                    f" {', '.join(PANDAS_DTYPES)}",
                )
            )
        constraints = f.get("constraints", {})
        if isinstance(constraints, dict):
            issues += _constraint_issues(where, constraints)
        else:
            issues.append(Issue(None, f'{where}: "constraints" must be an object'))
        issues += _text_issues(where, f, ("description", "unit", "format"))
    if isinstance(name, str) and name not in columns:
        columns[name] = names
    return issues


#: The constraints the codebook uses, and the JSON kind each one's value must have.
CONSTRAINT_KINDS: dict[str, tuple[type, ...]] = {
    "required": (bool,),
    "unique": (bool,),
    "pattern": (str,),
    "enum": (list,),
    "minimum": (int, float),
    "maximum": (int, float),
    "minLength": (int,),
    "maxLength": (int,),
}


def _constraint_issues(where: str, constraints: dict[str, Any]) -> list[Issue]:
    """Constraint values of the kind Frictionless expects (it crashes on others)."""
    issues = []
    for name, value in constraints.items():
        kinds = CONSTRAINT_KINDS.get(name)
        if kinds is None:
            continue  # Frictionless reports constraints it does not know
        wrong = not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool))
        if wrong:
            wanted = {bool: "true or false", str: "a string", list: "a list"}.get(
                kinds[0], "a number"
            )
            issues.append(
                Issue(None, f'{where}: constraint "{name}" must be {wanted}, not {_kind(value)}')
            )
        elif name == "pattern":
            try:
                re.compile(value)
            except re.error as exc:
                issues.append(
                    Issue(None, f"{where}: pattern {value!r} is not a valid regex: {exc}")
                )
        elif name == "enum" and not value:
            issues.append(Issue(None, f'{where}: constraint "enum" lists no value'))
    return issues


def _text_issues(where: str, entry: dict[str, Any], keys: tuple[str, ...]) -> list[Issue]:
    """Descriptive keys, shown in the codebook page and messages, must be text when given."""
    return [
        Issue(None, f'{where}: "{key}" must be a string, not {_kind(entry[key])}')
        for key in keys
        if key in entry and not isinstance(entry[key], str)
    ]


def _reference_issues(
    resource: dict[str, Any], columns: dict[str, list[str]], described: set[str]
) -> list[Issue]:
    """Keys and custom rules of a sound resource name columns and tables that exist.

    A key into a table described without readable fields is not checked: that
    table's own issue is reported.
    """
    name = resource["name"]
    label = f"resource {name!r}"
    own = columns[name]
    schema = resource["schema"]
    issues = []

    def unknown(where: str, wanted: object, among: list[str], table: str = name) -> list[Issue]:
        listed = _as_names(wanted)
        if listed is None:
            return [Issue(None, f"{label}: {where} must be a column name or a list of them")]
        return [
            Issue(None, f"{label}: {where} names the column {c!r}, which {table!r} does not have")
            for c in listed
            if c not in among
        ]

    issues += unknown('"primaryKey"', schema.get("primaryKey", []), own)
    key = _as_names(schema.get("primaryKey", []))
    if resource.get("x-cited") and key is not None and len(key) != 1:
        # Citations name a fact by one id: the key of a cited table is one column.
        issues.append(
            Issue(None, f'{label}: a cited table ("x-cited") needs a one-column primaryKey')
        )
    foreign_keys = schema.get("foreignKeys", [])
    if not isinstance(foreign_keys, list):
        issues.append(Issue(None, f'{label}: "foreignKeys" must be a list'))
        foreign_keys = []
    for fk in foreign_keys:
        reference = fk.get("reference") if isinstance(fk, dict) else None
        if not isinstance(reference, dict):
            issues.append(
                Issue(None, f'{label}: each foreign key needs "fields" and a "reference" object')
            )
            continue
        target = reference.get("resource") or name  # "" refers to the table itself
        if not isinstance(target, str) or target not in described:
            close = difflib.get_close_matches(str(target), sorted(described), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            issues.append(
                Issue(
                    None,
                    f"{label}: a foreign key refers to the table {target!r}, which the codebook"
                    f" does not describe{hint}",
                )
            )
            continue
        if target not in columns:
            continue
        issues += unknown("a foreign key", fk.get("fields"), own)
        issues += unknown(
            "a foreign key's reference", reference.get("fields"), columns[target], target
        )
        here, there = _as_names(fk.get("fields")), _as_names(reference.get("fields"))
        if here is not None and there is not None and len(here) != len(there):
            issues.append(
                Issue(None, f"{label}: a foreign key pairs {len(here)} column(s) with {len(there)}")
            )
    for rule, size in (("x-date-order", 2), ("x-exactly-one-of", None)):
        groups = resource.get(rule, [])
        if not isinstance(groups, list):
            issues.append(Issue(None, f'{label}: "{rule}" must be a list'))
            groups = []
        for group in groups:
            if not isinstance(group, list) or (size is not None and len(group) != size):
                what = "a pair" if size == 2 else "a list"
                issues.append(
                    Issue(None, f'{label}: each "{rule}" entry must be {what} of columns')
                )
                continue
            issues += unknown(f'"{rule}"', group, own)
    return issues


def _as_names(value: object) -> list[str] | None:
    """A column name or a list of them as a list; None when it is neither."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None
