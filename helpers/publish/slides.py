"""Slide decks from executed notebooks: reveal.js through nbconvert, working offline.

nbconvert's stock slides load reveal.js, require.js, jQuery, MathJax and
mermaid from CDNs, so they never start without a connection. Here they load
the copies in ``slides_vendor/`` (copied unchanged from npm; see its README)
through relative paths, and the template in ``slides_template/`` removes the
remaining remote scripts.

A chapter becomes a deck without any hand-made slide metadata: its title and
every ``##`` section open a slide, every ``###`` heading and every chart opens
a sub-slide below it, and everything else continues the current slide. Code
is hidden; text, tables and charts stay.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from helpers.publish.chapters import NAV_TAG, chapter_title, chart_count, has_tag

VENDOR_DIR = Path(__file__).with_name("slides_vendor")
TEMPLATE_NAME = "slides_template"
#: File ending of a deck: ``04_nmi.slides.html``.
DECK_SUFFIX = ".slides.html"
#: Folder beside the decks that holds the vendored scripts, styles and fonts.
VENDOR_LINK = "vendor"


def slide_type(cell: nbformat.NotebookNode) -> str:
    """Where a cell goes in the deck: "slide", "subslide", "-" (same slide) or "skip"."""
    if has_tag(cell, NAV_TAG):
        return "skip"
    if cell.cell_type == "markdown":
        first = cell.source.lstrip().split("\n", 1)[0]
        if first.startswith(("# ", "## ")):
            return "slide"
        if first.startswith("### "):
            return "subslide"
        return "-"
    if cell.cell_type == "code":
        if not cell.get("outputs"):
            return "skip"  # nothing to show once the code is hidden
        if chart_count(cell):
            return "subslide"
        return "-"
    return "skip"


#: Sections of a chapter that are for running it, not for a lecture.
SKIPPED_SECTIONS = ("## Imports",)


def with_slide_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose cells carry reveal.js slide types.

    The sections in :data:`SKIPPED_SECTIONS` are left out, heading and all.
    """
    copy = nbformat.from_dict(nb)
    skipping = False
    for cell in copy.cells:
        kind = slide_type(cell)
        if cell.cell_type == "markdown" and kind == "slide":
            skipping = cell.source.lstrip().startswith(SKIPPED_SECTIONS)
        cell.metadata["slideshow"] = {"slide_type": "skip" if skipping else kind}
    return copy


def exporter():
    """nbconvert's slides exporter, set up to load everything from ``vendor/``."""
    from nbconvert import SlidesExporter

    return SlidesExporter(
        extra_template_basedirs=[str(Path(__file__).parent)],
        template_name=TEMPLATE_NAME,
        reveal_url_prefix=f"{VENDOR_LINK}/reveal.js",
        # The stock "simple" theme imports web fonts; "white" uses vendored ones.
        reveal_theme="white",
        reveal_scroll=True,
        # No sliding between slides: calmer in a lecture hall, and screenshots
        # are never taken mid-animation.
        reveal_transition="none",
        require_js_url=f"{VENDOR_LINK}/require.js",
        jquery_url=f"{VENDOR_LINK}/jquery.min.js",
        mathjax_url="",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,  # no "Out[4]:" beside a chart on a slide
    )


def write_deck(nb: nbformat.NotebookNode, target: Path) -> Path:
    """Write the deck of an executed notebook to ``target`` (an ``.html`` file)."""
    # The page title (browser tab, bookmarks) is the chapter's own title.
    resources = {"metadata": {"name": chapter_title(nb)}}
    body, _ = exporter().from_notebook_node(with_slide_metadata(nb), resources=resources)
    target.write_text(body, encoding="utf-8")
    return target


def copy_vendor(slides_dir: Path) -> Path:
    """Put the vendored reveal.js, require.js and jQuery beside the decks."""
    target = slides_dir / VENDOR_LINK
    shutil.copytree(VENDOR_DIR, target, dirs_exist_ok=True, copy_function=shutil.copyfile)
    return target
