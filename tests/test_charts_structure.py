"""Tests of the two structure charts: the places map and the command diagram.

Each chart has an image-comparison test (pytest-mpl, baselines in
``tests/baseline``) that also checks the chart's contract: a title, a source
line and no text on other text. Unit tests cover the pieces the charts are
built from: reading the Natural Earth outlines, the small geometry helpers, the
data honesty of the map (nothing drawn without coordinates in the dataset) and
the layered layout of the diagram.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.text import Text

from helpers.charts.command import (
    HIERARCHY,
    LATERAL,
    PART_OF,
    TOP_AUTHORITY,
    Link,
    chain_links,
    command_structure,
    date_label,
    layer_depths,
    layered_layout,
    period_label,
    wrap_even,
)
from helpers.charts.maps import (
    FACILITY_IN_CITY,
    OUTLINE_CREDIT,
    View,
    clip_ring,
    country_label_point,
    decision_places,
    load_outlines,
    outlines_bbox,
    places_map,
    point_in_ring,
    ring_centroid,
    training_sites,
)
from helpers.data import Dataset, load
from helpers.style import STYLE_FILE, text_outside, text_overlaps

#: Image tests render in the house style, so that draw-time settings (text
#: hinting and the like) match what a notebook shows, whatever pytest-mpl's
#: default style is on the command line.
IMAGE = {"style": str(STYLE_FILE)}

MISSIONS = ("mis-ntm-i", "mis-nmi")


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load()


@pytest.fixture(scope="module")
def map_fig(ds: Dataset) -> Figure:
    """One map for the tests that only read it (drawing it takes seconds)."""
    return places_map(ds, note="A test note.")


@pytest.fixture(scope="module")
def command_fig(ds: Dataset) -> Figure:
    """One diagram for the tests that only read it."""
    return command_structure(ds)


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def assert_chart_contract(fig: Figure) -> None:
    """Title, source line, and no text overlapping other text."""
    assert fig.get_suptitle().strip(), "the chart has no title"
    assert any(t.startswith("Sources: ") for t in _texts(fig)), "no source line"
    assert text_overlaps(fig) == []
    assert text_outside(fig) == []


# --------------------------------------------------------------------------
# Places map
# --------------------------------------------------------------------------


@pytest.mark.mpl_image_compare(filename="places_map.png", **IMAGE)
def test_places_map_image(ds: Dataset) -> Figure:
    fig = places_map(ds)
    assert_chart_contract(fig)
    return fig


def test_places_map_credits_outlines_and_labels_axes(map_fig: Figure) -> None:
    fig = map_fig
    source = next(t for t in _texts(fig) if t.startswith("Sources: "))
    assert OUTLINE_CREDIT in source.replace("\n", " ")
    assert "A test note." in source.replace("\n", " ")
    axes = fig.get_axes()
    assert len(axes) == 2
    for ax in axes:
        assert ax.get_xlabel() == "Longitude (°E)"
        assert ax.get_ylabel() == "Latitude (°N)"
        assert len(ax.get_xticks()) >= 3 and len(ax.get_yticks()) >= 3
        assert ax.get_title(loc="left")


def test_every_summit_city_shows_the_summit_circle(ds: Dataset, map_fig: Figure) -> None:
    # Brussels is drawn as NATO HQ; as a summit venue too, it gets the summit ring.
    places = ds.places.set_index("place_id")
    summit_places = set(ds.events.loc[ds.events["event_type"] == "summit", "place_id"].dropna())
    circles = {
        (round(x, 4), round(y, 4))
        for line in map_fig.axes[0].get_lines()
        if line.get_marker() == "o"
        for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)
    }
    # A venue the dataset has no coordinates for (Wales, Washington) cannot be
    # drawn: it is listed under the map instead, with its summit.
    _, unmapped = decision_places(ds)
    listed = {p.place_id: p for p in unmapped}
    texts = " ".join(" ".join(_texts(map_fig)).split())
    for place_id in summit_places:
        lon, lat = places.loc[FACILITY_IN_CITY.get(place_id, place_id), ["lon", "lat"]]
        if pd.isna(lon) or pd.isna(lat):
            assert place_id in listed, place_id
            assert f"{listed[place_id].name}: " in texts, place_id
        else:
            assert (round(lon, 4), round(lat, 4)) in circles, place_id


def test_places_map_is_deterministic(ds: Dataset, map_fig: Figure) -> None:
    """A second map is pixel-identical (label placement included)."""
    again = places_map(ds, note="A test note.")
    map_fig.canvas.draw()
    again.canvas.draw()
    assert map_fig.canvas.buffer_rgba().tobytes() == again.canvas.buffer_rgba().tobytes()


def test_load_outlines_finds_iraq_with_a_plausible_bbox() -> None:
    iraq = [o for o in load_outlines("region-50m") if o.country == "Iraq"]
    assert iraq, "no Iraq polygon in region-50m"
    lon_min, lat_min, lon_max, lat_max = outlines_bbox(iraq)
    assert lon_min == pytest.approx(38.8, abs=0.2)
    assert lon_max == pytest.approx(48.6, abs=0.2)
    assert lat_min == pytest.approx(29.0, abs=0.2)
    assert lat_max == pytest.approx(37.4, abs=0.2)


def test_load_outlines_wide_map_has_the_summit_countries() -> None:
    names = {o.country for o in load_outlines("wide-110m")}
    assert {"Belgium", "Italy", "Latvia", "Poland", "Turkey", "Iraq", "Jordan"} <= names


def test_load_outlines_keeps_holes_and_is_a_fresh_list() -> None:
    outlines = load_outlines("region-50m")
    assert any(o.holes for o in outlines)  # Armenia and Azerbaijan have enclaves
    outlines.clear()
    assert load_outlines("region-50m"), "callers must not be able to empty the cache"


def test_load_outlines_unknown_name() -> None:
    with pytest.raises(FileNotFoundError, match="available"):
        load_outlines("no-such-map")


def test_geometry_helpers_on_a_square() -> None:
    square = ((0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0))
    area, x, y = ring_centroid(square)
    assert (area, x, y) == pytest.approx((4.0, 1.0, 1.0))
    clipped = clip_ring(square, View(1.0, -5.0, 5.0, 5.0))
    assert ring_centroid(clipped) == pytest.approx((2.0, 1.5, 1.0))
    assert point_in_ring((1.0, 1.0), square)
    assert not point_in_ring((3.0, 1.0), square)
    assert clip_ring(square, View(10.0, 10.0, 11.0, 11.0)) == []


def test_view_aspect_follows_mean_latitude() -> None:
    view = View(30.0, 20.0, 50.0, 40.0)
    assert view.aspect == pytest.approx(1 / math.cos(math.radians(30.0)))
    assert View.around((38.77, 29.06, 48.55, 37.37), pad=1.0) == View(37, 28, 50, 39)


def test_country_label_point_lies_in_the_country() -> None:
    region = load_outlines("region-50m")
    view = View(33.0, 28.0, 50.0, 39.0)
    lon, lat = country_label_point(region, "Iraq", view)
    iraq = [o for o in region if o.country == "Iraq"]
    assert any(point_in_ring((lon, lat), o.exterior) for o in iraq)
    assert country_label_point(region, "Iraq", View(0.0, 0.0, 1.0, 1.0)) is None


def test_map_draws_only_coordinates_from_the_dataset(ds: Dataset, map_fig: Figure) -> None:
    """No invented coordinates: every marker sits on a row of places.csv."""
    known = {
        (round(r.lon, 5), round(r.lat, 5))
        for r in ds.places.dropna(subset=["lon", "lat"]).itertuples()
    }
    fig = map_fig
    markers = [
        (round(float(x), 5), round(float(y), 5))
        for ax in fig.get_axes()
        for line in ax.get_lines()
        if line.get_marker() not in (None, "None", "") and line.get_linestyle() == "None"
        for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)
    ]
    assert markers, "the map draws no places"
    assert set(markers) <= known


def test_places_without_coordinates_are_listed_not_drawn(ds: Dataset, map_fig: Figure) -> None:
    sites = {s.place_id: s for s in training_sites(ds)}
    for place_id in ("plc-camp-besmaya", "plc-taji", "plc-ar-rustamiyah", "plc-kasotc"):
        assert place_id in sites
        assert not sites[place_id].has_coordinates
    assert sites["plc-baghdad"].has_coordinates
    mapped, unmapped = decision_places(ds)
    assert all(p.has_coordinates for p in mapped)
    assert "plc-shape" in {p.place_id for p in unmapped}
    # NATO HQ has no coordinates: it is named in the Brussels label, not drawn.
    brussels = next(p for p in mapped if p.place_id == "plc-brussels")
    assert "plc-nato-hq" in brussels.record_ids
    assert any("NATO HQ" in role for role in brussels.roles)
    texts = " ".join(_texts(map_fig))
    for name in ("Camp Besmaya", "Taji", "Ar Rustamiyah", "SHAPE", "King Abdullah II"):
        assert name in texts


def test_summit_labels_come_from_events(ds: Dataset) -> None:
    mapped, _ = decision_places(ds)
    roles = {p.name: " ".join(p.roles) for p in mapped}
    assert "2004 Summit" in roles["Istanbul"]
    assert "2006 Summit" in roles["Riga"]
    assert "2016 Summit" in roles["Warsaw"]
    assert "2018 Summit" in roles["Brussels"]
    assert "JFC Naples" in roles["Naples"]


# --------------------------------------------------------------------------
# Command diagram
# --------------------------------------------------------------------------


@pytest.mark.mpl_image_compare(filename="command_structure.png", **IMAGE)
def test_command_structure_image(ds: Dataset) -> Figure:
    fig = command_structure(ds)
    assert_chart_contract(fig)
    return fig


def test_command_structure_draws_each_node_once(ds: Dataset, command_fig: Figure) -> None:
    fig = command_fig
    ax = fig.get_axes()[0]
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    nodes = {n for m in MISSIONS for n in layered_layout(m, chain_links(ds, m))}
    assert len(boxes) == len(nodes)
    texts = _texts(fig)
    for title in ("NTM-I", "NMI", "NAC", "SACEUR", "JFC Naples", "USF-I", "ACT"):
        assert texts.count(title) == 1, title
    # Column headings give each mission's period.
    assert any(t.startswith("NTM-I, 2004") and "2011" in t for t in texts)
    assert any(t.startswith("NMI, from Oct 2018") for t in texts)


def test_command_structure_legend_lists_the_relations_drawn(command_fig: Figure) -> None:
    legend = command_fig.get_axes()[0].get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    for label in ("Under political control of", "Reports to", "Under operational authority of"):
        assert label in labels
    assert "Commander dual-hatted with" in labels and "Coordinates with" in labels


def test_chain_tops_below_the_nac_are_marked(ds: Dataset, command_fig: Figure) -> None:
    """Where the recorded chain stops short of the NAC, the chart says so."""
    tops = 0
    for mission in MISSIONS:
        links = chain_links(ds, mission)
        up = {link.source for link in links if link.relation in HIERARCHY}
        answered_to = {link.target for link in links if link.relation in HIERARCHY}
        tops += len(answered_to - up - {TOP_AUTHORITY})
    assert _texts(command_fig).count("no higher link recorded") == tops


def test_chain_links_include_subunits_with_links(ds: Dataset) -> None:
    links = chain_links(ds, "mis-ntm-i")
    assert Link("mis-ntecg>part_of", "mis-ntecg", "mis-ntm-i", PART_OF) in links
    # The SACEUR -> NAC row has a subordinate organisation: it links two bodies.
    via = next(link for link in links if link.link_id == "cl-ntm-i-saceur-nac")
    assert (via.source, via.target) == ("org-saceur", "org-nac")
    # Sub-units without links of their own (the advisory divisions) stay out.
    assert not {"mis-ntm-i-ssamd", "mis-ntm-i-tedad"} & {link.source for link in links}


@pytest.mark.parametrize("mission", MISSIONS)
def test_layout_depth_ordering(ds: Dataset, mission: str) -> None:
    links = chain_links(ds, mission)
    layout = layered_layout(mission, links)
    depth = {n: d for n, (_, d) in layout.items()}
    assert depth[mission] == 0
    for link in links:
        if link.relation in HIERARCHY:
            assert depth[link.target] > depth[link.source], link
        elif link.relation in LATERAL:
            assert depth[link.target] == depth[link.source], link
        elif link.relation == PART_OF:
            assert depth[link.source] == depth[link.target] - 1, link
    # Each node once, and no two boxes in one slot.
    nodes = {n for link in links for n in (link.source, link.target)} | {mission}
    assert set(layout) == nodes
    assert len(set(layout.values())) == len(layout)
    assert layered_layout(mission, links) == layout


def test_layout_uses_the_longest_chain() -> None:
    """A body reached directly and via another sits above both (the NAC case)."""
    links = [
        Link("a", "m", "top", "political_control"),
        Link("b", "m", "mid", "reports_to"),
        Link("c", "mid", "top", "reports_to"),
        Link("d", "m", "peer", "coordinated_with"),
        Link("e", "sub", "m", PART_OF),
    ]
    assert layer_depths("m", links) == {"m": 0, "mid": 1, "top": 2, "peer": 0, "sub": -1}
    layout = layered_layout("m", links)
    assert layout["m"] == (0.0, 0) and layout["peer"] == (-1.0, 0)


def test_layout_rejects_a_cycle() -> None:
    links = [Link("a", "m", "x", "reports_to"), Link("b", "x", "m", "reports_to")]
    with pytest.raises(ValueError, match="cycle"):
        layer_depths("m", links)


def test_dates_at_source_precision() -> None:
    assert date_label("2004") == "2004"
    assert date_label("2018-10") == "Oct 2018"
    assert date_label("2004-12-09") == "9 Dec 2004"
    assert period_label("2004", "2011-12-31") == "2004 \u2013 31 Dec 2011"
    assert period_label("2018-10", None) == "from Oct 2018"


def test_wrap_even_balances_lines_and_keeps_hyphens() -> None:
    assert wrap_even("United States Forces - Iraq", 24) == "United States\nForces - Iraq"
    assert wrap_even("NATO Training Mission-Iraq", 24) == "NATO Training\nMission-Iraq"
    assert wrap_even("NAC", 24) == "NAC"
