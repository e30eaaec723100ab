"""Facts with their sources at hand: wording of bounds and record descriptions."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import shown
from helpers.data import load
from helpers.narrative import (
    describe_record,
    discrepancy_facts,
    discrepancy_notes,
    facts,
    sources_list,
)

DS = load()


def test_link_records_are_described_in_words() -> None:
    when, what = describe_record(DS, "mi-nmi-onsa")
    assert "NMI advised" in what and "mi-" not in what
    assert when


def test_facts_show_every_source_with_its_quote() -> None:
    rendered = facts(DS, ["evt-istanbul-summit-2004"])
    quotes = DS.citations.loc[DS.citations["record_id"] == "evt-istanbul-summit-2004", "quote"]
    assert all(q in rendered.html or q.replace("'", "&#x27;") in rendered.html for q in quotes)
    assert "NATO NTM-I page (2022)" in repr(rendered)


@pytest.mark.parametrize("discrepancy_id", ["dis-ntm-i-end-wording", "dis-nmi-size"])
def test_discrepancy_facts_list_every_claim_and_the_note(discrepancy_id: str) -> None:
    rendered = discrepancy_facts(DS, discrepancy_id)
    claims = DS.discrepancy_claims.loc[
        DS.discrepancy_claims["discrepancy_id"] == discrepancy_id, "record_id"
    ]
    assert len(claims) >= 2
    # One table row per claim, each claim described, in the order of the claims table.
    assert rendered.html.count("<tr><td>") == len(claims)
    lines = repr(rendered).splitlines()
    for record_id, line in zip(claims, lines[1:], strict=False):
        when, what = describe_record(DS, record_id)
        assert what in line and line.startswith(when), (record_id, line)
    note = DS.discrepancies.set_index("discrepancy_id").loc[discrepancy_id, "note"]
    assert lines[len(claims) + 1] == f"Note: {note}"


def test_only_a_sources_own_words_are_put_in_quotation_marks() -> None:
    # A place is cited by a text (its own words) and by the gazetteer (a place name).
    cites = DS.citations[DS.citations["record_id"] == "plc-baghdad"]
    merged = cites.merge(DS.sources, on="source_id")
    assert set(merged["quote_origin"]) == {"source_text", "gazetteer_name"}
    html = facts(DS, ["plc-baghdad"]).html.replace("&#x27;", "'")
    for _, c in merged.iterrows():
        if c["quote_origin"] == "source_text":
            assert f"<q>{c['quote']}</q>" in html
        else:
            assert f"<q>{c['quote']}" not in html and "(gazetteer name)" in html


def test_a_quote_not_in_english_keeps_its_language_and_has_a_gloss() -> None:
    cites = DS.citations.merge(DS.sources[["source_id", "language"]], on="source_id")
    foreign = cites[cites["language"] != "en"]
    assert len(foreign) >= 3 and foreign["gloss"].notna().all()
    row = foreign.iloc[0]
    html = facts(DS, [row["record_id"]]).html.replace("&#x27;", "'")
    assert f'<q lang="{row["language"]}">{row["quote"]}</q>' in html
    assert f"[{row['gloss']}]" in html


def test_disagreement_notes_are_a_table_with_wrapped_text() -> None:
    notes = discrepancy_notes(DS, ["dis-saceur-title"])
    assert notes.html.startswith('<table class="facts">')
    assert max(len(line) for line in notes.text.splitlines()) <= 90


def test_the_closing_list_names_every_source_shown_before_it() -> None:
    from helpers.charts.commanders import commanders_chart

    shown.forget()
    assert sources_list(DS, shown_so_far=True).text == ""
    facts(DS, ["evt-istanbul-summit-2004"])  # NTM-I page and the timeline
    listed = sources_list(DS, pd.Series(["geonames"]), shown_so_far=True).text
    assert "NATO NTM-I page (2022)" in listed and "Operations timeline" in listed
    assert "GeoNames" in listed and "Eurasia Review" not in listed
    fig = commanders_chart(DS, "mis-nmi")
    listed = sources_list(DS, shown_so_far=True).text
    assert all(name in listed for name in fig.nato_iraq_sources)
    assert "Eurasia Review (2024)" in listed
    shown.forget()


def test_an_edtf_date_is_shown_with_its_words() -> None:
    text = repr(facts(DS, ["evt-nac-conditional-extension-2011", "evt-ntm-i-withdrawal"]))
    assert "2011-23 (autumn 2011)" in text
    assert "2011-12-31 " in text and "2011-12-31 (" not in text  # plain dates stay as stored
