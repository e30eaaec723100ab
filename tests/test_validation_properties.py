"""Property-based: random malformed cells always give a clear, located error.

Hypothesis writes random bad values into random rows of a copy of the data;
validation must name the file and line every time, must never crash or pass
silently, and must list each table's problems together, in file order.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from helpers.datapackage import read_datapackage
from helpers.dates import DATE_PATTERN
from helpers.paths import DATA_DIR
from helpers.validation import validate
from tests.test_validation import edit_cell, read_rows

PKG = read_datapackage(DATA_DIR / "datapackage.json")
# A cell that csv round-trips: no NUL; other control characters are fair game.
cell_text = st.text(st.characters(blacklist_characters="\x00", codec="utf-8"), min_size=1)


def not_a_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return True
    return False


def malformed(table: str, column: str) -> st.SearchStrategy[str]:
    """Values that are certainly wrong for ``table.column``."""
    field = PKG.table(table).field(column)
    if field.is_date:
        return cell_text.filter(lambda s: not re.match(DATE_PATTERN, s))
    if field.type in ("number", "integer"):
        return cell_text.filter(not_a_number)
    if field.enum:
        return cell_text.filter(lambda s: s not in field.enum)
    if field.format == "uri":
        return cell_text.filter(lambda s: not s.lower().startswith(("http://", "https://")))
    for fk in PKG.table(table).foreign_keys:
        if column in fk.fields:
            target = PKG.table(fk.resource)
            ids = {row[0] for row in read_rows(DATA_DIR / target.path)[1:]}
            return cell_text.filter(lambda s, ids=ids: s not in ids)
    raise ValueError(f"no malformed strategy for {table}.{column}")


TARGETS = [
    ("events", "date"),
    ("appointments", "from_date"),
    ("figures", "value_low"),
    ("places", "lat"),
    ("events", "event_type"),
    ("figures", "bound"),
    ("events", "mission_id"),
    ("citations", "source_id"),
    ("sources", "url"),
]


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("prop") / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@st.composite
def corruption(draw: st.DrawFn) -> tuple[str, str, int, str]:
    table, column = draw(st.sampled_from(TARGETS))
    rows = len(read_rows(DATA_DIR / PKG.table(table).path)) - 1
    return table, column, draw(st.integers(1, min(rows, 8))), draw(malformed(table, column))


@settings(
    max_examples=6,
    deadline=None,
    # Each example validates the whole package (about a second); a failure is
    # reported as found, without the long shrinking phase.
    phases=[Phase.explicit, Phase.generate],
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@example(("places", "lat", 1, "0:"))  # Frictionless alone reads this as 0
@example(("figures", "value_low", 2, "12a"))
@example(("sources", "url", 1, "javascript:alert(1)"))  # Frictionless alone passes this
@given(corruption())
def test_a_malformed_cell_is_always_reported_where_it_is(data_copy: Path, case) -> None:
    table, column, row, value = case
    original = (data_copy / f"{table}.csv").read_bytes()
    try:
        edit_cell(data_copy, table, row, column, value)
        problems = validate(data_copy)
    finally:
        (data_copy / f"{table}.csv").write_bytes(original)
    located = [p for p in problems if p.file == f"{table}.csv" and p.line == row + 1]
    assert located, f"{table}.{column} row {row} = {value!r} passed:\n" + "\n".join(
        map(str, problems)
    )
    assert all(p.message for p in located)
    # Each file's problems come together, line after line.
    files = [p.file for p in problems]
    runs = [f for i, f in enumerate(files) if i == 0 or f != files[i - 1]]
    assert len(runs) == len(set(runs)), "a file's problems are split:\n" + "\n".join(
        map(str, problems)
    )
    for file in runs:
        lines = [p.line or 0 for p in problems if p.file == file]
        assert lines == sorted(lines), f"{file}: problems out of line order"
