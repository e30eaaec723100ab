"""Load the dataset as typed pandas DataFrames, in one call.

>>> from helpers.data import load
>>> ds = load()
>>> ds.events.head()

Column dtypes come from ``data/datapackage.json``. Loading first makes sure the
data is valid (see :mod:`helpers.validation`); that full check runs only when
the data has changed since it last passed, so an unchanged dataset loads in a
fraction of a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pandas as pd

from helpers.datapackage import DataPackage, Table, read_datapackage
from helpers.paths import DATA_DIR
from helpers.validation import ensure_valid

T = TypeVar("T")


@dataclass(frozen=True)
class Dataset:
    """Every table of the dataset, by name, with the codebook that describes them.

    Tables are attributes (``ds.events``) and items (``ds["events"]``). The
    indexes below are made on first use and remade when a table is replaced
    (``ds.tables["events"] = edited``); an edit made inside a table is not
    seen, so edit a copy (``ds.events.copy()``) and put it in its place.
    """

    package: DataPackage
    tables: dict[str, pd.DataFrame]

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self.__dict__["tables"][name]
        except KeyError:
            raise AttributeError(f"the dataset has no table {name!r}") from None

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self.tables]

    def summary(self) -> pd.DataFrame:
        """One row per table: its rows, columns and what it holds."""
        return pd.DataFrame(
            [
                {
                    "table": name,
                    "rows": len(frame),
                    "columns": frame.shape[1],
                    "holds": self.package.table(name).description,
                }
                for name, frame in self.tables.items()
            ]
        ).set_index("table")

    @property
    def record_tables(self) -> dict[str, str]:
        """The table of every cited record, by its id (see :meth:`memo`)."""
        cited = tuple(name for name, table in self.package.tables.items() if table.cited)
        return self.memo(
            "record_tables",
            lambda d: {
                record_id: name
                for name in cited
                for record_id in d.tables[name][d.package.table(name).primary_key[0]]
            },
            tables=cited,
        )

    def record_table(self, record_id: str) -> str:
        """The name of the table that holds the record ``record_id``."""
        try:
            return self.record_tables[record_id]
        except KeyError:
            raise KeyError(f"no cited record has the id {record_id!r}") from None

    def by_key(self, name: str) -> pd.DataFrame:
        """Table ``name`` indexed by its primary key (made once per table, on first use)."""
        return self.memo(
            f"by_key:{name}",
            lambda d: d.tables[name].set_index(d.package.table(name).primary_key[0]),
            tables=(name,),
        )

    def memo(self, name: str, make: Callable[[Dataset], T], tables: tuple[str, ...]) -> T:
        """``make(self)``, made from ``tables`` once and reused while they stay in place.

        For indexes that charts and tables look up hundreds of times (a pandas
        filter per lookup was a large share of a chapter's run time). Replacing
        one of ``tables`` (``ds.tables["events"] = edited``) makes it anew; an
        edit inside a table is not seen (see the class).
        """
        cache = self.__dict__.setdefault("_memo", {})
        frames = [self.tables[t] for t in tables]
        made = cache.get((name, tables))
        if made is None or any(a is not b for a, b in zip(made[0], frames, strict=True)):
            made = cache[(name, tables)] = (frames, make(self))
        return made[1]


def mission_parents(ds: Dataset) -> dict[str, str]:
    """The parent of every mission that has one, by mission id (made once per dataset)."""
    return ds.memo(
        "mission_parents",
        lambda d: d.by_key("missions")["parent_mission_id"].dropna().to_dict(),
        tables=("missions",),
    )


def read_table(pkg: DataPackage, table: Table) -> pd.DataFrame:
    """Read one valid table with the dtypes its schema declares."""
    return pd.read_csv(
        pkg.base / table.path,
        dtype={f.name: f.dtype for f in table.fields},
        keep_default_na=False,
        na_values={f.name: [""] for f in table.fields},
        encoding="utf-8",
    )


def load(data_dir: Path = DATA_DIR) -> Dataset:
    """Validate (when changed) and load every table in ``data_dir``.

    Raises :class:`helpers.validation.DataValidationError` listing every
    problem, by file, line and column, when the data is not valid, and when
    ``datapackage.json`` is missing or broken (never a ``JSONDecodeError`` or
    ``KeyError`` from inside the loader).
    """
    data_dir = Path(data_dir)
    ensure_valid(data_dir)
    pkg = read_datapackage(data_dir / "datapackage.json")
    return Dataset(pkg, {name: read_table(pkg, table) for name, table in pkg.tables.items()})
