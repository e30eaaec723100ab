"""Command diagram: whom NATO's Iraq missions answered to, mission by mission.

:func:`command_structure` draws one column per mission (by default NTM-I,
2004-2011, and NMI, since 2018) from ``command_links.csv``: boxes for the
mission, its sub-units with links of their own and the bodies it is linked to,
and arrows whose style says what the link is (political control, reports to,
operational authority, coordination, dual-hatted command).

The layout is computed, not drawn by hand: :func:`layer_depths` puts every
body one row above the highest body below it in the chain (so every
"answers to" arrow points up), and :func:`layered_layout` spreads each row
from the mission outwards in a fixed order. Links the dataset does not record
are not drawn; a body at the top of a column that is not the North Atlantic
Council says so.
"""

from __future__ import annotations

import itertools
import textwrap
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerBase
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch
from matplotlib.patheffects import Stroke
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from helpers import dates
from helpers.charts._alt import MAX_CHARS, compose, listing, plural
from helpers.charts.figures import text_width_pt
from helpers.citations import source_names
from helpers.data import Dataset
from helpers.style import TEXT_GREY, finish, house_style, lay_out, mission_colour, new_figure
from helpers.wording import EN_DASH

#: Relations that run from a subordinate up to a superior (drawn upwards).
HIERARCHY = ("political_control", "reports_to", "operational_authority")
#: Relations between peers (drawn across, in the same row).
LATERAL = ("dual_hatted_with", "coordinated_with")
#: A mission's sub-unit (``missions.parent_mission_id``), drawn one row down.
PART_OF = "part_of"

#: NATO's highest political body: a column whose chain tops out elsewhere is
#: marked as incomplete in the data.
TOP_AUTHORITY = "org-nac"

#: Organisation kinds drawn as NATO boxes; every other kind is drawn as a
#: non-NATO partner (grey, dashed outline).
NATO_KINDS = ("nato_body", "nato_command", "alliance")

#: How each relation is drawn. Line style, weight and head differ, so the
#: relations stay apart in grayscale and in print.
RELATION_STYLES: dict[str, dict[str, object]] = {
    "political_control": {
        "arrowstyle": "-|>",
        "linewidth": 2.4,
        "linestyle": "solid",
        "color": "#000000",
    },
    "reports_to": {
        "arrowstyle": "-|>",
        "linewidth": 1.2,
        "linestyle": "solid",
        "color": "#444444",
    },
    "operational_authority": {
        "arrowstyle": "-|>",
        "linewidth": 1.6,
        "linestyle": (0, (5, 2.5)),
        "color": "#222222",
    },
    "coordinated_with": {
        "arrowstyle": "<|-|>",
        "linewidth": 1.3,
        "linestyle": (0, (1, 2)),
        "color": "#444444",
    },
    "dual_hatted_with": {
        "arrowstyle": "-",
        "linewidth": 1.0,
        "linestyle": "solid",
        "color": "#222222",
        # A double rule: a dark stroke with a white one inside it.
        "path_effects": [
            Stroke(linewidth=5.0, foreground="#222222"),
            Stroke(linewidth=2.0, foreground="white"),
        ],
    },
    PART_OF: {
        "arrowstyle": "-",
        "linewidth": 1.0,
        "linestyle": "solid",
        "color": "#888888",
    },
}

#: Legend wording; arrows point to the higher authority.
RELATION_LABELS: dict[str, str] = {
    "political_control": "Under political control of",
    "reports_to": "Reports to",
    "operational_authority": "Under operational authority of",
    "coordinated_with": "Coordinates with",
    "dual_hatted_with": "Commander dual-hatted with",
    PART_OF: "Sub-unit of (missions table)",
}

#: Layout units: one slot per box across, one row per step in the chain.
SLOT = 1.0
ROW = 1.0
COLUMN_GAP = 0.5
#: Offset between parallel links joining the same two boxes.
PARALLEL_OFFSET = 0.075
BODY_WRAP = 24
#: Size of the figure (inches) and rows of the legend under the diagram.
FIGSIZE = (11.0, 7.4)
LEGEND_ROWS = 3
#: Titles without a short name are wrapped tighter (bold text is wider).
TITLE_WRAP = 20
#: Least gap between two boxes side by side, inches: room for a two-headed
#: arrow or a double rule between them. Where the boxes would leave less (many
#: bodies in a row), names are wrapped narrower, in these steps (body, title).
MIN_GAP_IN = 0.45
NARROWER_WRAPS = ((20, 17), (17, 15))


# --------------------------------------------------------------------------
# Graph
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """One link of a chain, from ``source`` (the subordinate, or a peer) to ``target``."""

    link_id: str
    source: str
    target: str
    relation: str
    from_date: str | None = None
    note: str | None = None
    #: Where the link ended (a dual-hatted command that stopped before the mission did).
    to_date: str | None = None


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def chain_links(ds: Dataset, mission_id: str) -> list[Link]:
    """Links of ``mission_id``'s chain, sorted by kind then id.

    These are the mission's rows in ``command_links.csv`` (a row with a
    subordinate organisation links two bodies above the mission), plus, for
    each sub-unit that has rows of its own, a :data:`PART_OF` link and its rows.
    """
    links = ds.command_links
    subunits = ds.missions[ds.missions["parent_mission_id"] == mission_id]["mission_id"]
    subunits = sorted(m for m in subunits if m in set(links["mission_id"]))
    chain: list[Link] = [Link(f"{m}>{PART_OF}", m, mission_id, PART_OF) for m in subunits]
    for _, row in links[links["mission_id"].isin([mission_id, *subunits])].iterrows():
        if row["relation"] not in (*HIERARCHY, *LATERAL):
            raise ValueError(f"{row['command_link_id']}: unknown relation {row['relation']!r}")
        chain.append(
            Link(
                row["command_link_id"],
                _text(row["subordinate_org_id"]) or row["mission_id"],
                row["superior_org_id"],
                row["relation"],
                _text(row["from_date"]),
                _text(row["note"]),
                _text(row["to_date"]),
            )
        )
    order = {r: i for i, r in enumerate((*HIERARCHY, *LATERAL, PART_OF))}
    return sorted(chain, key=lambda link: (order.get(link.relation, len(order)), link.link_id))


def layer_depths(root: str, links: Sequence[Link]) -> dict[str, int]:
    """Row of every node: the mission at 0, each superior one above its subordinates.

    The depth is the distance from the mission along the longest chain, so a
    body reached by two routes (the NAC, directly and via SACEUR) sits above
    every body that answers to it and all "answers to" arrows point up. A
    sub-unit sits one row below its parent; a peer in its partner's row.
    Raises ``ValueError`` on a cycle of superiors, which has no layering.
    """
    depth = {root: 0}
    nodes = {root} | {n for link in links for n in (link.source, link.target)}
    for _ in range(len(nodes) + 1):
        changed = False
        for link in links:
            s, t = link.source, link.target
            if link.relation in HIERARCHY and s in depth:
                if depth.get(t, -(10**9)) < depth[s] + 1:
                    depth[t] = depth[s] + 1
                    changed = True
            elif link.relation == PART_OF and t in depth and s not in depth:
                depth[s] = depth[t] - 1
                changed = True
            elif link.relation in LATERAL and s in depth and t not in depth:
                depth[t] = depth[s]
                changed = True
            elif link.relation in LATERAL and t in depth and s not in depth:
                depth[s] = depth[t]
                changed = True
        if not changed:
            return depth
    raise ValueError(f"the chain of {root} has a cycle of superiors")


def _visit_order(root: str, links: Sequence[Link]) -> list[tuple[str, Link | None]]:
    """Breadth-first order from the mission, with the link each node was reached by."""
    order: list[tuple[str, Link | None]] = [(root, None)]
    seen = {root}
    i = 0
    while i < len(order):
        node = order[i][0]
        for link in links:  # already sorted: hierarchy, then peers, then sub-units
            for here, there in ((link.source, link.target), (link.target, link.source)):
                if here == node and there not in seen:
                    seen.add(there)
                    order.append((there, link))
        i += 1
    return order


def layered_layout(root: str, links: Sequence[Link]) -> dict[str, tuple[float, int]]:
    """``(x, depth)`` of every node reachable from ``root``.

    Nodes are placed in breadth-first order from the mission (at x = 0). A
    peer goes beside its partner, left first; any other node goes at the mean
    x of its placed neighbours. When that slot is taken the nearest free slot
    is used, trying right before left, so the result is fixed by the data.
    """
    depth = layer_depths(root, links)
    x: dict[str, float] = {}
    for node, via in _visit_order(root, links):
        if via is None:
            x[node] = 0.0
            continue
        if via.relation in LATERAL:
            anchor = via.target if via.source == node else via.source
            wanted = x[anchor]
            candidates = [wanted - SLOT, wanted + SLOT]
        else:
            placed = [
                x[other]
                for link in links
                for here, other in ((link.source, link.target), (link.target, link.source))
                if here == node and other in x
            ]
            wanted = sum(placed) / len(placed)
            candidates = [wanted]
        for step in range(1, len(depth) + 2):
            candidates += [wanted + step * SLOT, wanted - step * SLOT]
        row = [x[n] for n in x if depth[n] == depth[node]]
        x[node] = next(c for c in candidates if all(abs(c - o) >= SLOT - 1e-9 for o in row))
    return {node: (x[node], depth[node]) for node in x}


# --------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------


def date_label(text: str | None) -> str:
    """A partial ISO date for readers: ``2004``, ``Oct 2018`` or ``8 Oct 2004``."""
    return dates.date_label(text) if text else ""


def period_label(start: str | None, end: str | None) -> str:
    """``2004 - 31 Dec 2011`` (with an en dash) or ``from Oct 2018``, at the sources' precision.

    "from", not "since": an empty end date means ongoing for some missions and
    not stated for others (the end notes say which), and "from" is true of both.
    """
    if start and end:
        return f"{date_label(start)} {EN_DASH} {date_label(end)}"
    if start:
        return f"from {date_label(start)}"
    return f"until {date_label(end)}" if end else "undated"


@dataclass(frozen=True)
class NodeInfo:
    """What a box shows, and how it looks."""

    node_id: str
    title: str
    body: str
    kind: str  # "mission", "nato" or "other"
    colour: str


def node_info(
    ds: Dataset,
    node_id: str,
    with_period: bool = True,
    *,
    body_wrap: int = BODY_WRAP,
    title_wrap: int = TITLE_WRAP,
) -> NodeInfo:
    """Title (short name), body (full name, period) and look of a mission or body.

    ``with_period=False`` leaves a mission's dates out (its column heading has them).
    Names are wrapped at ``body_wrap`` characters, or ``title_wrap`` for a full
    name set as the (bold) title.
    """
    if node_id.startswith("mis-"):
        row = ds.by_key("missions").loc[node_id]
        short = _text(row["short_name"])
        name = str(row["name"])
        period = period_label(_text(row["start_date"]), _text(row["end_date"]))
        period = period if with_period else ""
        if short:
            body = "\n".join(filter(None, [wrap_even(name, body_wrap), period]))
            # A short name is short; wrapping it only guards against one that is not.
            title = wrap_even(short, title_wrap)
            return NodeInfo(node_id, title, body, "mission", mission_colour(node_id))
        # No short name in the data: the full name becomes the (wrapped) title.
        return NodeInfo(
            node_id, wrap_even(name, title_wrap), period, "mission", mission_colour(node_id)
        )
    row = ds.by_key("organisations").loc[node_id]
    short = _text(row["short_name"])
    name = str(row["name"])
    kind = "nato" if row["kind"] in NATO_KINDS else "other"
    if short:
        title = wrap_even(short, title_wrap)
        return NodeInfo(node_id, title, wrap_even(name, body_wrap), kind, "#222222")
    return NodeInfo(node_id, wrap_even(name, title_wrap), "", kind, "#222222")


def wrap_even(text: str, width: int) -> str:
    """Wrap at spaces into as few lines as ``width`` allows, of even length.

    Even lines ("United States / Forces - Iraq" rather than "United States
    Forces - / Iraq") keep boxes narrow and read better; hyphens and words
    never break, but for a word longer than ``width`` (no name has one; a
    run of text with no space would otherwise make a box too wide to draw).
    """
    too_long = any(len(word) > width for word in text.split())
    options = {"break_on_hyphens": False, "break_long_words": too_long}
    lines = len(textwrap.wrap(text, width, **options)) or 1
    for narrower in range(-(-len(text) // lines), width):
        if len(textwrap.wrap(text, narrower, **options)) <= lines:
            return textwrap.fill(text, narrower, **options)
    return textwrap.fill(text, width, **options)


def _tint(colour: str, amount: float = 0.82) -> tuple[float, float, float]:
    """``colour`` mixed with white: a light fill that keeps text readable."""
    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def box_style(info: NodeInfo) -> dict[str, object]:
    """Fill and outline of a box: missions in their colour, partners grey and dashed."""
    if info.kind == "mission":
        return {"facecolor": _tint(info.colour), "edgecolor": info.colour, "linewidth": 2.2}
    if info.kind == "nato":
        return {"facecolor": "white", "edgecolor": "#333333", "linewidth": 1.2}
    return {
        "facecolor": "#eeeeee",
        "edgecolor": "#666666",
        "linewidth": 1.1,
        "linestyle": (0, (4, 2)),
    }


# --------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------


@dataclass
class Column:
    """One mission's chain, laid out and shifted into its place across the figure."""

    mission_id: str
    links: list[Link]
    positions: dict[str, tuple[float, int]]


class RelationHandle:
    """Legend entry for a relation; drawn by :class:`RelationLegendHandler`."""

    def __init__(self, relation: str) -> None:
        self.relation = relation


class RelationLegendHandler(HandlerBase):
    """Draws a short arrow in the relation's style as the legend key."""

    def create_artists(
        self, legend, orig_handle, xdescent, ydescent, width, height, fontsize, trans
    ):
        y = height / 2 - ydescent
        style = dict(RELATION_STYLES[orig_handle.relation])
        arrow = FancyArrowPatch(
            (-xdescent, y), (-xdescent + width, y), mutation_scale=11, transform=trans, **style
        )
        return [arrow]


def _layout_columns(ds: Dataset, missions: Sequence[str]) -> list[Column]:
    """Lay out each mission's chain and place the columns side by side."""
    columns = []
    right_edge = None
    for mission_id in missions:
        links = chain_links(ds, mission_id)
        positions = layered_layout(mission_id, links)
        xs = [x for x, _ in positions.values()]
        shift = 0.0 if right_edge is None else right_edge + SLOT + COLUMN_GAP - min(xs)
        positions = {n: (x + shift, d) for n, (x, d) in positions.items()}
        right_edge = max(xs) + shift
        columns.append(Column(mission_id, links, positions))
    return columns


def _title_props(title: str) -> dict[str, object]:
    """How a box's title is set: a wrapped full name a little smaller than a short name."""
    return {"fontsize": 9.5 if "\n" in title else 10.5, "fontweight": "bold", "linespacing": 1.1}


#: How a box's body (full name, period) is set.
BODY_PROPS: dict[str, object] = {"fontsize": 8, "linespacing": 1.15}


def _draw_box_texts(ax: Axes, info: NodeInfo, x: float, y: float) -> tuple[Text, Text | None]:
    """Title and body texts of a box at ``(x, y)``; :func:`_fit_boxes` stacks them."""
    title = ax.text(
        x, y, info.title, ha="center", va="top", color="#111111", zorder=4,
        **_title_props(info.title),
    )  # fmt: skip
    body = None
    if info.body:
        body = ax.text(
            x, y, info.body, ha="center", va="top", color="#333333", zorder=4, **BODY_PROPS
        )
    return title, body


def _box_infos(ds: Dataset, ax: Axes, nodes: Iterable[str], roots: set[str]) -> dict[str, NodeInfo]:
    """What each box says, its names wrapped so that neighbouring boxes keep a gap.

    Boxes are as wide as the widest text (:func:`_fit_boxes`) and a slot's
    width is the axes' width over the slots drawn, so a chain with many bodies
    side by side narrows the gaps. The names are wrapped at the usual widths,
    or narrower (:data:`NARROWER_WRAPS`) until :data:`MIN_GAP_IN` is left.
    """
    fig = ax.figure
    x0, x1 = ax.get_xlim()
    slot_in = SLOT * ax.get_position().width * fig.get_figwidth() / (x1 - x0)
    infos: dict[str, NodeInfo] = {}
    for body_wrap, title_wrap in ((BODY_WRAP, TITLE_WRAP), *NARROWER_WRAPS):
        infos = {
            n: node_info(
                ds, n, with_period=n not in roots, body_wrap=body_wrap, title_wrap=title_wrap
            )
            for n in nodes
        }
        widest = max(
            text_width_pt(fig, text, **props) / 72
            for info in infos.values()
            for text, props in ((info.title, _title_props(info.title)), (info.body, BODY_PROPS))
            if text
        )
        if widest + _BOX_PAD * slot_in + MIN_GAP_IN <= slot_in:
            break
    return infos


def _extent(ax: Axes, artist) -> Bbox:
    """Window extent of ``artist`` in data coordinates of ``ax``."""
    renderer = ax.figure.canvas.get_renderer()
    return artist.get_window_extent(renderer).transformed(ax.transData.inverted())


#: Room either side of a box's widest text, in slots.
_BOX_PAD = 0.12


def _fit_boxes(
    ax: Axes,
    nodes: dict[str, tuple[float, int]],
    infos: dict[str, NodeInfo],
) -> dict[str, FancyBboxPatch]:
    """Draw the boxes: one width for all (aligned columns), heights fitted to the text.

    The texts are drawn first and measured, so the boxes fit whatever the
    names are; the pair of texts is then centred on the row.
    """
    texts = {n: _draw_box_texts(ax, infos[n], x, d * ROW) for n, (x, d) in nodes.items()}
    lay_out(ax.figure)
    line = _extent(ax, texts[next(iter(texts))][0]).height
    gap = 0.2 * line
    width = max(_extent(ax, t).width for pair in texts.values() for t in pair if t)
    width += _BOX_PAD * SLOT
    if width > 0.92 * SLOT:
        raise ValueError("box texts are too wide for the layout; wrap the names shorter")
    patches = {}
    for node, (x, d) in nodes.items():
        title, body = texts[node]
        h_title = _extent(ax, title).height
        h_body = _extent(ax, body).height + gap if body else 0.0
        content = h_title + h_body
        top = d * ROW + content / 2
        title.set_y(top)
        if body:
            body.set_y(top - h_title - gap)
        height = content + 0.16 * ROW
        patch = FancyBboxPatch(
            (x - width / 2, d * ROW - height / 2),
            width,
            height,
            boxstyle="round,pad=0,rounding_size=0.035",
            mutation_aspect=_aspect(ax),
            zorder=3,
            **box_style(infos[node]),
        )
        ax.add_patch(patch)
        patches[node] = patch
    return patches


def _arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    relation: str,
    patch_a: FancyBboxPatch,
    patch_b: FancyBboxPatch,
    rad: float = 0.0,
) -> FancyArrowPatch:
    style = dict(RELATION_STYLES[relation])
    arrow = FancyArrowPatch(
        start,
        end,
        patchA=patch_a,
        patchB=patch_b,
        shrinkA=3,
        shrinkB=3,
        mutation_scale=14,
        connectionstyle=f"arc3,rad={rad}",
        zorder=2,
        **style,
    )
    ax.add_patch(arrow)
    return arrow


def _arc_points(start: np.ndarray, end: np.ndarray, rad: float, n: int = 41) -> np.ndarray:
    """Points of matplotlib's arc3 curve in display space (a quadratic Bezier)."""
    mid = (start + end) / 2
    d = end - start
    control = mid + rad * np.array([d[1], -d[0]])
    t = np.linspace(0, 1, n)[:, None]
    return (1 - t) ** 2 * start + 2 * t * (1 - t) * control + t**2 * end


def _clear_rad(
    ax: Axes, start: tuple[float, float], end: tuple[float, float], others: Sequence[Bbox]
) -> float:
    """Smallest bend that keeps a link clear of the boxes it would cross.

    Bends to the left (seen from the subordinate) are tried first, then to the
    right, as labels go on the right; 0 when the straight line is already
    clear. Steps of 0.05 keep the search short and the result independent of
    floating-point noise.
    """
    to_display = ax.transData.transform
    a, b = np.asarray(to_display(start)), np.asarray(to_display(end))
    boxes = [box.transformed(ax.transData).padded(6) for box in others]

    def clear(rad: float) -> bool:
        points = _arc_points(a, b, rad)
        return not any(box.count_contains(points) for box in boxes)

    for magnitude in np.arange(0.0, 1.55, 0.05):
        for rad in (-magnitude, magnitude) if magnitude else (0.0,):
            if clear(float(rad)):
                return round(float(rad), 2)
    return 0.0


#: How the alt text words each relation, from the subordinate (or a peer).
_RELATION_ALT: dict[str, str] = {
    "political_control": "under political control of",
    "reports_to": "reports to",
    "operational_authority": "under operational authority of",
    "coordinated_with": "coordinates with",
    "dual_hatted_with": "commander dual-hatted with",
}


def _short_names(ds: Dataset) -> dict[str, str]:
    """Every mission's and body's short name, else its name, on one line, by id."""
    names = {}
    for table, key in (("missions", "mission_id"), ("organisations", "org_id")):
        for node_id, short, name in zip(
            ds[table][key], ds[table]["short_name"], ds[table]["name"], strict=True
        ):
            names[node_id] = " ".join((_text(short) or str(name)).split())
    return names


def _period_words(start: str | None, end: str | None) -> str:
    """'8 Oct 2004 to 1 Jan 2010', 'from Oct 2018', 'until 2011' or ''."""
    if start and end:
        return f"{date_label(start)} to {date_label(end)}"
    if start:
        return f"from {date_label(start)}"
    return f"until {date_label(end)}" if end else ""


def _link_extra(link: Link, dated: bool) -> str:
    """What a link's label says, in brackets: an intermediary and (if ``dated``) its period."""
    via = link.note.rstrip(".").replace("Via ", "via ", 1) if link.note else ""
    extra = [
        via if via.startswith("via ") else "",
        _period_words(link.from_date, link.to_date) if dated else "",
    ]
    extra = [e for e in extra if e]
    return f" ({', '.join(extra)})" if extra else ""


def _column_words(names: dict[str, str], column: Column, budget: int, dated: bool = True) -> str:
    """A column's links in words, grouped by the box they start from (the mission
    first, then the bodies above it, then its sub-units), as many as fit in
    ``budget`` characters; then where the recorded chain stops short of the NAC.

    'NTM-I: reports to SACEUR; ...; SACEUR reports to NAC (via ...)'.
    """
    by_source: dict[str, dict[str, list[str]]] = {column.mission_id: {}}
    for link in column.links:
        relations = by_source.setdefault(link.source, {})
        if link.relation != PART_OF:
            target = names[link.target] + _link_extra(link, dated)
            relations.setdefault(link.relation, []).append(target)
    order = sorted(by_source, key=lambda n: (n != column.mission_id, n.startswith("mis-")))
    parts: list[tuple[str, str]] = []
    for source in order:
        said = [f"{_RELATION_ALT[r]} {listing(t, 200)}" for r, t in by_source[source].items()]
        if source == column.mission_id:
            parts += [(words, source) for words in said]
        else:
            sub = "sub-unit " if source.startswith("mis-") else ""
            parts.append((" ".join([f"{sub}{names[source]}", " and ".join(said)]), source))

    def render(shown: list[tuple[str, str]]) -> str:
        sources = {source for _, source in shown}
        said = [k for k in column.links if k.relation in HIERARCHY and k.source in sources]
        tops = {k.target for k in said} - {k.source for k in said} - {TOP_AUTHORITY}
        words = "; ".join(p for p, _ in shown)
        if len(shown) < len(parts):
            words += f"; and {len(parts) - len(shown)} more"
        if tops:
            words += f"; no higher link recorded above {listing(names[n] for n in sorted(tops))}"
        return f"{names[column.mission_id]}: {words}"

    count = 1
    while count < len(parts) and len(render(parts[: count + 1])) <= budget:
        count += 1
    return render(parts[:count])


def _alt_text(ds: Dataset, columns: Sequence[Column], limit: int = MAX_CHARS) -> str:
    """Alt text of the diagram: the missions side by side with their periods, the
    links of each column in words, and where a recorded chain stops short of the NAC.

    Columns share the room the first sentence leaves, the shortest served first,
    so that a long chain never crowds out a short one; a chain too long for its
    share leaves out its links' dates (drawn beside them), then its last links.
    """
    missions = ds.by_key("missions")
    names = _short_names(ds)
    heads = [
        f"{names[c.mission_id]} ("
        + (
            _period_words(
                _text(missions.at[c.mission_id, "start_date"]),
                _text(missions.at[c.mission_id, "end_date"]),
            )
            or "undated"
        )
        + ")"
        for c in columns
    ]
    links = sum(1 for c in columns for link in c.links if link.relation != PART_OF)
    first = (
        f"Command diagram, one column per mission: {listing(heads)};"
        f" {plural(links, 'recorded link')}, arrows pointing to the higher authority."
    )
    room = limit - len(first)
    chained = [c for c in columns if c.links]
    full = {c.mission_id: _column_words(names, c, 10_000) for c in chained}
    words: dict[str, str] = {}
    for i, column in enumerate(sorted(chained, key=lambda c: len(full[c.mission_id]))):
        share = room // (len(chained) - i) - 2  # a space and a full stop each
        text = full[column.mission_id]
        if len(text) > share:
            text = _column_words(names, column, 10_000, dated=False)
        if len(text) > share:
            text = _column_words(names, column, share, dated=False)
        words[column.mission_id] = text
        room -= len(text) + 2
    return compose([first, *(words[c.mission_id] for c in chained)], limit)


@house_style
def command_structure(
    ds: Dataset,
    title: str = "Whom NATO's missions in Iraq answered to",
    note: str | None = None,
    missions: Sequence[str] = ("mis-ntm-i", "mis-nmi"),
) -> Figure:
    """Side-by-side chains of command of ``missions`` (NTM-I and NMI by default).

    Boxes are missions (in their colours), NATO bodies (white) and partners
    outside NATO (grey, dashed); arrows are ``command_links.csv`` rows, drawn
    from the subordinate up to the superior. Each column is headed by its
    mission and period. ``note`` is added to the caption under the chart.
    """
    columns = _layout_columns(ds, missions)
    nodes = {n: pos for column in columns for n, pos in column.positions.items()}
    roots = {column.mission_id for column in columns}
    depths = [d for _, d in nodes.values()]
    xs = [x for x, _ in nodes.values()]
    top, bottom = max(depths), min(depths)

    fig = new_figure(*FIGSIZE)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_xlim(min(xs) - 0.5 * SLOT, max(xs) + 0.5 * SLOT)
    ax.set_ylim(bottom * ROW - 0.5 * ROW, top * ROW + 0.85 * ROW)
    fig.suptitle(title, x=0.012, y=0.975, ha="left", fontsize=13.5, fontweight="bold")
    fig.text(
        0.012,
        0.928,
        "Links recorded in the dataset, one column per mission. Each row is one step up the "
        "chain from the mission (sub-units one step down);\narrows point to the higher "
        "authority. A body where the recorded chain stops short of the North Atlantic Council "
        "is marked 'no higher link recorded'.",
        ha="left",
        va="top",
        fontsize=9.5,
        color=TEXT_GREY,
        linespacing=1.35,
    )
    caption = "Only links recorded in command_links.csv are drawn."
    finish(
        fig,
        source_names(ds, _record_ids(columns)),
        caption + (f" {note}" if note else ""),
        width=140,
        alt=_alt_text(ds, columns),
    )
    # Room under the diagram for the legend (three rows, about 0.75 in). finish()
    # kept 0.55 in for tick labels, which a diagram without axes does not need;
    # the legend takes most of that room and 0.3 in more.
    fig.subplots_adjust(
        left=0.015, right=0.985, top=0.83, bottom=fig.subplotpars.bottom + 0.3 / FIGSIZE[1]
    )
    legend = _legend(ax, ds, columns)

    lay_out(fig)
    patches = _fit_boxes(ax, nodes, _box_infos(ds, ax, nodes, roots))
    lay_out(fig)
    obstacles = [_extent(ax, p) for p in patches.values()]
    labels = [job for column in columns for job in _draw_links(ax, column, patches, obstacles)]
    for label, start, end, rad, spread in labels:
        _place_link_label(ax, label, start, end, rad, obstacles, spread)
    for column in columns:
        _draw_heading(ax, ds, column, top, patches)
        _mark_chain_tops(ax, column, patches)
    _draw_dividers(ax, columns, top, bottom)
    legend.set_zorder(5)
    return fig


def _aspect(ax: Axes) -> float:
    """Data units per inch up over data units per inch across, for round corners."""
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    return ((y1 - y0) / (box.height * fig_h)) / ((x1 - x0) / (box.width * fig_w))


def _record_ids(columns: Iterable[Column]) -> list[str]:
    """Every record drawn: missions, organisations and command links."""
    ids: list[str] = []
    for column in columns:
        ids += list(column.positions)
        ids += [link.link_id for link in column.links if link.relation != PART_OF]
    return list(dict.fromkeys(ids))


def _draw_links(
    ax: Axes, column: Column, patches: dict[str, FancyBboxPatch], obstacles: list[Bbox]
) -> list[tuple[str, tuple[float, float], tuple[float, float], float, tuple[float, float]]]:
    """Arrows of one column; returns the labels to write once every line is drawn.

    Links joining the same two boxes are spread side by side; a link that would
    cross another box bends round it (see :func:`_clear_rad`). The lines are
    added to ``obstacles`` so that no label is written across one.
    """
    pairs: dict[frozenset[str], list[Link]] = defaultdict(list)
    for link in column.links:
        pairs[frozenset((link.source, link.target))].append(link)
    labels = []
    for group in pairs.values():
        n = len(group)
        for i, link in enumerate(group):
            (x0, d0), (x1, d1) = column.positions[link.source], column.positions[link.target]
            offset = (i - (n - 1) / 2) * 2 * PARALLEL_OFFSET
            # Spread parallel links across their direction of travel.
            dx, dy = (0.0, offset * ROW) if d0 == d1 else (offset * SLOT, 0.0)
            start, end = (x0 + dx, d0 * ROW + dy), (x1 + dx, d1 * ROW + dy)
            others = [
                _extent(ax, p)
                for node, p in patches.items()
                if node not in (link.source, link.target)
            ]
            rad = _clear_rad(ax, start, end, others)
            _arrow(ax, start, end, link.relation, patches[link.source], patches[link.target], rad)
            obstacles += _curve_boxes(ax, start, end, rad)
            label = _link_label(link)
            if label:
                labels.append((label, start, end, rad, (dx, dy)))
    return labels


def _curve_boxes(
    ax: Axes, start: tuple[float, float], end: tuple[float, float], rad: float
) -> list[Bbox]:
    """Small boxes along a link (data coordinates), so labels keep off the line."""
    a, b = ax.transData.transform(start), ax.transData.transform(end)
    points = _arc_points(np.asarray(a), np.asarray(b), rad, n=25)
    boxes = [Bbox([p0, p1]).padded(3) for p0, p1 in itertools.pairwise(points)]
    inverse = ax.transData.inverted()
    return [box.transformed(inverse) for box in boxes]


def _place_link_label(
    ax: Axes,
    label: str,
    start: tuple[float, float],
    end: tuple[float, float],
    rad: float,
    obstacles: list[Bbox],
    spread: tuple[float, float] = (0.0, 0.0),
) -> Text:
    """Write ``label`` beside the middle of its link, on whichever side is free.

    The candidate spots are at right angles to the link, so a label sits
    clearly beside its own line, never along the next one. The right-hand
    spot is tried first, except for one of a pair of parallel links
    (``spread`` is its offset), whose label goes on its own outer side; then
    the spots a step further out (:data:`_LABEL_STEPS_PT`).
    """
    a, b = np.asarray(ax.transData.transform(start)), np.asarray(ax.transData.transform(end))
    mid_display = _arc_points(a, b, rad, n=3)[1]
    mid = tuple(ax.transData.inverted().transform(mid_display))
    direction = (b - a) / np.hypot(*(b - a))
    normal = np.array([direction[1], -direction[0]])  # right of the direction of travel
    if float(np.dot(normal, spread)) < 0:
        normal = -normal
    text = ax.annotate(
        label,
        mid,
        xytext=(0, 0),
        textcoords="offset points",
        fontsize=8,
        fontstyle="italic",
        color="#333333",
        zorder=4,
        linespacing=1.1,
    )
    # Beside the middle of the line first; where both sides are taken (a link
    # between two boxes side by side, shorter than its label), a step further
    # out, clear of the boxes' edges, centred on the line or ending at it,
    # until a spot is free. None free: the first spot.
    spots = [
        (side, distance, lean)
        for distance in _LABEL_STEPS_PT
        for side in (normal, -normal)
        for lean in ("middle", "before", "after")
    ]
    for side, distance, lean in [*spots, spots[0]]:
        text.set_position(tuple(side * distance))
        ha = "left" if side[0] > 0.3 else "right" if side[0] < -0.3 else "center"
        va = "bottom" if side[1] > 0.3 else "top" if side[1] < -0.3 else "center"
        if lean != "middle" and ha == "center":  # above or below the line
            ha = "right" if lean == "before" else "left"
        elif lean != "middle" and va == "center":  # left or right of the line
            va = "top" if lean == "before" else "bottom"
        text.set_horizontalalignment(ha)
        text.set_verticalalignment(va)
        box = _extent(ax, text)
        if not any(Bbox.intersection(box, other) for other in obstacles):
            break
    obstacles.append(_extent(ax, text))
    return text


#: How far from its line a link's label may sit, in points, nearest first.
_LABEL_STEPS_PT = (8.0, 16.0, 24.0, 32.0, 40.0)


def _link_label(link: Link) -> str:
    """Text beside a link: its period, and an intermediary named in its note.

    Only a note that starts with "Via" is shown: it names a body the link
    passes through (the Chairman of the Military Committee), which the reader
    needs; other notes stay in the dataset.
    """
    parts = []
    if link.note and link.note.startswith("Via "):
        parts.append(wrap_even(link.note.rstrip("."), 24))
    if link.from_date or link.to_date:
        # 'from 8 Oct 2004', or '8 Oct 2004 - 1 Jan 2010' (an en dash) for a link that ended.
        parts.append(period_label(link.from_date, link.to_date))
    return "\n".join(parts)


def _draw_heading(
    ax: Axes, ds: Dataset, column: Column, top: int, patches: dict[str, FancyBboxPatch]
) -> None:
    """Column heading: the mission's short name and its period, above the top row."""
    info = ds.by_key("missions").loc[column.mission_id]
    name = _text(info["short_name"]) or str(info["name"])
    period = period_label(_text(info["start_date"]), _text(info["end_date"]))
    xs = [x for x, _ in column.positions.values()]
    tallest = max(_extent(ax, p).y1 for p in patches.values())
    ax.text(
        (min(xs) + max(xs)) / 2,
        tallest + 0.3 * ROW,
        f"{name}, {period}",
        ha="center",
        va="bottom",
        fontsize=12,
        fontweight="bold",
        color=mission_colour(column.mission_id),
        zorder=4,
    )


def _mark_chain_tops(ax: Axes, column: Column, patches: dict[str, FancyBboxPatch]) -> None:
    """Say so above a body where the recorded chain stops short of the NAC."""
    answer_up = {link.source for link in column.links if link.relation in HIERARCHY}
    answered_to = {link.target for link in column.links if link.relation in HIERARCHY}
    for node in sorted(answered_to - answer_up - {TOP_AUTHORITY}):
        x, _ = column.positions[node]
        ax.text(
            x,
            _extent(ax, patches[node]).y1 + 0.05 * ROW,
            "no higher link recorded",
            ha="center",
            va="bottom",
            fontsize=8,
            fontstyle="italic",
            color=TEXT_GREY,
            zorder=4,
        )


def _draw_dividers(ax: Axes, columns: Sequence[Column], top: int, bottom: int) -> None:
    """A thin rule between columns."""
    for left, right in itertools.pairwise(columns):
        x = (
            max(x for x, _ in left.positions.values()) + min(x for x, _ in right.positions.values())
        ) / 2
        ax.plot(
            [x, x],
            [bottom * ROW - 0.45 * ROW, top * ROW + 0.75 * ROW],
            color="#cccccc",
            linewidth=0.8,
            zorder=1,
        )


def _legend(ax: Axes, ds: Dataset, columns: Sequence[Column]):
    """Relations drawn, then the kinds of box, in a legend under the diagram."""
    used = {link.relation for column in columns for link in column.links}
    relations = [r for r in (*HIERARCHY, *LATERAL, PART_OF) if r in used]
    handles: list[object] = [RelationHandle(r) for r in relations]
    labels = [RELATION_LABELS[r] for r in relations]
    missions = ds.by_key("missions")
    for column in columns:
        colour = mission_colour(column.mission_id)
        name = _text(missions.loc[column.mission_id, "short_name"]) or column.mission_id
        handles.append(Patch(facecolor=_tint(colour), edgecolor=colour, linewidth=2.0))
        labels.append(f"Mission: {name}")
    handles.append(Patch(**box_style(NodeInfo("", "", "", "nato", ""))))
    labels.append("NATO body or command")
    handles.append(Patch(**box_style(NodeInfo("", "", "", "other", ""))))
    labels.append("Outside NATO, or no NATO link recorded")
    return ax.legend(
        handles,
        labels,
        handler_map={RelationHandle: RelationLegendHandler()},
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncols=max(1, -(-len(handles) // LEGEND_ROWS)),
        fontsize=8.5,
        handlelength=3.2,
        columnspacing=1.6,
        frameon=False,
    )
