"""House style: colours, the source line, and files that are identical on a rerun."""

from __future__ import annotations

import itertools
from pathlib import Path

import matplotlib as mpl

from helpers.style import (
    MISSION_COLOURS,
    STYLE_FILE,
    finish,
    new_figure,
    save_figure,
    text_outside,
)


def small_chart():
    fig = new_figure(5, 3)
    ax = fig.add_subplot()
    ax.plot([2004, 2011, 2018], [1, 3, 2], color=MISSION_COLOURS["mis-nmi"])
    ax.set_title("A small chart")
    ax.set_xlabel("Year")
    ax.set_ylabel("Count")
    return finish(fig, ["Source A (2021)", "Source B (2022)"], note="What it leaves out.")


def test_saved_files_are_identical_on_a_rerun(tmp_path: Path) -> None:
    first = [p.read_bytes() for p in save_figure(small_chart(), "demo", folder=tmp_path / "a")]
    second = [p.read_bytes() for p in save_figure(small_chart(), "demo", folder=tmp_path / "b")]
    assert first == second
    png, svg = first
    assert png.startswith(b"\x89PNG")
    assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg


def test_source_line_and_note_are_written_below_the_axes() -> None:
    fig = small_chart()
    texts = [t.get_text() for t in fig.texts]
    assert any(t.startswith("Sources: Source A (2021); Source B (2022).") for t in texts)
    assert any("Note: What it leaves out." in t for t in texts)


def test_every_mission_colour_is_distinct_in_grayscale() -> None:
    """Missions that sit side by side stay apart when printed in grayscale."""
    main = ["mis-ntm-i", "mis-partnership", "mis-dcb", "mis-nmi"]
    greys = sorted(
        0.299 * r + 0.587 * g + 0.114 * b
        for r, g, b in (mpl.colors.to_rgb(MISSION_COLOURS[m]) for m in main)
    )
    assert min(b - a for a, b in itertools.pairwise(greys)) > 0.05


def test_style_uses_fonts_shipped_with_matplotlib() -> None:
    assert "font.family: DejaVu Sans" in STYLE_FILE.read_text()


def test_text_running_past_the_figure_edge_is_reported() -> None:
    fig = new_figure(4, 2)
    ax = fig.add_subplot()
    ax.set_xlim(0, 10)  # matplotlib keeps labels of ticks it does not draw: not reported
    fig.text(0.02, 0.9, "fits")
    fig.text(0.6, 0.5, "a sentence far too long to fit in what is left of the width")
    assert text_outside(fig) == ["a sentence far too long to fit in what is left of the width"]
