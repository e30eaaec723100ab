"""Read the codebook, ``data/datapackage.json``, without heavy dependencies.

The descriptor is the single statement of every table's columns, types,
constraints and keys. The loader takes pandas dtypes from here; the validator
hands the same descriptor to Frictionless. Nothing else declares types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

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
        )
        for f in schema["fields"]
    ]
    primary_key = schema.get("primaryKey", [])
    foreign_keys = [
        ForeignKey(
            fields=_as_list(fk["fields"]),
            resource=fk["reference"]["resource"] or resource["name"],
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


def read_datapackage(path: Path) -> DataPackage:
    """Parse ``datapackage.json`` at ``path``."""
    with path.open(encoding="utf-8") as fh:
        return DataPackage(path=path, descriptor=json.load(fh))
