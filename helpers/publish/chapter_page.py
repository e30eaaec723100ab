"""A chapter as the site shows it: the stored notebook, dressed for reading.

The site never executes a notebook; it takes the stored one and, in a copy:

- drops the navigation cells (the theme navigates);
- adds a line under the title with downloads (the notebook, all the data)
  and how to cite the chapter;
- folds each exercise's solution until the reader opens it;
- gives every chart its alt text and a numbered caption (its title);
- links the first use of each glossary term, and turns evidence links into
  links to the records section that show their quotes on hover.
"""

from __future__ import annotations

import nbformat
from markdown_it import MarkdownIt

from helpers.publish.chapters import NAV_TAG, SOLUTION_TAG, chapter_title, has_tag
from helpers.publish.edition import Edition
from helpers.publish.glossary import Entry, link_first_uses
from helpers.publish.records import RecordsSection, link_evidence
from helpers.untrusted import html_text, markdown_text

#: Where a chapter page finds the downloads (copied into the site's _static).
DOWNLOADS = "../_static/downloads"
DATA_ZIP = "nato-iraq-data.zip"
#: The tag myst-nb folds a code cell behind ("Show the solution", see conf.py).
FOLD_TAG = "hide-cell"

_markdown = MarkdownIt("commonmark").enable("table")


def chapter_header(stem: str, number: str, title: str, edition: Edition) -> str:
    """The line under a chapter's title: downloads, glossary, and how to cite it."""
    cite = html_text(edition.cite_chapter(number, title))
    return (
        '<div class="chapter-meta">'
        f'<p><a href="{DOWNLOADS}/{stem}.ipynb" download>Download this chapter\'s notebook</a>'
        " (it runs inside the collection, or a class pack made by <code>nato-iraq teach</code>,"
        " which hold its helpers and data)"
        f' · <a href="{DOWNLOADS}/{DATA_ZIP}" download>Download all the data (zip)</a>'
        ' · <a href="../glossary.html">Glossary</a>'
        ' · <a href="../records/index.html">Records</a></p>'
        f'<p class="cite-line"><b>Cite this chapter:</b> {cite}</p></div>'
    )


def folded_solution(source: str) -> str:
    """A written model answer, folded under a "Show the model answer" line (one HTML block)."""
    body = _markdown.render(source).strip()
    # A blank line would end the HTML block early.
    body = "\n".join(line for line in body.splitlines() if line.strip())
    return f'<details class="solution"><summary>Show the model answer</summary>\n{body}\n</details>'


def chart_options(cell: nbformat.NotebookNode, number: int) -> dict[str, dict[str, str]] | None:
    """myst-nb options that give a chart cell's image its alt text and the caption
    "Figure ``number``. Title" (numbered within the chapter)."""
    for output in cell.get("outputs", []):
        meta = output.get("metadata", {}).get("image/png", {})
        if "image/png" not in output.get("data", {}):
            continue
        title = meta.get("title") or "Chart"
        alt = meta.get("alt") or f"Chart: {title}."
        return {
            "image": {"alt": alt, "classes": "chart-image"},
            "figure": {"caption": f"Figure {number}. {markdown_text(title)}", "classes": "chart"},
        }
    return None


def site_notebook(
    nb: nbformat.NotebookNode,
    stem: str,
    number: str,
    edition: Edition,
    records: RecordsSection,
    glossary: list[Entry],
) -> nbformat.NotebookNode:
    """The copy of a stored chapter that the site renders (see the module)."""
    cells = [cell for cell in nb.cells if not has_tag(cell, NAV_TAG)]
    prose = [c for c in cells if c.cell_type == "markdown" and not has_tag(c, SOLUTION_TAG)]
    for cell, linked in zip(
        prose, link_first_uses([c.source for c in prose], glossary), strict=True
    ):
        cell.source = linked
    figures = 0
    for cell in cells:
        if cell.cell_type == "markdown":
            cell.source = link_evidence(cell.source, records)
            if has_tag(cell, SOLUTION_TAG):
                cell.source = folded_solution(cell.source)
        elif cell.cell_type == "code":
            if has_tag(cell, SOLUTION_TAG):
                cell.metadata.setdefault("tags", []).append(FOLD_TAG)
            options = chart_options(cell, figures + 1)
            if options:
                figures += 1
                cell.metadata["mystnb"] = options
    header = nbformat.v4.new_markdown_cell(
        chapter_header(stem, number, chapter_title(nb), edition), id="site-chapter-header"
    )
    nb.cells = [*cells[:1], header, *cells[1:]]
    return nb
