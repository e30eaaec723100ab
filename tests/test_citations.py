"""Which records rest on one source only, and that source not an official one."""

from __future__ import annotations

import csv

from helpers.citations import OFFICIAL_TYPES, SOURCE_TYPE_RANK, single_source_records
from helpers.data import load
from helpers.paths import DATA_DIR


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_single_source_records_are_listed_from_the_raw_tables() -> None:
    """Computed again from the CSV files, without pandas or the helpers: the same list."""
    kind = {s["source_id"]: s["source_type"] for s in _rows("sources")}
    sources: dict[str, set[str]] = {}
    for c in _rows("citations"):
        sources.setdefault(c["record_id"], set()).add(c["source_id"])
    expected = sorted(
        record
        for record, ids in sources.items()
        if len(ids) == 1 and kind[next(iter(ids))] not in OFFICIAL_TYPES
    )
    listed = single_source_records(load())
    assert sorted(listed["record_id"]) == expected
    assert set(listed["source_type"]) <= set(SOURCE_TYPE_RANK) - OFFICIAL_TYPES
    assert listed["table"].notna().all()
    # Printed in the test log, so that a reviewer sees the list without opening a notebook.
    print(listed.to_string())


def test_every_source_kind_has_a_rank() -> None:
    pkg = load().package
    allowed = pkg.table("sources").field("source_type").enum
    assert set(allowed) == set(SOURCE_TYPE_RANK)
