"""Evidence charts: bounded figures, source coverage, mission focus and institutions.

Image tests compare with the PNGs in tests/baseline (pytest-mpl). The charts draw
the dataset itself, so a change to the data changes them: look at the new images,
then regenerate with:

    uv run pytest -p no:xdist -o addopts="" --mpl-generate-path=tests/baseline \
        tests/test_charts_evidence.py
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from matplotlib.figure import Figure

from helpers.charts.coverage import (
    coverage_table,
    default_records,
    group_records,
    record_label,
    source_coverage,
)
from helpers.charts.figures import (
    bounded_figures,
    mark_for,
    row_description,
    select_figures,
)
from helpers.charts.focus import (
    added_year,
    category_label,
    focus_heatmap,
    focus_links,
    institution_links,
    institution_matrix,
)
from helpers.citations import source_names
from helpers.data import load
from helpers.style import text_outside, text_overlaps

#: The style pytest-mpl draws in, fixed here: without it the generate command
#: above (which drops addopts) would use pytest-mpl's 'classic', whose text
#: kerning applies at draw time, and the baselines would not match `uv run pytest`.
MPL_STYLE = "default"


@pytest.fixture(scope="module")
def ds():
    return load()


def check_chart(fig: Figure) -> None:
    """What every chart must have: no text on text, title, axis labels, source line."""
    assert text_overlaps(fig) == []
    assert text_outside(fig) == []
    assert fig.get_suptitle().strip()
    data_axes = [ax for ax in fig.axes if ax.axison]  # the key's axes are switched off
    assert data_axes
    for ax in data_axes:
        assert ax.get_xlabel().strip()
        assert ax.get_ylabel().strip()
    assert any(t.get_text().startswith("Sources: ") for t in fig.texts)


def short_name(ds, source_id: str) -> str:
    return ds.sources.set_index("source_id").at[source_id, "short_name"]


# --- Charts ---------------------------------------------------------------------------


@pytest.mark.mpl_image_compare(filename="bounded_figures.png", style=MPL_STYLE)
def test_bounded_figures_default(ds):
    fig = bounded_figures(ds)
    check_chart(fig)
    # One panel per unit: the default (figures in a discrepancy) spans six units.
    disputed = select_figures(ds)
    assert len([ax for ax in fig.axes if ax.axison]) == disputed["unit"].nunique()
    texts = {t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))}
    assert {"over 5,000", "nearly 2,000", "several hundred", "Status"} <= texts
    return fig


@pytest.mark.mpl_image_compare(filename="bounded_figures_nmi.png", style=MPL_STYLE)
def test_bounded_figures_for_one_mission(ds):
    fig = bounded_figures(ds, mission="mis-nmi", title="NATO Mission Iraq in numbers")
    check_chart(fig)
    assert fig.get_suptitle() == "NATO Mission Iraq in numbers"
    return fig


def test_a_discrepancy_split_across_units_points_to_its_other_side(ds):
    # Atlantic Council counts people, the NTM-I page courses: two panels, one discrepancy.
    fig = bounded_figures(
        ds, figure_ids=["fig-ntm-i-courses-allied-countries", "fig-ntm-i-out-of-country-trainees"]
    )
    notes = sorted(t.get_text() for ax in fig.axes for t in ax.texts if "see also" in t.get_text())
    assert notes == ["see also: courses \u2193", "see also: people \u2191"]
    alone = bounded_figures(ds, figure_ids=["fig-ntm-i-courses-allied-countries"])
    assert not [t for ax in alone.axes for t in ax.texts if "see also" in t.get_text()]


@pytest.mark.mpl_image_compare(filename="source_coverage.png", style=MPL_STYLE)
def test_source_coverage_default(ds):
    fig = source_coverage(ds)
    check_chart(fig)
    return fig


@pytest.mark.mpl_image_compare(filename="focus_heatmap_category.png", style=MPL_STYLE)
def test_focus_heatmap_by_category(ds):
    fig = focus_heatmap(ds)
    check_chart(fig)
    return fig


@pytest.mark.mpl_image_compare(filename="focus_heatmap_focus.png", style=MPL_STYLE)
def test_focus_heatmap_by_focus(ds):
    fig = focus_heatmap(ds, missions=["mis-ntm-i", "mis-nmi", "mis-dcb"], by="focus")
    check_chart(fig)
    return fig


@pytest.mark.mpl_image_compare(filename="institution_matrix.png", style=MPL_STYLE)
def test_institution_matrix(ds):
    fig = institution_matrix(ds)
    check_chart(fig)
    return fig


def test_charts_are_deterministic(ds):
    def png(fig: Figure) -> bytes:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
        return buffer.getvalue()

    assert png(focus_heatmap(ds)) == png(focus_heatmap(ds))
    assert png(bounded_figures(ds, mission="mis-nmi")) == png(
        bounded_figures(ds, mission="mis-nmi")
    )


def test_note_is_added_under_the_source_line(ds):
    fig = focus_heatmap(ds, note="Focus areas as the sources list them.")
    footer = next(t.get_text() for t in fig.texts if t.get_text().startswith("Sources: "))
    assert "Note: Focus areas as the sources list them." in footer
    assert text_overlaps(fig) == []


# --- How each bound maps to its mark ----------------------------------------------------


def test_exact_is_a_solid_point():
    mark = mark_for("exact", 26, 26)
    assert (mark.point, mark.low, mark.high) == (26, 26, 26)
    assert mark.filled and mark.arrow is None and not mark.interval and not mark.approximate


def test_about_is_a_hollow_approximate_point():
    mark = mark_for("about", 580, 580)
    assert mark.point == 580 and not mark.filled and mark.approximate and mark.arrow is None


def test_at_least_has_no_upper_end_and_points_right():
    mark = mark_for("at_least", 5000, pd.NA)
    assert mark.low == 5000 and mark.high is None and mark.point == 5000
    assert mark.arrow == "right" and mark.filled


def test_at_most_has_no_lower_end_and_points_left():
    mark = mark_for("at_most", pd.NA, 2000)
    assert mark.low is None and mark.high == 2000 and mark.point == 2000
    assert mark.arrow == "left"


def test_range_is_an_interval_without_a_point():
    mark = mark_for("range", 200, 999)
    assert mark.interval and mark.point is None and (mark.low, mark.high) == (200, 999)


def test_unknown_bound_is_refused():
    with pytest.raises(ValueError, match="unknown bound"):
        mark_for("roughly", 1, 1)


def test_every_figure_in_the_data_has_a_mark(ds):
    for _, row in ds.figures.iterrows():
        mark = mark_for(row["bound"], row["value_low"], row["value_high"])
        assert mark.point is not None or mark.interval


def test_own_source_aside_is_dropped_from_a_row_label():
    names = ["NATO NTM-I page (2022)"]
    assert row_description("Trust fund donations (004)", names) == "Trust fund donations"
    text = "Courses given in Allied countries (NATO NTM-I page (2022) wording)"
    assert row_description(text, names) == "Courses given in Allied countries"
    kept = "NATO member nations in December 2011 (plus Ukraine)"
    assert row_description(kept, names) == kept


def test_select_figures_by_mission_includes_sub_units(ds):
    ntm_i = select_figures(ds, mission="mis-ntm-i")
    assert "fig-ntm-i-ssamd-teams" in set(ntm_i["figure_id"])  # SSAMD is an NTM-I division
    assert set(select_figures(ds, measure="mission_personnel")["measure"]) == {"mission_personnel"}
    with pytest.raises(KeyError):
        select_figures(ds, figure_ids=["fig-does-not-exist"])


# --- Coverage --------------------------------------------------------------------------


def test_coverage_table_is_records_by_sources(ds):
    ids = ["fig-nmi-planned-size-s01", "fig-nmi-planned-size-s02"]
    table = coverage_table(ds, ids)
    s01, s02 = short_name(ds, "supp-s01"), short_name(ds, "supp-s02")
    # Middle East Online (AFP) also gives the 580 of the first record.
    meo = short_name(ds, "middle-east-online-2018-08")
    assert list(table.index) == ids
    # Official (US DoD) before the press (Middle East Online, The Defense Post), as in
    # source lines: by kind, then date, then name.
    assert list(table.columns) == [s02, meo, s01]
    assert table.dtypes.eq(bool).all()
    assert table.at[ids[0], s01] and table.at[ids[0], meo] and not table.at[ids[0], s02]
    assert table.at[ids[1], s02] and not table.at[ids[1], s01] and not table.at[ids[1], meo]


def test_coverage_table_counts_each_source_once(ds):
    ids = default_records(ds)
    table = coverage_table(ds, ids)
    cites = ds.citations[ds.citations["record_id"].isin(ids)]
    expected = cites.groupby("record_id")["source_id"].nunique().reindex(ids)
    assert table.sum(axis=1).tolist() == expected.tolist()
    assert list(table.columns) == source_names(ds, ids)


def test_default_coverage_stays_readable(ds):
    ids = default_records(ds)
    assert 10 <= len(ids) <= 30
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(ds.events["event_id"]) | set(ds.figures["figure_id"])
    groups = group_records(ds, ids)
    disputed = [g for g in groups if g.kind == "disputed"]
    assert disputed and all(len(g.records) >= 2 for g in disputed)
    agreed = next(g for g in groups if g.kind == "agreed")
    table = coverage_table(ds, list(agreed.records))
    assert (table.sum(axis=1) >= 2).all()


def test_coverage_of_given_records_and_tables(ds):
    ids = ["mp-nmi-government-of-iraq-request", "mp-nmi-government-of-iraq-proposal", "org-nato"]
    groups = group_records(ds, ids)
    assert groups[0].kind == "disputed"
    assert sum(len(g.records) for g in groups) == 3
    fig = source_coverage(ds, ids)
    assert text_overlaps(fig) == []
    assert set(default_records(ds, table="figures")) <= set(ds.figures["figure_id"])


def test_record_labels_are_brief_and_readable(ds):
    # Events lead with their date as charts write it, never as a code ('2016-33~').
    assert record_label(ds, "evt-brussels-summit-2018").startswith("11 Jul 2018: ")
    labels = [record_label(ds, event_id) for event_id in ds.events["event_id"]]
    assert not [label for label in labels if re.match(r"\d{4}-", label)]
    assert record_label(ds, "fig-ntm-i-military-trained").endswith(": over 5,000")
    assert "NMI" in record_label(ds, "mp-nmi-government-of-iraq-request")
    assert record_label(ds, "not-a-record") == "not-a-record"


# --- Focus and institutions ------------------------------------------------------------


def test_focus_rolls_sub_units_up_to_their_mission(ds):
    links = focus_links(ds)
    tedad = links[links["mission_id"] == "mis-ntm-i-tedad"]
    assert set(tedad["column"]) == {"mis-ntm-i"} and not tedad["direct"].any()
    direct = links[links["mission_id"] == "mis-nmi"]
    assert direct["direct"].all()
    assert set(focus_links(ds, rollup=False)["column"]) == set(ds.mission_focus["mission_id"])


def test_category_counts_add_up_to_each_missions_focus_areas(ds):
    links = focus_links(ds)
    links = links[links["status"] == "reported"]  # areas only planned are not counted
    per_category = links.drop_duplicates(["column", "focus_id"]).groupby("column").size()
    assert (
        per_category["mis-ntm-i"] == links.loc[links["column"] == "mis-ntm-i", "focus_id"].nunique()
    )
    fig = focus_heatmap(ds, missions=["mis-ntm-i", "mis-nmi"])
    bold = [t.get_text() for t in fig.axes[0].texts if t.get_fontweight() == "bold"]
    totals = [text for text in bold if text.isdigit()]  # the total row's cells
    assert totals == [str(per_category["mis-ntm-i"]), str(per_category["mis-nmi"])]


def test_a_focus_only_planned_is_marked_planned_and_not_counted(ds):
    # NMI's areas only planned (other missions have some too, e.g. AWACS's).
    focus = ds.mission_focus
    planned = focus[(focus["status"] == "planned") & (focus["mission_id"] == "mis-nmi")]
    assert not planned.empty
    names = set(ds.focus_areas.set_index("focus_id").loc[planned["focus_id"], "name"])
    grid = focus_heatmap(ds, by="focus", missions=["mis-nmi"])
    ax = grid.axes[0]
    assert sum(t.get_text() == "planned" for t in ax.texts) == len(names)
    assert any("only planned at launch" in t.get_text() for t in grid.texts)
    counts = focus_heatmap(ds, by="category", missions=["mis-nmi"])
    bold = [t.get_text() for t in counts.axes[0].texts if t.get_fontweight() == "bold"]
    reported = ds.mission_focus[
        (ds.mission_focus["mission_id"] == "mis-nmi") & (ds.mission_focus["status"] == "reported")
    ]
    assert [b for b in bold if b.isdigit()] == [str(reported["focus_id"].nunique())]


def test_institutions_roll_up_with_their_kind_of_work(ds):
    links = institution_links(ds)
    ssamd = links[links["mission_id"] == "mis-ntm-i-ssamd"]
    assert set(ssamd["column"]) == {"mis-ntm-i"} and set(ssamd["relation"]) == {"mentored"}
    fig = institution_matrix(ds, missions=["mis-ntm-i"])
    cells = {t.get_text() for t in fig.axes[0].texts}
    assert "(mentored)" in cells  # held only through a sub-unit: bracketed
    assert text_overlaps(fig) == []


def test_added_year_shows_scope_growth_only(ds):
    links = focus_links(ds)
    ntm_i = links[links["column"] == "mis-ntm-i"]
    assert added_year(ds, ntm_i[ntm_i["focus_id"] == "foc-oil-policing"], "mis-ntm-i") == "2010"
    start = ntm_i[ntm_i["focus_id"] == "foc-training-mentoring"]
    assert added_year(ds, start, "mis-ntm-i") == ""


def test_category_labels():
    assert category_label("education_training") == "Education and training"
    assert category_label("law_and_rights") == "Law and rights"
    assert category_label("gender") == "Gender"


def test_focus_heatmap_refuses_an_unknown_view(ds):
    with pytest.raises(ValueError, match="category"):
        focus_heatmap(ds, by="institution")
