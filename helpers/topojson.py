"""Turn Natural Earth TopoJSON (the npm package ``world-atlas``) into small GeoJSON.

Used once, by hand, to derive the outlines bundled in ``helpers/geo/``; nothing
is downloaded when notebooks run. To refresh the outlines::

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    uv run python -m helpers.topojson package/countries-50m.json package/countries-110m.json

TopoJSON stores shared borders once, as quantised, delta-encoded "arcs"; a
polygon ring lists arc indices, where a negative index ``~i`` means arc ``i``
reversed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

GEO_DIR = Path(__file__).with_name("geo")

#: Iraq and the countries around it, drawn in detail (Natural Earth 1:50m).
REGION_IDS = {
    "368",  # Iraq
    "400",  # Jordan
    "760",  # Syria
    "792",  # Turkey
    "364",  # Iran
    "414",  # Kuwait
    "682",  # Saudi Arabia
    "422",  # Lebanon
    "376",  # Israel
    "275",  # Palestine
    "818",  # Egypt
    "196",  # Cyprus
    "051",  # Armenia
    "031",  # Azerbaijan
    "268",  # Georgia
    "634",  # Qatar
    "048",  # Bahrain
}
#: Europe and the Middle East, for the panel of summit and command cities (1:110m).
WIDE_BBOX = (-12.0, 25.0, 62.0, 66.0)  # west, south, east, north


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Absolute longitude/latitude points of every arc."""
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * scale_x + shift_x, 3), round(y * scale_y + shift_y, 3)))
        arcs.append(points)
    return arcs


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return [list(p) for p in points]


def country_features(topology: dict[str, Any], keep) -> list[dict[str, Any]]:
    """GeoJSON features of the countries for which ``keep(geometry, rings)`` is true."""
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("type") == "Polygon":
            polygons = [[_ring(r, arcs) for r in geometry["arcs"]]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = [[_ring(r, arcs) for r in poly] for poly in geometry["arcs"]]
        else:
            continue
        if not keep(geometry, polygons):
            continue
        features.append(
            {
                "type": "Feature",
                "id": geometry.get("id"),
                "properties": {"name": geometry["properties"]["name"]},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    return sorted(features, key=lambda f: f["properties"]["name"])


def _in_wide_bbox(_geometry: dict[str, Any], polygons: list) -> bool:
    west, south, east, north = WIDE_BBOX
    points = [p for poly in polygons for ring in poly for p in ring]
    return any(west <= x <= east and south <= y <= north for x, y in points)


def write_outlines(detailed: Path, coarse: Path, out_dir: Path = GEO_DIR) -> None:
    """Derive ``region-50m.geojson`` and ``wide-110m.geojson`` into ``out_dir``."""
    region = country_features(
        json.loads(detailed.read_text()), lambda g, _p: g.get("id") in REGION_IDS
    )
    wide = country_features(json.loads(coarse.read_text()), _in_wide_bbox)
    for name, features in (("region-50m", region), ("wide-110m", wide)):
        collection = {"type": "FeatureCollection", "features": features}
        text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
        (out_dir / f"{name}.geojson").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_outlines(Path(sys.argv[1]), Path(sys.argv[2]))
