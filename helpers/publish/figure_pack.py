"""Collect every chart a notebook draws, as PNG and SVG files with captions.

``nato-iraq teach`` switches collection on inside each kernel it runs with
:func:`start_collecting`; from then on every chart function (they all go
through :func:`helpers.style.house_style`) hands its finished figure to
:func:`collect`, which saves it and records its title and sources. Outside a
class pack nothing is collected and :func:`collect` returns at once.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from matplotlib.figure import Figure

#: Files, in the figures folder, that list what each chapter's kernel collected
#: (JSON lines; one file per chapter, since chapters run at the same time).
MANIFEST_PATTERN = "figures-*.jsonl"

_state: dict[str, object] = {}


@dataclass(frozen=True)
class Caption:
    """What a figure's caption needs: where it came from, its title and its sources."""

    file_stem: str
    chapter: str
    chart: str
    title: str
    sources: list[str]
    note: str | None


def start_collecting(folder: Path, chapter: str) -> None:
    """Save every chart drawn from now on into ``folder``, named after ``chapter``."""
    folder.mkdir(parents=True, exist_ok=True)
    _state.update(folder=folder, chapter=chapter, count=0)


def stop_collecting() -> None:
    """Stop collecting (for tests; a pack's kernel simply ends)."""
    _state.clear()


def figure_title(fig: Figure) -> str:
    """The chart's title: the figure's suptitle, else its first axes title."""
    suptitle = fig._suptitle.get_text() if fig._suptitle is not None else ""
    if suptitle.strip():
        return " ".join(suptitle.split())
    for ax in fig.axes:
        for loc in ("left", "center"):
            title = ax.get_title(loc=loc)
            if title.strip():
                return " ".join(title.split())
    return ""


def collect(fig: object, chart: str) -> Caption | None:
    """Save ``fig`` as PNG and SVG and add its caption to the manifest, if collecting."""
    if not _state or not isinstance(fig, Figure):
        return None
    from helpers.style import save_figure

    _state["count"] = int(_state["count"]) + 1
    chapter = str(_state["chapter"])
    stem = f"{chapter}-{_state['count']:02d}-{chart.replace('_', '-')}"
    folder = Path(str(_state["folder"]))
    save_figure(fig, stem, folder=folder)
    caption = Caption(
        file_stem=stem,
        chapter=chapter,
        chart=chart,
        title=figure_title(fig),
        sources=list(getattr(fig, "nato_iraq_sources", [])),
        note=getattr(fig, "nato_iraq_note", None),
    )
    with (folder / f"figures-{chapter}.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(asdict(caption), ensure_ascii=False) + "\n")
    return caption


def manifests(folder: Path) -> list[Path]:
    """The manifest files in ``folder``, in chapter order."""
    return sorted(folder.glob(MANIFEST_PATTERN))


def read_manifest(folder: Path) -> list[Caption]:
    """Every caption recorded in ``folder``: by chapter, then in the order drawn."""
    captions = []
    for path in manifests(folder):
        lines = path.read_text(encoding="utf-8").splitlines()
        captions += [Caption(**json.loads(line)) for line in lines if line.strip()]
    return captions
