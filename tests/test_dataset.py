"""The dataset as a whole: codebook complete, citations true to the texts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.datapackage import read_datapackage
from helpers.dates import DATE_PATTERN
from helpers.paths import DATA_DIR, DATAPACKAGE, PROJECT_ROOT
from helpers.publish.codebook import codebook_markdown

PKG = read_datapackage(DATAPACKAGE)
SHARED = PROJECT_ROOT.parent / "shared"
#: Set by .ci/run to the folder that must hold the source texts: there, a missing
#: text is a failure. Unset (a fork's CI, a laptop without them), the checks
#: that need the texts skip and say why.
SEEDS_ENV = "NATO_IRAQ_SEEDS"


@pytest.fixture
def seeds() -> Path:
    """The folder of source texts, or skip (fail when :data:`SEEDS_ENV` requires them)."""
    required = os.environ.get(SEEDS_ENV)
    folder = Path(required) if required else SHARED / "seeds"
    if (folder / "index.csv").is_file() and any(folder.glob("*.txt")):
        return folder
    if required:
        pytest.fail(
            f"{SEEDS_ENV}={required} (set by .ci/run) but the source texts are not there:"
            " the checks that quotes are verbatim cannot run"
        )
    pytest.skip(f"source texts not found in {folder}; set {SEEDS_ENV} to require them")


def test_every_csv_file_is_described() -> None:
    described = {t.path for t in PKG.tables.values()}
    assert described == {p.name for p in DATA_DIR.glob("*.csv")}


def test_the_package_points_catalogues_at_the_sources_table() -> None:
    # Frictionless's package-level "sources" is what a data catalogue shows. With
    # hundreds of texts, a copy of sources.csv here would drift: it points there.
    (entry,) = PKG.descriptor["sources"]
    assert entry["path"] == "sources.csv" and entry["path"] in {t.path for t in PKG.tables.values()}


def test_every_table_and_column_is_documented() -> None:
    missing = [t.name for t in PKG.tables.values() if not t.description]
    missing += [
        f"{t.name}.{f.name}" for t in PKG.tables.values() for f in t.fields if not f.description
    ]
    assert not missing, missing


def test_every_date_column_uses_the_partial_date_pattern() -> None:
    date_like = re.compile(r"(^|_)(date|start|end)$")
    wrong = [
        f"{t.name}.{f.name}"
        for t in PKG.tables.values()
        for f in t.fields
        if date_like.search(f.name)
        and not f.is_date
        # A reading is a day, not a source's date: it has a pattern of its own.
        and f.name not in ("ref_start", "ref_end", "read_date")
    ]
    wrong += [
        f"{t.name}.{f.name}"
        for t in PKG.tables.values()
        for f in t.fields
        if f.name in ("ref_start", "ref_end") and not f.is_date
    ]
    assert not wrong, f"date columns without the pattern {DATE_PATTERN}: {wrong}"


def test_declared_date_orders_name_date_columns() -> None:
    for table in PKG.tables.values():
        for first, second in table.date_order:
            assert table.field(first).is_date and table.field(second).is_date, table.name


def test_codebook_page_is_current() -> None:
    committed = (DATA_DIR / "CODEBOOK.md").read_text(encoding="utf-8")
    assert committed == codebook_markdown(PKG), "run `uv run nato-iraq build` to regenerate"


def test_quotes_are_verbatim_and_cover_the_texts(seeds: Path) -> None:
    """The shared checker: every quote found in its text, 85% of sentences cited."""
    checker = seeds.parent / "tools" / "check_citations.py"
    result = subprocess.run(
        [sys.executable, str(checker), "--seeds", str(seeds), "--min-coverage", "85"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert ", 0 problems" in result.stdout


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip().lower()


def test_the_project_holds_no_long_passage_of_a_source_text(seeds: Path) -> None:
    """Only short quotes: no run of 21+ words from a seed text in a tracked file."""
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    corpus = []
    for name in tracked:
        path = PROJECT_ROOT / name
        if path.suffix in {".png", ".svg", ".lock", ".geojson"} or not path.is_file():
            continue
        if name.startswith("helpers/publish/slides_vendor/"):
            continue  # third-party scripts, styles and fonts, copied unchanged
        text = path.read_text(encoding="utf-8", errors="ignore")
        # Charts stored in notebooks are base64 images: megabytes with no words in them.
        text = re.sub(r'"image/png": "[^"]*"', "", text)
        corpus.append(_normalise(text))
    corpus_text = "\n".join(corpus)
    found = []
    for seed in sorted(seeds.glob("*.txt")):
        words = _normalise(seed.read_text(encoding="utf-8")).split(" ")
        for start in range(0, max(len(words) - 21, 0), 7):
            passage = " ".join(words[start : start + 21])
            if passage in corpus_text:
                found.append(f"{seed.name}: {passage!r}")
    assert not found, "\n".join(found[:10])


def test_figures_keep_wording_as_bounds() -> None:
    """A qualified figure is never stored as an exact point."""
    from helpers.data import load

    figures = load().figures
    qualified = figures[figures["qualifier"].notna()]
    assert not (qualified["bound"] == "exact").any(), qualified[["figure_id", "qualifier"]]
    assert set(figures["bound"]) >= {"at_least", "at_most", "about", "exact"}


def test_source_ids_match_the_seed_index(seeds: Path) -> None:
    import csv

    from helpers.data import load

    index = list(csv.DictReader((seeds / "index.csv").open(encoding="utf-8")))
    sources = load().sources.set_index("source_id")
    for row in index:
        assert sources.loc[row["source_id"], "seed_file"] == row["seed_file"]
        assert sources.loc[row["source_id"], "date"] == row["date"]


def test_no_file_outside_the_codebook_sneaks_into_data() -> None:
    allowed = {"datapackage.json", "CODEBOOK.md", "LICENSE.md"}
    allowed |= {t.path for t in PKG.tables.values()}
    assert {p.name for p in Path(DATA_DIR).iterdir()} <= allowed
