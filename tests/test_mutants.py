"""The guards catch what they guard against: each known mutant makes its test fail.

Every mutant below is a small fault that once slipped past the test meant to
catch it (see docs/RELIABILITY.md). For each, a copy of the project gets the
fault (an edited line of code or data, or a changed environment) and the
guarding test runs on the copy in a fresh process: it must fail, and for the
right reason. A control run of every guarding test on an unmutated copy must
pass, so that a broken copy cannot pass for a caught mutant.

To add one: write the fault as (file, text, replacement) and name the test
that must catch it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from helpers.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Mutant:
    """A fault, the test that must catch it, and words its failure must show."""

    name: str
    test: str
    file: str = ""
    text: str = ""
    replacement: str = ""
    env: dict[str, str] = field(default_factory=dict)
    #: Words the failing run must print (so that it fails for this fault).
    evidence: str = "failed"


MUTANTS = [
    Mutant(
        "a period's latest day shifted by one",
        "tests/test_dates.py::test_may_precede_at_the_edges_of_a_period",
        "helpers/dates.py",
        "return parse_partial_date(first).earliest <= parse_partial_date(second).latest",
        "return parse_partial_date(first).earliest"
        " <= parse_partial_date(second).latest + dt.timedelta(days=1)",
    ),
    Mutant(
        "the last claim of a disagreement dropped",
        "tests/test_narrative.py::test_discrepancy_facts_list_every_claim_and_the_note",
        "helpers/narrative.py",
        "table = facts(ds, list(claims),",
        "table = facts(ds, list(claims)[:-1],",
    ),
    Mutant(
        "nation colours taken from the drawn mission only",
        "tests/test_charts_time.py::test_nation_colours_are_stable_across_missions",
        "helpers/charts/commanders.py",
        "    colours = nation_colours(ds)\n",
        "    colours = dict(zip(sorted(rows['nationality_org_id'].dropna().unique()),"
        " nation_colours(ds).values(), strict=False))\n",
    ),
    Mutant(
        "NMI's start moved two months in the data",
        "tests/test_charts_time.py::test_mission_timeline",
        "data/missions.csv",
        "mis-nmi,NATO Mission Iraq,NMI,mission,,2018-10,",
        "mis-nmi,NATO Mission Iraq,NMI,mission,,2018-12,",
        evidence="Error: Image files did not match",
    ),
    Mutant(
        "a figure's caption loses its title",
        "tests/test_teach.py::test_charts_are_collected_once_with_title_and_sources",
        "helpers/publish/figure_pack.py",
        "title=figure_title(fig),",
        'title=figure_title(fig).split(" of ")[0],',
    ),
    Mutant(
        "the source texts missing where CI expects them",
        "tests/test_dataset.py::test_quotes_are_verbatim_and_cover_the_texts",
        env={"NATO_IRAQ_SEEDS": "/nonexistent/shared/seeds"},
        evidence="the source texts are not there",
    ),
]


def copy_project(root: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", ".cache")
    for folder in ("helpers", "tests", "data"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder, ignore=ignore)
    shutil.copyfile(PROJECT_ROOT / "pyproject.toml", root / "pyproject.toml")


def run_tests(root: Path, tests: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run ``tests`` in the copy at ``root``, in one process, with the project's options."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "0", *tests],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


#: The source texts, where the project's own CI keeps them (the copy is elsewhere).
SEEDS = Path(os.environ.get("NATO_IRAQ_SEEDS", PROJECT_ROOT.parent / "shared" / "seeds"))


def test_every_guard_passes_on_an_unmutated_copy(tmp_path: Path) -> None:
    copy_project(tmp_path)
    env = {"NATO_IRAQ_SEEDS": str(SEEDS)} if SEEDS.is_dir() else {}
    result = run_tests(tmp_path, [*sorted({m.test for m in MUTANTS}), "-rs"], env)
    assert result.returncode == 0, result.stdout[-3000:]
    summary = result.stdout.strip().splitlines()[-1]
    # Every guard ran: none skipped (but the texts' check, where the texts are absent).
    assert "skipped" not in summary or not SEEDS.is_dir(), result.stdout[-3000:]


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name.replace(" ", "-"))
def test_the_mutant_is_caught(tmp_path: Path, mutant: Mutant) -> None:
    copy_project(tmp_path)
    if mutant.file:
        target = tmp_path / mutant.file
        text = target.read_text(encoding="utf-8")
        assert text.count(mutant.text) == 1, f"{mutant.file} changed: update the mutant's text"
        target.write_text(text.replace(mutant.text, mutant.replacement), encoding="utf-8")
    result = run_tests(tmp_path, [mutant.test], mutant.env)
    output = result.stdout + result.stderr
    assert result.returncode == 1, f"{mutant.name}: not caught\n{output[-3000:]}"
    assert mutant.evidence in output, output[-3000:]
