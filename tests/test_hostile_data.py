"""Hostile text in the data stays text on every page the project makes.

A contributor may put markup in any cell. This test appends a payload to
every free-text cell of every table in a copy of the project (validation
lets it through: it is text), builds the notebooks and the reader site from
it, makes a slide deck of every chapter, and opens every page in headless
Chromium: no dialog may open and no injected element or script may be live,
while the payload's characters must be on the pages as text.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.datapackage import read_datapackage
from helpers.paths import DATAPACKAGE, PROJECT_ROOT
from helpers.validation import validate
from tests.browser import HOSTILE_ATTRIBUTE, HOSTILE_GLOBAL, browser, check_page, chromium_or_skip

pytestmark = pytest.mark.slow

#: Markup that runs if a page builder forgets to escape it. No spaces, so that
#: a quote keeps its word count; each leaves a trace the browser check sees.
#: Cells take them in turn (short texts keep the charts' layout work modest).
PAYLOADS = (
    f"<img/src=x/{HOSTILE_ATTRIBUTE}=1/onerror=alert(1)>",
    f"<script>window.{HOSTILE_GLOBAL}=1</script>",
    f"<a/href=javascript:alert(2)/{HOSTILE_ATTRIBUTE}=2>x</a>",
)


def free_text_columns() -> list[tuple[str, str]]:
    """(table, column) for every string column that is not a key, code, pattern, date or URL."""
    pkg = read_datapackage(DATAPACKAGE)
    columns = []
    for table in pkg.tables.values():
        keys = set(table.primary_key) | {f for fk in table.foreign_keys for f in fk.fields}
        for f in table.fields:
            constraints = f.constraints
            if (
                f.type == "string"
                and f.name not in keys
                and not f.is_date
                and "enum" not in constraints
                and "pattern" not in constraints
                and f.format != "uri"
            ):
                columns.append((table.name, f.name))
    return columns


def poison(data: Path, columns: list[tuple[str, str]]) -> None:
    """Append a payload to every non-empty cell of ``columns`` in the tables under ``data``."""
    pkg = read_datapackage(data / "datapackage.json")
    by_table: dict[str, list[str]] = {}
    for table, column in columns:
        by_table.setdefault(table, []).append(column)
    for name, names in by_table.items():
        path = data / pkg.table(name).path
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
            header = list(rows[0].keys()) if rows else []
        for number, row in enumerate(rows):
            for column in names:
                if row[column]:
                    row[column] += PAYLOADS[number % len(PAYLOADS)]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")


def copy_project(root: Path) -> None:
    for folder in ("data", "notebooks"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder)
    shutil.copytree(
        PROJECT_ROOT / "helpers", root / "helpers", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "uv.lock", "CITATION.cff", "docs/glossary.csv"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT_ROOT / name, root / name)


def run_in(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run Python in the copy: its own helpers (first on the path), data and notebooks."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, timeout=480
    )


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    copy_project(root)
    columns = free_text_columns()
    assert len(columns) >= 40, columns  # every table's names, titles, notes and quotes
    poison(root / "data", columns)
    assert validate(root / "data") == []
    built = run_in(root, "-m", "helpers.publish.cli", "build", "--force", "--quiet")
    assert built.returncode == 0, built.stderr[-3000:]
    decks = run_in(
        root,
        "-c",
        "import nbformat; from pathlib import Path; from helpers.publish import slides\n"
        "out = Path('decks'); out.mkdir(); slides.copy_vendor(out)\n"
        "for nb in sorted(Path('notebooks').glob('[0-9][0-9]_*.ipynb')):\n"
        "    slides.write_deck(nbformat.read(nb, as_version=4),"
        " out / (nb.stem + slides.DECK_SUFFIX))\n",
    )
    assert decks.returncode == 0, decks.stderr[-3000:]
    return root


def test_no_page_runs_hostile_data(hostile_build: Path) -> None:
    from helpers.publish.site import page_list

    pages = page_list(hostile_build / "site") + sorted((hostile_build / "decks").glob("*.html"))
    assert len(pages) >= 20
    shown_as_text = 0
    problems: list[str] = []
    with browser(chromium_or_skip()) as context:
        for page in pages:
            report = check_page(context, page, min_text=0)
            problems += [*report.dialogs, *report.injected]
            problems += [f"{page.name}: {p}" for p in report.failed_requests]
            html = page.read_text(encoding="utf-8")
            shown_as_text += html.count("onerror=alert(1)") > 0
    assert problems == []
    # Not vacuous: the payload reached the pages, as escaped text.
    assert shown_as_text >= len(pages) // 2, f"payload on only {shown_as_text} pages"
