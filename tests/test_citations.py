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


def test_citations_follow_raw_rows_and_a_replaced_table() -> None:
    """citations_for and source_names against the CSV files, then after a table is replaced."""
    import pandas as pd

    from helpers.citations import citations_for, source_names

    ds = load()
    raw = _rows("citations")
    record = raw[0]["record_id"]
    other = next(r["record_id"] for r in raw if r["record_id"] != record)
    expected = sorted(r["citation_id"] for r in raw if r["record_id"] == other)
    expected += sorted(r["citation_id"] for r in raw if r["record_id"] == record)
    assert list(citations_for(ds, [other, record, other])["citation_id"]) == expected
    assert citations_for(ds, ["no-such-record"]).empty

    # Replacing a table (the way to edit the data in a session) is seen at once.
    extra = ds.citations.iloc[[0]].assign(citation_id="cit-zz-added", record_id="evt-added")
    ds.tables["citations"] = pd.concat([ds.citations, extra], ignore_index=True)
    assert list(citations_for(ds, ["evt-added"])["citation_id"]) == ["cit-zz-added"]
    copied_source = ds.by_key("sources").at[raw[0]["source_id"], "short_name"]
    assert source_names(ds, ["evt-added"]) == [copied_source]
    renamed = ds.missions.assign(short_name=ds.missions["short_name"].str.lower())
    ds.tables["missions"] = renamed
    assert ds.by_key("missions")["short_name"].equals(renamed.set_index("mission_id")["short_name"])
