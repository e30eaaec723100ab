"""The glossary: its file is checked, and each term's first use in a chapter is linked."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.publish.glossary import Entry, GlossaryError, link_first_uses, read_glossary

NATO = Entry("NATO", "North Atlantic Treaty Organization", "The Alliance.", "org-nato")
NCO = Entry("NCO", "non-commissioned officer", "A soldier who is not an officer.", "")
DUAL = Entry("dual-hatted", "", "Holding two posts at once.", "")
RECORD = Entry("record", "", "A row of the dataset.", "")


def test_the_first_use_after_a_heading_is_linked_and_only_once() -> None:
    cells = link_first_uses(
        ["# NATO in Iraq\n\nIn [2018](x.html) NATO turned its `NATO` work", "NATO again"],
        [NATO],
    )
    assert cells[0].startswith('# NATO in Iraq\n\nIn [2018](x.html) <a class="glossary-term"')
    assert 'title="North Atlantic Treaty Organization">NATO</a> turned its `NATO` work' in cells[0]
    assert cells[1] == "NATO again"


def test_links_plurals_and_case_as_the_term_asks() -> None:
    (cell,) = link_first_uses(
        ["[NATO words](y) stay; nco is not NCOs; a record stays; Dual-hatted was he"],
        [NATO, NCO, DUAL, RECORD],
    )
    assert "[NATO words](y)" in cell and "nco is not <a" in cell and ">NCOs</a>" in cell
    assert ">Dual-hatted</a>" in cell and "a record stays" in cell


def test_a_glossary_row_without_a_definition_is_named(tmp_path: Path) -> None:
    path = tmp_path / "glossary.csv"
    path.write_text("term,stands_for,definition,record_id\nNATO,,,\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"line 2: column 'definition' is empty"):
        read_glossary(path)


def test_the_collections_glossary_reads() -> None:
    entries = read_glossary()
    assert len(entries) >= 50 and all(e.definition for e in entries)
