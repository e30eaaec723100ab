"""Maps: where NATO's work for Iraq was decided, commanded and carried out.

:func:`places_map` draws two panels side by side:

- on the left, Europe and the Middle East (Natural Earth 1:110m) with the
  summit cities, the NATO headquarters and commands, and Baghdad, each
  labelled with what the dataset says happened or sat there, plus a box
  showing the extent of the right-hand panel;
- on the right, Iraq and its neighbours (Natural Earth 1:50m), with Iraq
  emphasised, Jordan lightly highlighted as host of the out-of-country
  training, and the training and advisory sites that have coordinates.

Only coordinates from ``places.csv`` are drawn. Places the sources name but
that have no coordinates in the dataset are listed under the panels (or, for
the training centre in Jordan, named on the country) instead of being placed
by guesswork. The outlines are read with the standard ``json`` module
and drawn with plain matplotlib in an equirectangular projection: longitude and
latitude are the axes' data coordinates and the aspect ratio is
``1 / cos(mean latitude)``, so shapes keep their proportions at the centre of
each panel without a projection library.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import ConnectionPatch, Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from helpers.charts._alt import compose, listing, plural
from helpers.charts.command import wrap_even
from helpers.citations import source_names
from helpers.data import Dataset
from helpers.style import (
    FOOTER_LINE_IN,
    OKABE_ITO,
    finish,
    footer_lines,
    house_style,
    lay_out,
    mission_colour,
    new_figure,
)
from helpers.wording import EN_DASH

GEO_DIR = Path(__file__).resolve().parent.parent / "geo"

#: Attribution of the outlines, added to the source line of every map.
OUTLINE_CREDIT = "Outlines: Natural Earth (public domain)"

#: Seats of organisations. ``organisations.csv`` has no place column; these
#: pairs are stated only in free-text notes of the dataset (org-saceur: "Post at
#: SHAPE"; plc-naples: "Seat of JFC Naples"; plc-nato-hq / org-nato-hq: the
#: same body). Kept here, explicit and short, rather than parsed from prose.
ORG_SEATS: dict[str, str] = {
    "org-saceur": "plc-shape",
    "org-jfc-naples": "plc-naples",
    "org-nato-hq": "plc-nato-hq",
}

#: Facilities without coordinates that a note in ``places.csv`` puts inside a
#: city that has them (plc-nato-hq: "In Brussels (004)"). The facility is then
#: named in the city's label; it is never given coordinates of its own.
FACILITY_IN_CITY: dict[str, str] = {"plc-nato-hq": "plc-brussels"}

#: The country the collection is about, and the relation that marks a host
#: country of training outside it (``mission_partners.relation``).
FOCUS_COUNTRY = "org-iraq"
HOST_RELATION = "host"

#: Colours of the outlines: light land, white sea, Iraq emphasised, Jordan lightly.
SEA = "#f7f9fb"
LAND = "#ebebe8"
LAND_EDGE = "#a9a9a9"
FOCUS_FILL = "#b9cfe4"
HOST_FILL = "#fbe7c6"
HOST_HATCH = OKABE_ITO["orange"]
FOCUS_STYLE: dict[str, object] = {"facecolor": FOCUS_FILL, "edgecolor": "#222222", "linewidth": 1.3}
HOST_STYLE: dict[str, object] = {
    "facecolor": HOST_FILL,
    "edgecolor": "#555555",
    "linewidth": 0.9,
    "hatch": "////",
    "hatchcolor": HOST_HATCH,
}
#: A white halo keeps labels readable over borders, hatching and dashed lines.
HALO = [withStroke(linewidth=2.6, foreground="white")]
#: Size of the map figure (inches): two panels side by side, lists underneath.
#: It grows taller when the lists under the panels and the source line need it.
FIGSIZE = (11.5, 7.0)
#: Height of the panels and of the room above them (title, panel titles), inches.
PANEL_IN = 3.7
TOP_IN = 0.7

#: How a marker looks for each kind of mapped place (shape, fill, size).
#: Shapes differ, so the kinds stay apart in grayscale too.
MARKERS: dict[str, dict[str, object]] = {
    # Filled with the colour of the latest mission based there (see MapPlace).
    "mission_hq": {"marker": "D", "color": "#777777", "markersize": 8},
    "command": {"marker": "s", "color": "#222222", "markersize": 7.5},
    "summit": {"marker": "o", "color": "white", "markersize": 8},
}
MARKER_LEGEND = {
    "summit": "NATO summit venue",
    "command": "NATO headquarters or command",
    "mission_hq": "Mission headquarters",
}

#: Kilometres in one degree of latitude (mean Earth radius 6371 km).
KM_PER_DEGREE = 2 * math.pi * 6371.0 / 360


#: Kinds of mapped place, weakest first; a place with several roles takes the strongest.
KIND_RANK = ("site", "summit", "command", "mission_hq")

Point = tuple[float, float]
Ring = tuple[Point, ...]


# --------------------------------------------------------------------------
# Outlines
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outline:
    """One polygon of a country: its outer ring and any holes, in lon/lat degrees."""

    country: str
    exterior: Ring
    holes: tuple[Ring, ...] = ()

    def bbox(self) -> tuple[float, float, float, float]:
        """``(lon_min, lat_min, lon_max, lat_max)`` of the outer ring."""
        lons = [p[0] for p in self.exterior]
        lats = [p[1] for p in self.exterior]
        return min(lons), min(lats), max(lons), max(lats)


def _ring(coords: Sequence[Sequence[float]]) -> Ring:
    return tuple((float(lon), float(lat)) for lon, lat, *_ in coords)


@lru_cache(maxsize=8)
def _read_outlines(name: str) -> tuple[Outline, ...]:
    path = GEO_DIR / f"{name}.geojson"
    if not path.is_file():
        available = sorted(p.stem for p in GEO_DIR.glob("*.geojson"))
        raise FileNotFoundError(f"no outline file {path.name}; available: {available}")
    collection = json.loads(path.read_text(encoding="utf-8"))
    outlines: list[Outline] = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        country = feature["properties"]["name"]
        # A Polygon is one list of rings; a MultiPolygon a list of those.
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        for rings in polygons:
            outlines.append(
                Outline(country, _ring(rings[0]), tuple(_ring(hole) for hole in rings[1:]))
            )
    return tuple(outlines)


def load_outlines(name: str) -> list[Outline]:
    """Polygons of ``helpers/geo/{name}.geojson``, one :class:`Outline` per part.

    ``name`` is ``"region-50m"`` or ``"wide-110m"``. The file is parsed once per
    session (the outlines are immutable), in file order, so drawing is
    deterministic.
    """
    return list(_read_outlines(name))


def outlines_bbox(outlines: Iterable[Outline]) -> tuple[float, float, float, float]:
    """Bounding box ``(lon_min, lat_min, lon_max, lat_max)`` of several outlines."""
    boxes = [o.bbox() for o in outlines]
    if not boxes:
        raise ValueError("no outlines given")
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def ring_centroid(ring: Sequence[Point]) -> tuple[float, float, float]:
    """``(area, lon, lat)`` of a ring by the shoelace formula (area in square degrees).

    Falls back to the mean vertex for a degenerate ring of zero area.
    """
    if len(ring) < 3:
        return 0.0, *(ring[0] if ring else (0.0, 0.0))
    twice_area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        twice_area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(twice_area) < 1e-12:
        n = max(len(ring), 1)
        return 0.0, sum(p[0] for p in ring) / n, sum(p[1] for p in ring) / n
    return abs(twice_area) / 2, cx / (3 * twice_area), cy / (3 * twice_area)


def clip_ring(ring: Sequence[Point], view: View) -> list[Point]:
    """The part of ``ring`` inside the rectangle ``view`` (Sutherland-Hodgman).

    Used to find where a country's name fits inside a panel when only part of
    the country is visible.
    """
    edges = (
        (lambda p: p[0] >= view.lon_min, lambda a, b: _cross_x(a, b, view.lon_min)),
        (lambda p: p[0] <= view.lon_max, lambda a, b: _cross_x(a, b, view.lon_max)),
        (lambda p: p[1] >= view.lat_min, lambda a, b: _cross_y(a, b, view.lat_min)),
        (lambda p: p[1] <= view.lat_max, lambda a, b: _cross_y(a, b, view.lat_max)),
    )
    points = list(ring)
    for inside, cross in edges:
        if not points:
            break
        kept: list[Point] = []
        for current, previous in zip(points, [points[-1], *points[:-1]], strict=True):
            if inside(current):
                if not inside(previous):
                    kept.append(cross(previous, current))
                kept.append(current)
            elif inside(previous):
                kept.append(cross(previous, current))
        points = kept
    return points


def _cross_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + t * (b[1] - a[1])


def _cross_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return a[0] + t * (b[0] - a[0]), y


# --------------------------------------------------------------------------
# Views (equirectangular panels)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """A lon/lat rectangle drawn in an equirectangular projection."""

    lon_min: float
    lat_min: float
    lon_max: float
    lat_max: float

    @classmethod
    def around(cls, bbox: tuple[float, float, float, float], pad: float) -> View:
        """``bbox`` grown by ``pad`` degrees, with edges on whole degrees (tidy ticks)."""
        return cls(
            math.floor(bbox[0] - pad),
            math.floor(bbox[1] - pad),
            math.ceil(bbox[2] + pad),
            math.ceil(bbox[3] + pad),
        )

    @property
    def mean_lat(self) -> float:
        return (self.lat_min + self.lat_max) / 2

    @property
    def aspect(self) -> float:
        """Data aspect (height of a degree of latitude over one of longitude).

        A degree of longitude is cos(latitude) times as long as a degree of
        latitude; using the panel's mean latitude keeps shapes true there.
        """
        return 1 / math.cos(math.radians(self.mean_lat))

    @property
    def display_ratio(self) -> float:
        """Width over height of the drawn panel."""
        return (self.lon_max - self.lon_min) / ((self.lat_max - self.lat_min) * self.aspect)

    def contains(self, lon: float, lat: float) -> bool:
        return self.lon_min <= lon <= self.lon_max and self.lat_min <= lat <= self.lat_max

    def overlaps(self, bbox: tuple[float, float, float, float]) -> bool:
        return not (
            bbox[2] < self.lon_min
            or bbox[0] > self.lon_max
            or bbox[3] < self.lat_min
            or bbox[1] > self.lat_max
        )


def country_label_point(outlines: Iterable[Outline], country: str, view: View) -> Point | None:
    """Where to write ``country``'s name: the centroid of its largest visible part.

    Returns ``None`` when no part of the country is visible in ``view``.
    """
    best: tuple[float, float, float] | None = None
    for outline in outlines:
        if outline.country != country or not view.overlaps(outline.bbox()):
            continue
        clipped = clip_ring(outline.exterior, view)
        if len(clipped) < 3:
            continue
        area, lon, lat = ring_centroid(clipped)
        if best is None or area > best[0]:
            best = (area, lon, lat)
    return None if best is None else (best[1], best[2])


def visible_area(outlines: Iterable[Outline], country: str, view: View) -> float:
    """Area (square degrees) of ``country`` inside ``view``."""
    return sum(
        ring_centroid(clip_ring(o.exterior, view))[0]
        for o in outlines
        if o.country == country and view.overlaps(o.bbox())
    )


def _outline_path(outline: Outline) -> MplPath:
    """A compound path (outer ring plus holes) so that enclaves stay open."""
    vertices: list[Point] = []
    codes: list[int] = []
    for ring in (outline.exterior, *outline.holes):
        vertices.extend([*ring, ring[0]])
        codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 1) + [MplPath.CLOSEPOLY])
    return MplPath(vertices, codes)


def draw_outlines(
    ax: Axes, outlines: Iterable[Outline], view: View, styles: dict[str, dict[str, object]]
) -> None:
    """Fill and stroke every outline that reaches into ``view``.

    ``styles`` maps a country name to patch keywords that replace the default
    light-land look; emphasised countries are drawn last so their borders sit
    on top of their neighbours'.
    """
    base = {"facecolor": LAND, "edgecolor": LAND_EDGE, "linewidth": 0.5, "zorder": 1}
    visible = [o for o in outlines if view.overlaps(o.bbox())]
    for outline in sorted(visible, key=lambda o: o.country in styles):
        style = {**base, **styles.get(outline.country, {})}
        patch = PathPatch(_outline_path(outline), **style)
        # add_artist, not add_patch: the limits are set by the view, and
        # add_patch would spend a second updating data limits from every vertex.
        ax.add_artist(patch)


def setup_map_axes(ax: Axes, view: View, step: int) -> None:
    """Limits, aspect, graticule and labelled ticks for a map panel."""
    ax.set_xlim(view.lon_min, view.lon_max)
    ax.set_ylim(view.lat_min, view.lat_max)
    ax.set_aspect(view.aspect)
    ax.set_facecolor(SEA)
    ax.set_xticks(range(_next_multiple(view.lon_min, step), int(view.lon_max) + 1, step))
    ax.set_yticks(range(_next_multiple(view.lat_min, step), int(view.lat_max) + 1, step))
    ax.set_xlabel("Longitude (°E)")
    ax.set_ylabel("Latitude (°N)")
    # The graticule sits below the land, so it shows only over the sea.
    ax.grid(True, axis="both", color="#dde3e8", linewidth=0.5)
    ax.set_axisbelow(True)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#888888")
    ax.tick_params(labelsize=8.5, length=3)


def _next_multiple(value: float, step: int) -> int:
    return int(math.ceil(value / step) * step)


# --------------------------------------------------------------------------
# What to draw, from the dataset
# --------------------------------------------------------------------------


@dataclass
class MapPlace:
    """A place to draw or list, with the lines that say what happened there."""

    place_id: str
    name: str
    lon: float | None
    lat: float | None
    kind: str = "site"
    roles: list[str] = field(default_factory=list)
    record_ids: list[str] = field(default_factory=list)
    #: Mission whose colour the marker takes: the latest one headquartered here.
    mission_id: str | None = None
    #: True where a summit met, whatever the marker's kind (Brussels is also NATO HQ).
    summit_venue: bool = False

    @property
    def has_coordinates(self) -> bool:
        return self.lon is not None and self.lat is not None


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _year(date: object) -> str | None:
    text = _text(date)
    return text[:4] if text else None


def period_text(start: object, end: object) -> str:
    """A mission's period in whole years, e.g. ``2017-2018`` (en dash) or ``from 2018``.

    Years only: start and end dates have mixed precision in the data, and the
    year is the precision they all share. "from", not "since": an empty end
    date means "ongoing" for some missions and "not stated" for others.
    """
    first, last = _year(start), _year(end)
    if first and last:
        return first if first == last else f"{first}{EN_DASH}{last}"
    if first:
        return f"from {first}"
    return f"until {last}" if last else "undated"


def _mission_label(mission: pd.Series) -> str:
    """A mission's short name, or its full name where the data gives none."""
    return _text(mission["short_name"]) or str(mission["name"])


def _org_label(org: pd.Series) -> str:
    return _text(org["short_name"]) or str(org["name"])


def _place(ds: Dataset, place_id: str) -> MapPlace:
    row = ds.by_key("places").loc[place_id]
    lon, lat = row["lon"], row["lat"]
    return MapPlace(
        place_id,
        str(row["name"]),
        None if pd.isna(lon) else float(lon),
        None if pd.isna(lat) else float(lat),
        record_ids=[place_id],
    )


def host_countries(ds: Dataset) -> pd.DataFrame:
    """Countries that hosted NATO training outside Iraq (``mission_partners``, 'host').

    Only rows whose organisation is a country count: the Iraqi government also
    'hosts' NMI, but that is an invitation, not a training site abroad.
    """
    partners = ds.mission_partners.merge(ds.organisations, on="org_id", suffixes=("", "_org"))
    hosts = partners[(partners["relation"] == HOST_RELATION) & (partners["kind"] == "country")]
    return hosts.sort_values("mission_partner_id", kind="stable").reset_index(drop=True)


def training_sites(ds: Dataset) -> list[MapPlace]:
    """Training and advisory places in Iraq and in the host countries, in id order.

    A place counts when an Iraqi institution sits there, a mission has its
    headquarters there, or an event of a mission happened there. Countries
    themselves are left out (they are drawn as outlines).
    """
    countries = {FOCUS_COUNTRY, *host_countries(ds)["org_id"]}
    institutions = ds.institutions.dropna(subset=["place_id"])
    missions = ds.missions.dropna(subset=["hq_place_id"])
    events = ds.events.dropna(subset=["place_id", "mission_id"])
    used = set(institutions["place_id"]) | set(missions["hq_place_id"]) | set(events["place_id"])
    places = ds.places[
        ds.places["place_id"].isin(used)
        & ds.places["country_org_id"].isin(countries)
        & (ds.places["kind"] != "country")
    ].sort_values("place_id", kind="stable")
    sites = []
    for place_id in places["place_id"]:
        site = _place(ds, place_id)
        _add_site_roles(site, institutions, missions, events)
        sites.append(site)
    return sites


def _add_site_roles(
    site: MapPlace,
    institutions: pd.DataFrame,
    missions: pd.DataFrame,
    events: pd.DataFrame,
) -> None:
    """Fill ``site.roles``: mission headquarters, then institutions, else events."""
    here_missions = missions[missions["hq_place_id"] == site.place_id]
    # By start date, so the last one seen is the latest (its colour marks the place).
    for _, mission in here_missions.sort_values("start_date", kind="stable").iterrows():
        period = period_text(mission["start_date"], mission["end_date"])
        label = _without_place(_mission_label(mission), site.name)
        site.roles.append(f"{label} HQ, {period}")
        site.record_ids.append(mission["mission_id"])
        site.kind = "mission_hq"
        site.mission_id = mission["mission_id"]
    here = institutions[institutions["place_id"] == site.place_id]
    for _, inst in here.iterrows():
        # "Military academy at Ar Rustamiyah" under the heading "Ar Rustamiyah".
        site.roles.append(str(inst["name"]).replace(f" at {site.name}", ""))
        site.record_ids.append(inst["institution_id"])
    if here.empty and site.kind != "mission_hq":
        for _, event in events[events["place_id"] == site.place_id].iterrows():
            title = str(event["title"]).replace(f" at {site.name}", "")
            site.roles.append(f"{title} ({_year(event['date'])})")
            site.record_ids.append(event["event_id"])


def _without_place(text: str, place_name: str) -> str:
    """Drop a trailing " at X" / " in X" when the label already sits under X."""
    for word in (" at ", " in "):
        text = text.replace(f"{word}{place_name}", "")
    return text


def decision_places(ds: Dataset) -> tuple[list[MapPlace], list[MapPlace]]:
    """Summit venues, NATO headquarters and commands, and mission HQ cities.

    Returns ``(mapped, unmapped)``: places with coordinates (a facility without
    coordinates is folded into the city that a note puts it in), and places or
    summits that cannot be drawn because the dataset has no coordinates or no
    place for them. Both lists are in a fixed order (place id; summit date).
    """
    by_id: dict[str, MapPlace] = {}
    unmapped: list[MapPlace] = []
    missions = ds.by_key("missions")
    orgs = ds.by_key("organisations")

    def add(place_id: str, kind: str, role: str, record_ids: list[str]) -> None:
        city = FACILITY_IN_CITY.get(place_id, place_id)
        place = by_id.setdefault(city, _place(ds, city))
        place.roles.append(role)
        place.record_ids.extend([place_id, *record_ids])
        place.summit_venue = place.summit_venue or kind == "summit"
        # The strongest kind gives the marker: a command seat over a summit venue.
        if KIND_RANK.index(kind) > KIND_RANK.index(place.kind):
            place.kind = kind

    summits = ds.events[ds.events["event_type"] == "summit"].sort_values("date", kind="stable")
    for _, event in summits.iterrows():
        mission_id = _text(event["mission_id"])
        # In brackets after the summit, so without an aside of its own.
        mission = _mission_label(missions.loc[mission_id]) if mission_id else ""
        mission = re.sub(r"\s*\(.*\)$", "", mission)
        about = f" ({mission})" if mission else ""
        role = f"{_year(event['date'])} Summit{about}"
        if pd.isna(event["place_id"]):
            unmapped.append(
                MapPlace(
                    "",
                    role,
                    None,
                    None,
                    "summit",
                    ["place not given in the sources"],
                    [event["event_id"]],
                )
            )
        elif _mappable(ds, event["place_id"]):
            add(event["place_id"], "summit", role, [event["event_id"]])
        else:
            # A venue the dataset names without coordinates ('Wales'): listed, not drawn.
            venue = _place(ds, event["place_id"])
            country = _country_of(ds, venue.place_id)
            if country:
                venue.name = f"{venue.name} ({_country_name(ds, country)})"
                venue.record_ids.append(country)
            venue.kind, venue.summit_venue = "summit", True
            venue.roles.append(role)
            venue.record_ids.append(event["event_id"])
            unmapped.append(venue)

    links = ds.command_links.sort_values("command_link_id", kind="stable")
    for org_id, place_id in ORG_SEATS.items():
        # Links where a mission itself sits directly under this organisation.
        direct = links[(links["superior_org_id"] == org_id) & links["subordinate_org_id"].isna()]
        seated = ds.missions[ds.missions["hq_place_id"] == place_id]
        parts = []
        if not direct.empty:
            commanded = dict.fromkeys(_mission_label(missions.loc[m]) for m in direct["mission_id"])
            parts.append(f"command of {', '.join(commanded)}")
        if not seated.empty:
            parts.append(f"seat of {', '.join(_mission_label(m) for _, m in seated.iterrows())}")
        if not parts:
            continue
        role = f"{_org_label(orgs.loc[org_id])} ({'; '.join(parts)})"
        ids = [org_id, *direct["command_link_id"], *seated["mission_id"]]
        place = _place(ds, place_id)
        if place.has_coordinates or place_id in FACILITY_IN_CITY:
            add(place_id, "command", role, ids)
        else:
            country = _text(ds.by_key("places").loc[place_id, "country_org_id"])
            if country:
                place.name = f"{place.name} ({_country_name(ds, country)})"
                place.record_ids.append(country)
            place.kind = "command"
            place.roles.append(role)
            place.record_ids.extend(ids)
            unmapped.append(place)

    # Mission headquarters in the focus country (Baghdad), with their periods,
    # by start date so that the latest mission gives the marker its colour.
    hq_missions = ds.missions.dropna(subset=["hq_place_id"]).sort_values(
        "start_date", kind="stable"
    )
    for _, mission in hq_missions.iterrows():
        place_id = mission["hq_place_id"]
        if place_id in ORG_SEATS.values() or _country_of(ds, place_id) != FOCUS_COUNTRY:
            continue
        if _place(ds, place_id).has_coordinates:
            label = _without_place(_mission_label(mission), _place(ds, place_id).name)
            period = period_text(mission["start_date"], mission["end_date"])
            add(place_id, "mission_hq", f"{label} HQ, {period}", [mission["mission_id"]])
            by_id[place_id].mission_id = mission["mission_id"]
    mapped = sorted((p for p in by_id.values() if p.has_coordinates), key=lambda p: p.place_id)
    return mapped, unmapped


def _mappable(ds: Dataset, place_id: str) -> bool:
    """Whether a place can be drawn: it has coordinates, or lies in a city that has."""
    return _place(ds, FACILITY_IN_CITY.get(place_id, place_id)).has_coordinates


def _country_of(ds: Dataset, place_id: str) -> str | None:
    row = ds.by_key("places").loc[place_id]
    return _text(row["country_org_id"])


# --------------------------------------------------------------------------
# Labels that never sit on other text
# --------------------------------------------------------------------------

#: Directions tried for a label around its point, in order: right, left, then
#: the four diagonals, then above and below. Right first: it reads naturally.
DIRECTIONS: tuple[tuple[int, int], ...] = (
    (1, 0),
    (-1, 0),
    (1, 1),
    (1, -1),
    (-1, 1),
    (-1, -1),
    (0, 1),
    (0, -1),
)
GAP_PT = 6.0
#: Font size and line spacing of the lists of unmapped places under the panels.
CAPTION_SIZE = 8.0
CAPTION_SPACING = 1.3
#: Space between a label's name and its details, so the two never touch.
NAME_GAP_PT = 1.5


@dataclass
class PlacedLabel:
    """A name (bold) over its details, both anchored to one map point."""

    name: Text
    detail: Text | None

    def extent(self, renderer: RendererBase, pad: float = 2.0) -> Bbox:
        boxes = [t.get_window_extent(renderer) for t in (self.name, self.detail) if t]
        return Bbox.union(boxes).expanded(1, 1).padded(pad)


def _overlap_area(box: Bbox, others: Iterable[Bbox]) -> float:
    total = 0.0
    for other in others:
        inter = Bbox.intersection(box, other)
        if inter is not None:
            total += inter.width * inter.height
    return total


def _outside_area(box: Bbox, frame: Bbox) -> float:
    inter = Bbox.intersection(box, frame)
    inside = 0.0 if inter is None else inter.width * inter.height
    return box.width * box.height - inside


def _arrange(
    label: PlacedLabel, direction: tuple[int, int], renderer: RendererBase, dpi: float
) -> None:
    """Move the two texts of ``label`` to sit ``direction`` from their point."""
    dx, dy = direction
    diag = 0.75 if dx and dy else 1.0
    ha = {1: "left", -1: "right", 0: "center"}[dx]
    to_pt = 72.0 / dpi
    h_name = label.name.get_window_extent(renderer).height * to_pt
    h_detail = label.detail.get_window_extent(renderer).height * to_pt if label.detail else 0.0
    height = h_name + h_detail + (NAME_GAP_PT if label.detail else 0.0)
    if dy == 0:
        top = height / 2
    elif dy > 0:
        top = GAP_PT * diag + height
    else:
        top = -GAP_PT * diag
    x = dx * GAP_PT * diag
    label.name.set_position((x, top))
    label.name.set_horizontalalignment(ha)
    if label.detail:
        label.detail.set_position((x, top - h_name - NAME_GAP_PT))
        label.detail.set_horizontalalignment(ha)
        label.detail.set_multialignment(ha)


def place_point_labels(
    ax: Axes,
    places: Sequence[MapPlace],
    obstacles: list[Bbox],
    detail_width: int = 30,
    fontsize: float = 8.5,
) -> list[PlacedLabel]:
    """Label each place next to its marker, trying :data:`DIRECTIONS` in turn.

    The first direction whose label stays inside the axes and touches no
    obstacle (markers, legends, boxes, labels placed before) wins; if none is
    free, the one with least overlap is kept, so the test on text overlaps
    shows the problem instead of a label silently vanishing. Places are
    labelled in the given order, which makes the result deterministic.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    labels = []
    for place in places:
        name = ax.annotate(
            place.name,
            (place.lon, place.lat),
            xytext=(0, 0),
            textcoords="offset points",
            va="top",
            fontsize=fontsize + 0.5,
            fontweight="bold",
            color="#222222",
            zorder=6,
            path_effects=HALO,
        )
        detail = None
        if place.roles:
            wrapped = [textwrap.fill(r, detail_width, subsequent_indent="  ") for r in place.roles]
            detail = ax.annotate(
                "\n".join(wrapped),
                (place.lon, place.lat),
                xytext=(0, 0),
                textcoords="offset points",
                va="top",
                fontsize=fontsize - 0.5,
                color="#333333",
                linespacing=1.15,
                zorder=6,
                path_effects=HALO,
            )
        label = PlacedLabel(name, detail)
        best: tuple[float, tuple[int, int]] | None = None
        for direction in DIRECTIONS:
            _arrange(label, direction, renderer, fig.dpi)
            box = label.extent(renderer)
            score = _overlap_area(box, obstacles) + 10 * _outside_area(box, frame)
            if best is None or score < best[0]:
                best = (score, direction)
            if score == 0:
                break
        assert best is not None
        _arrange(label, best[1], renderer, fig.dpi)
        obstacles.append(label.extent(renderer))
        labels.append(label)
    return labels


def marker_boxes(ax: Axes, places: Iterable[MapPlace], radius_pt: float = 5.0) -> list[Bbox]:
    """Display-space boxes around markers, so labels keep clear of them."""
    radius = radius_pt * ax.figure.dpi / 72.0
    boxes = []
    for place in places:
        x, y = ax.transData.transform((place.lon, place.lat))
        boxes.append(Bbox.from_bounds(x - radius, y - radius, 2 * radius, 2 * radius))
    return boxes


#: Where to try a country's name, in steps around the centroid of its visible part.
COUNTRY_NUDGES: tuple[tuple[float, float], ...] = (
    (0.0, 0.0),
    (0.0, -1.0),
    (0.0, 1.0),
    (-1.5, 0.0),
    (1.5, 0.0),
    (-1.5, 1.0),
    (1.5, 1.0),
    (-1.5, -1.0),
    (1.5, -1.0),
    (0.0, -2.0),
    (0.0, 2.0),
)


def point_in_ring(point: Point, ring: Sequence[Point]) -> bool:
    """Whether ``point`` lies inside ``ring`` (even-odd ray casting)."""
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def label_countries(
    ax: Axes,
    outlines: Sequence[Outline],
    view: View,
    obstacles: list[Bbox],
    skip: Iterable[str] = (),
    min_share: float = 0.03,
) -> list[Text]:
    """Write country names in small grey capitals where they fit.

    A country is named when it covers at least ``min_share`` of the panel. Its
    name goes at the centroid of its visible part, or is nudged by up to two
    degrees; when it would still touch other text it is left out, as the
    places matter more than the neighbours' names.
    """
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    panel_area = (view.lon_max - view.lon_min) * (view.lat_max - view.lat_min)
    names = sorted(
        {o.country for o in outlines if view.overlaps(o.bbox())} - set(skip),
        key=lambda c: (-visible_area(outlines, c, view), c),
    )
    # Nudges in twelfths of the panel height, so both panels behave alike.
    step = (view.lat_max - view.lat_min) / 12
    written = []
    for country in names:
        if visible_area(outlines, country, view) < min_share * panel_area:
            continue
        point = country_label_point(outlines, country, view)
        if point is None:
            continue
        text = ax.text(
            *point,
            country.upper(),
            ha="center",
            va="center",
            fontsize=7.5,
            color="#8a8a8a",
            zorder=3,
        )
        parts = [o for o in outlines if o.country == country]
        for dlon, dlat in COUNTRY_NUDGES:
            lon, lat = point[0] + dlon * step, point[1] + dlat * step
            if not any(point_in_ring((lon, lat), o.exterior) for o in parts):
                continue  # a name must sit on its own country
            text.set_position((lon, lat))
            box = text.get_window_extent(renderer).padded(2)
            if _overlap_area(box, obstacles) == 0 and _outside_area(box, frame) == 0:
                obstacles.append(box)
                written.append(text)
                break
        else:
            text.remove()
    return written


# --------------------------------------------------------------------------
# The chart
# --------------------------------------------------------------------------


def _marker_colour(place: MapPlace) -> object:
    """Marker fill: a mission HQ in its mission's colour, other kinds by kind."""
    if place.kind == "mission_hq" and place.mission_id:
        return mission_colour(place.mission_id)
    return MARKERS.get(place.kind, MARKERS["summit"])["color"]


def _draw_markers(ax: Axes, places: Iterable[MapPlace]) -> None:
    """One marker a place, by its strongest kind; a summit venue whose marker is of
    another kind also gets the summit circle, drawn as a ring around it."""
    for place in places:
        style = MARKERS.get(place.kind, MARKERS["summit"])
        if place.summit_venue and place.kind != "summit":
            ax.plot(
                place.lon, place.lat, linestyle="none", zorder=4, marker="o",
                markerfacecolor="white", markeredgecolor="#222222", markeredgewidth=1.1,
                markersize=float(style["markersize"]) + 6,
            )  # fmt: skip
        ax.plot(
            place.lon,
            place.lat,
            linestyle="none",
            markeredgecolor="#222222",
            markeredgewidth=1.1,
            zorder=5,
            marker=style["marker"],
            markerfacecolor=_marker_colour(place),
            markersize=style["markersize"],
        )


def _marker_handles(ds: Dataset, places: Sequence[MapPlace]) -> list[Line2D]:
    """Legend keys for the kinds of marker drawn; a mission HQ names its mission."""
    handles = []
    for kind in KIND_RANK:
        of_kind = [p for p in places if p.kind == kind]
        if kind == "site" or not of_kind:
            continue
        style = MARKERS[kind]
        keys = dict.fromkeys((_marker_colour(p), p.mission_id) for p in of_kind)
        for colour, mission_id in keys:
            label = MARKER_LEGEND[kind]
            if kind == "mission_hq" and mission_id:
                row = ds.by_key("missions").loc[mission_id]
                label = f"{label} (latest: {_mission_label(row)})"
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=style["marker"],
                    markerfacecolor=colour,
                    markeredgecolor="#222222",
                    markersize=style["markersize"],
                    label=label,
                )
            )
    return handles


def unmapped_lines(heading: str, places: Sequence[MapPlace], width: int = 62) -> list[str]:
    """A heading and one bullet per place the dataset names but cannot place."""
    lines = [heading]
    for place in places:
        what = "; ".join(place.roles)
        lines.append(textwrap.fill(f"• {place.name}: {what}", width, subsequent_indent="   "))
    return lines


def _unmapped_caption(ax: Axes, lines: list[str]) -> Text | None:
    """The list of unmapped places under a panel, hung from its axis label."""
    if len(lines) < 2:
        return None
    return ax.annotate(
        "\n".join(lines),
        xy=(0, 0),
        # x in axes fraction (flush with the panel), y at the bottom of the axis label.
        xycoords=("axes fraction", ax.xaxis.label),
        xytext=(0, -6),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=CAPTION_SIZE,
        color="#333333",
        linespacing=CAPTION_SPACING,
    )


def _country_name(ds: Dataset, org_id: str) -> str:
    return str(ds.by_key("organisations").loc[org_id, "name"])


#: The Natural Earth name of each country the maps may outline, by organisation id.
#: Outlines are found by these, not by the organisation's name in the data, so
#: that renaming an organisation (or text appended to its name) never loses its
#: outline. A country missing here is looked up by its name in the data.
OUTLINE_NAMES = {
    "org-belgium": "Belgium",
    "org-denmark": "Denmark",
    "org-finland": "Finland",
    "org-france": "France",
    "org-germany": "Germany",
    "org-iraq": "Iraq",
    "org-italy": "Italy",
    "org-jordan": "Jordan",
    "org-latvia": "Latvia",
    "org-netherlands": "Netherlands",
    "org-poland": "Poland",
    "org-spain": "Spain",
    "org-sweden": "Sweden",
    "org-turkey": "Turkey",
    "org-ukraine": "Ukraine",
}


def _outline_name(ds: Dataset, org_id: str) -> str:
    """The name the outline files give the country ``org_id`` (see :data:`OUTLINE_NAMES`)."""
    return OUTLINE_NAMES.get(org_id) or _country_name(ds, org_id)


def _legend(ax: Axes, handles: list, loc: str = "upper left"):
    """A framed legend that stays above the outlines and labels."""
    legend = ax.legend(
        handles=handles,
        loc=loc,
        fontsize=8,
        frameon=True,
        facecolor="white",
        edgecolor="#aaaaaa",
        framealpha=0.95,
        borderpad=0.6,
    )
    legend.set_zorder(8)
    return legend


def _label_hosts(
    ax: Axes,
    ds: Dataset,
    outlines: Sequence[Outline],
    view: View,
    hosts: pd.DataFrame,
    host_sites: dict[str, MapPlace],
) -> list[Bbox]:
    """Name each host country, and its training centre, on the country itself.

    The centre has no coordinates, so it is written at the centroid of the
    country (which is what the map can honestly say: somewhere in Jordan).
    Returns the boxes of the texts, as obstacles for later labels.
    """
    renderer = ax.figure.canvas.get_renderer()
    boxes = []
    for org_id in dict.fromkeys(hosts["org_id"]):
        name = _outline_name(ds, org_id)
        point = country_label_point(outlines, name, view)
        if point is None:
            continue
        centres = [s for s in host_sites.values() if _country_of(ds, s.place_id) == org_id]
        head = ax.text(
            *point,
            name.upper(),
            ha="center",
            va="bottom",
            fontsize=8.5,
            fontweight="bold",
            color="#222222",
            zorder=6,
            path_effects=HALO,
        )
        boxes.append(head.get_window_extent(renderer).padded(2))
        if centres:
            lines = [wrap_even(c.name, 26) for c in centres]
            body = ax.annotate(
                "\n".join([*lines, "(site not mapped)"]),
                point,
                xytext=(0, -2),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=7,
                fontstyle="italic",
                color="#333333",
                linespacing=1.1,
                zorder=6,
                path_effects=HALO,
            )
            boxes.append(body.get_window_extent(renderer).padded(2))
    return boxes


def _label_focus(
    ax: Axes, outlines: Sequence[Outline], view: View, focus: str, obstacles: list[Bbox]
) -> list[Bbox]:
    """Write the focus country's name in bold, nudged clear of the site labels."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    point = country_label_point(outlines, focus, view)
    if point is None:
        return []
    text = ax.text(
        *point,
        focus.upper(),
        ha="center",
        va="center",
        fontsize=12,
        fontweight="bold",
        color="#1f3b57",
        zorder=4,
        path_effects=HALO,
    )
    nudges = [(0.0, 0.0), (-1.0, -1.0), (-1.0, -1.5), (0.0, -1.5), (-2.0, 0.0), (0.0, 1.5)]
    for dlon, dlat in nudges:
        text.set_position((point[0] + dlon, point[1] + dlat))
        box = text.get_window_extent(renderer).padded(2)
        if _overlap_area(box, obstacles) == 0 and _outside_area(box, frame) == 0:
            return [box]
    return [text.get_window_extent(renderer).padded(2)]


def _connect_extent(fig: Figure, ax_wide: Axes, ax_detail: Axes, detail: View) -> None:
    """Lines from the extent box on the wide map to the corners of the detail map."""
    for lat, corner in ((detail.lat_max, (0, 1)), (detail.lat_min, (0, 0))):
        fig.add_artist(
            ConnectionPatch(
                xyA=(detail.lon_max, lat),
                coordsA=ax_wide.transData,
                xyB=corner,
                coordsB=ax_detail.transAxes,
                color="#888888",
                linewidth=0.7,
                linestyle=(0, (4, 2)),
                zorder=0,
            )
        )


def _detail_view(region: Sequence[Outline], countries: Iterable[str]) -> View:
    """Extent of the detail map: the focus and host countries, one degree around.

    Two more degrees to the north hold the legend over Turkey, clear of Iraq.
    """
    names = set(countries)
    view = View.around(outlines_bbox(o for o in region if o.country in names), pad=1.0)
    return View(view.lon_min, view.lat_min, view.lon_max, view.lat_max + 2)


def _wide_view(cities: Sequence[MapPlace], detail: View) -> View:
    """Extent of the wide map: every mapped city and the detail box, padded.

    Twelve extra degrees to the west keep the Atlantic coast of Europe in view
    and leave open sea and desert for the legend.
    """
    lons = [c.lon for c in cities if c.lon is not None] + [detail.lon_min, detail.lon_max]
    lats = [c.lat for c in cities if c.lat is not None] + [detail.lat_min, detail.lat_max]
    view = View.around((min(lons), min(lats), max(lons), max(lats)), pad=3.0)
    return View(view.lon_min - 12, view.lat_min, view.lon_max, view.lat_max)


def _draw_wide_panel(
    ax: Axes,
    ds: Dataset,
    outlines: Sequence[Outline],
    view: View,
    detail: View,
    cities: Sequence[MapPlace],
    focus: str,
) -> None:
    """Outlines, the detail box, city markers and legend of the left panel."""
    setup_map_axes(ax, view, step=10)
    draw_outlines(ax, outlines, view, {focus: {**FOCUS_STYLE, "linewidth": 0.8}})
    ax.add_patch(
        Rectangle(
            (detail.lon_min, detail.lat_min),
            detail.lon_max - detail.lon_min,
            detail.lat_max - detail.lat_min,
            fill=False,
            edgecolor="#222222",
            linewidth=1.0,
            linestyle=(0, (4, 2)),
            zorder=4,
        )
    )
    _draw_markers(ax, cities)
    ax.set_title("Summits, headquarters and commands", fontsize=11)
    extent = Line2D(
        [], [], color="#222222", linewidth=1.0, linestyle=(0, (4, 2)), label="Area of right map"
    )
    _legend(ax, [*_marker_handles(ds, cities), extent], loc="lower left")


def _draw_detail_panel(
    ax: Axes,
    ds: Dataset,
    outlines: Sequence[Outline],
    view: View,
    sites: Sequence[MapPlace],
    focus: str,
    hosts: pd.DataFrame,
) -> None:
    """Outlines (focus and hosts emphasised), site markers and legend of the right panel."""
    host_names = [_outline_name(ds, org) for org in dict.fromkeys(hosts["org_id"])]
    setup_map_axes(ax, view, step=2)
    # Latitude on the right: the gap between the panels stays free for the
    # lines joining the extent box to this panel.
    ax.yaxis.tick_right()
    ax.yaxis.set_label_position("right")
    draw_outlines(ax, outlines, view, {focus: FOCUS_STYLE} | dict.fromkeys(host_names, HOST_STYLE))
    _draw_markers(ax, sites)
    ax.set_title(f"{focus} and its neighbours: training and advisory sites", fontsize=11)
    host_handles = [
        Patch(
            **HOST_STYLE,
            label=f"{_country_name(ds, row['org_id'])}: hosted training for Iraqis, "
            f"{period_text(row['from_date'], row['to_date'])}",
        )
        for _, row in hosts.drop_duplicates("org_id").iterrows()
    ]
    handles = [Patch(**FOCUS_STYLE, label=focus), *host_handles]
    _legend(ax, [*handles, *_marker_handles(ds, sites)], loc="upper left")


def nice_scale_km(view: View, share: float = 0.15) -> int:
    """A round length (km) close to ``share`` of the panel's width at its mean latitude."""
    km_per_degree = KM_PER_DEGREE * math.cos(math.radians(view.mean_lat))
    target = share * (view.lon_max - view.lon_min) * km_per_degree
    return max(n for n in (50, 100, 200, 250, 500, 1000, 2000) if n <= target or n == 50)


def _scale_bar(ax: Axes, view: View) -> Text:
    """A two-part scale bar in the lower left, true at the panel's mean latitude.

    In an equirectangular map the east-west scale changes with latitude, so the
    label states the latitude the bar is true at. The label sits to the right
    of the bar, keeping both low in the corner, clear of the countries.
    """
    km = nice_scale_km(view)
    length = km / (KM_PER_DEGREE * math.cos(math.radians(view.mean_lat)))
    x0 = view.lon_min + 0.03 * (view.lon_max - view.lon_min)
    y = view.lat_min + 0.03 * (view.lat_max - view.lat_min)
    height = 0.012 * (view.lat_max - view.lat_min)
    for i, colour in enumerate(("#222222", "white")):
        ax.add_patch(
            Rectangle(
                (x0 + i * length / 2, y),
                length / 2,
                height,
                facecolor=colour,
                edgecolor="#222222",
                linewidth=0.8,
                zorder=6,
            )
        )
    return ax.annotate(
        f"{km} km (true at {view.mean_lat:.1f}°N)",
        (x0 + length, y + height / 2),
        xytext=(5, 0),
        textcoords="offset points",
        ha="left",
        va="center",
        fontsize=7.5,
        color="#222222",
        zorder=6,
        path_effects=HALO,
    )


def _obstacles(ax: Axes, places: Sequence[MapPlace]) -> list[Bbox]:
    """What labels in ``ax`` must keep clear of: markers and the legend."""
    renderer = ax.figure.canvas.get_renderer()
    boxes = marker_boxes(ax, places)
    legend = ax.get_legend()
    if legend is not None:
        boxes.append(legend.get_window_extent(renderer))
    return boxes


def _rectangle_edges(ax: Axes, view: View, width_px: float = 3.0) -> list[Bbox]:
    """Thin boxes along the edges of ``view`` drawn in ``ax``, so names avoid its lines."""
    (x0, y0), (x1, y1) = ax.transData.transform(
        [(view.lon_min, view.lat_min), (view.lon_max, view.lat_max)]
    )
    w = width_px
    return [
        Bbox([[x0 - w, y0 - w], [x1 + w, y0 + w]]),
        Bbox([[x0 - w, y1 - w], [x1 + w, y1 + w]]),
        Bbox([[x0 - w, y0 - w], [x0 + w, y1 + w]]),
        Bbox([[x1 - w, y0 - w], [x1 + w, y1 + w]]),
    ]


def _summit_years(place: MapPlace) -> list[str]:
    """The years of the summits held at ``place``, from its labels ('2004 Summit (NTM-I)')."""
    return [role.split()[0] for role in place.roles if " Summit" in role]


def _alt_text(
    ds: Dataset,
    focus: str,
    cities: Sequence[MapPlace],
    mapped_sites: Sequence[MapPlace],
    unmapped: Sequence[MapPlace],
    hosts: pd.DataFrame,
    host_sites: dict[str, MapPlace],
) -> str:
    """Alt text of the map: the places marked on each panel with what happened
    there, the host countries highlighted, and the places listed but not mapped."""
    venues = sorted((p for p in cities if p.summit_venue), key=_summit_years)
    summits = [f"{p.name} ({listing(_summit_years(p))})" for p in venues]
    commands = [
        f"{role.split(' (')[0]} in {p.name}"
        for p in cities
        if p.kind == "command"
        for role in p.roles
        if " Summit" not in role
    ]
    bases = [
        f"{p.name} ("
        + ", ".join(r.replace(" HQ,", "").replace(EN_DASH, " to ") for r in p.roles)
        + ")"
        for p in cities
        if p.kind == "mission_hq"
    ]
    left = [
        f"summit venues {listing(summits, 150)}" if summits else "",
        f"NATO headquarters and commands: {listing(commands, 120)}" if commands else "",
        f"mission headquarters in {listing(bases, 150)}" if bases else "",
    ]
    hosted = [
        f"{_country_name(ds, row['org_id'])} hatched, host of training for Iraqis"
        f" {period_text(row['from_date'], row['to_date']).replace(EN_DASH, ' to ')}"
        for _, row in hosts.drop_duplicates("org_id").iterrows()
    ]
    centres = [s.name for s in host_sites.values()]
    names = [p.name for p in unmapped]
    site_names = [s.name for s in mapped_sites]
    right = [
        f"{focus} emphasised",
        *hosted,
        f"{listing(centres, 120)} named on its country, not mapped" if centres else "",
        f"{plural(len(site_names), 'site')} marked: {listing(site_names, 100)}"
        if site_names
        else "no site marked",
    ]
    return compose(
        [
            f"Two maps. Left, Europe and the Middle East, {plural(len(cities), 'place')} marked:"
            f" {listing([w for w in left if w], 400, '; ')}",
            f"Right, {focus} and its neighbours: {listing([w for w in right if w], 300, '; ')}",
            (
                f"Listed under the maps, without coordinates: {listing(names, 200)}",
                f"{plural(len(names), 'place')} without coordinates listed under the maps",
            )
            if names
            else "",
        ]
    )


@house_style
def places_map(
    ds: Dataset,
    title: str = "Where NATO's work for Iraq was decided, commanded and delivered",
    note: str | None = None,
) -> Figure:
    """Two map panels: Europe and the Middle East, and Iraq with its neighbours.

    Left: summit venues, NATO headquarters and commands and the mission HQ in
    Baghdad, each labelled with its role; a box marks the right panel's extent.
    Right: Iraq emphasised, host countries of out-of-country training lightly
    highlighted, mapped sites labelled. Under each panel, the places the
    dataset names but has no coordinates for. ``note`` is added to the caption.
    """
    wide = load_outlines("wide-110m")
    region = load_outlines("region-50m")
    focus = _outline_name(ds, FOCUS_COUNTRY)
    hosts = host_countries(ds)
    host_orgs = list(dict.fromkeys(hosts["org_id"]))
    host_names = [_outline_name(ds, org) for org in host_orgs]

    sites = training_sites(ds)
    mapped_sites = [s for s in sites if s.has_coordinates]
    # A host country's training centre is named on the country, not in the list.
    host_sites = {s.place_id: s for s in sites if _country_of(ds, s.place_id) in host_orgs}
    unmapped_sites = [s for s in sites if not s.has_coordinates and s.place_id not in host_sites]
    cities, unmapped_cities = decision_places(ds)
    detail = _detail_view(region, [focus, *host_names])
    wide_view = _wide_view(cities, detail)

    record_ids = [rid for p in [*sites, *cities, *unmapped_cities] for rid in p.record_ids]
    record_ids += [*hosts["mission_partner_id"], FOCUS_COUNTRY, *host_orgs]
    sources = source_names(ds, record_ids)
    caption = (
        "Equirectangular projection. Only coordinates stored in the dataset are drawn; "
        "places named in the sources without coordinates are listed under the maps."
    )
    caption += f" {note}" if note else ""
    # The lists of unmapped places under the panels.
    lists = (
        unmapped_lines("Not mapped (no coordinates or no place in the dataset):", unmapped_cities),
        unmapped_lines(f"Named sites in {focus} without coordinates (not mapped):", unmapped_sites),
    )
    lines = max(sum(line.count("\n") + 1 for line in block) for block in lists)
    list_in = lines * CAPTION_SIZE * CAPTION_SPACING / 72 + 0.15

    # Heights in inches, top down: title, panels, axis labels and lists, footer.
    # The panels keep their height and the figure grows with the lists and the
    # source line, so more places never shrink the maps under their labels.
    footer_in = FOOTER_LINE_IN * len(footer_lines(sources, caption, 150, [OUTLINE_CREDIT]))
    fig_h = TOP_IN + PANEL_IN + list_in + footer_in + 0.15 + 0.55
    fig = new_figure(FIGSIZE[0], max(FIGSIZE[1], fig_h))
    fig_h = fig.get_figheight()
    grid = fig.add_gridspec(
        1, 2, width_ratios=[wide_view.display_ratio, detail.display_ratio], wspace=0.05
    )
    ax_wide = fig.add_subplot(grid[0])
    ax_detail = fig.add_subplot(grid[1])
    _draw_wide_panel(ax_wide, ds, wide, wide_view, detail, cities, focus)
    _draw_detail_panel(ax_detail, ds, region, detail, mapped_sites, focus, hosts)

    fig.suptitle(title, x=0.012, y=1 - 0.105 / fig_h, ha="left", fontsize=13.5, fontweight="bold")
    # The outlines are credited after the sources, however many the line counts.
    alt = _alt_text(
        ds,
        focus,
        cities,
        mapped_sites,
        [*unmapped_cities, *unmapped_sites],
        hosts,
        host_sites,
    )
    finish(fig, sources, caption, width=150, credits=[OUTLINE_CREDIT], alt=alt)
    # finish() already left room for the tick and axis labels; add the lists.
    fig.subplots_adjust(
        left=0.055,
        right=0.945,
        top=1 - TOP_IN / fig_h,
        bottom=fig.subplotpars.bottom + list_in / fig_h,
    )
    for ax in (ax_wide, ax_detail):
        ax.set_anchor("N")  # hug the titles; any slack goes under the lists
    _unmapped_caption(ax_wide, lists[0])
    _unmapped_caption(ax_detail, lists[1])

    # Labels last: their positions are measured on the final layout.
    lay_out(fig)
    _connect_extent(fig, ax_wide, ax_detail, detail)
    obstacles = _obstacles(ax_wide, cities)
    place_point_labels(ax_wide, cities, obstacles)
    obstacles += _rectangle_edges(ax_wide, detail)  # country names only: places come first
    label_countries(ax_wide, wide, wide_view, obstacles, skip=[focus], min_share=0.02)

    obstacles = _obstacles(ax_detail, mapped_sites)
    scale = _scale_bar(ax_detail, detail)
    lay_out(fig)
    obstacles.append(scale.get_window_extent(fig.canvas.get_renderer()).padded(4))
    obstacles += _label_hosts(ax_detail, ds, region, detail, hosts, host_sites)
    place_point_labels(ax_detail, mapped_sites, obstacles)
    obstacles += _label_focus(ax_detail, region, detail, focus, obstacles)
    label_countries(ax_detail, region, detail, obstacles, skip=[focus, *host_names])
    return fig
