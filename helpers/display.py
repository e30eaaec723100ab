"""How tables and charts read in the chapters: whole, labelled, sharp and described.

Each chapter calls :func:`use_reading_display` once, next to its imports, so
that the settings are visible in the notebook and a reader's own session
behaves the same way:

- pandas cuts every cell at 50 characters by default, which clips exactly what
  these tables are for (quotes, notes, mandates): cells are shown whole;
- a table reads as a table for people: headings in words ("Start date", not
  ``start_date``), no row numbers, and an empty cell where a value is missing
  (pandas prints ``<NA>``); the plain-text form, for consoles and diffs, is
  left as pandas writes it;
- a chart is stored as a PNG at twice the resolution it is shown at (sharp on
  high-resolution screens and when zoomed on the site), with its alt text
  (see :func:`helpers.style.finish`) in the output's metadata.
"""

from __future__ import annotations

import functools
import io

import pandas as pd

#: Pixels per inch at which a chart is shown; it is stored at twice that.
SHOWN_DPI = 100
STORED_DPI = 2 * SHOWN_DPI


def column_heading(name: object) -> str:
    """A column name as a heading: ``start_date`` reads "Start date", and a mission's id
    (a crosstab's column) its short name: ``mis-ntm-i`` reads "NTM-I"."""
    text = str(name)
    if text in _mission_names():
        return _mission_names()[text]
    text = text.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@functools.cache
def _mission_names() -> dict[str, str]:
    """Short names of the missions, by id, from the collection's data (read once)."""
    import csv

    from helpers.paths import DATA_DIR

    try:
        with (DATA_DIR / "missions.csv").open(encoding="utf-8", newline="") as fh:
            return {
                row["mission_id"]: row["short_name"] or row["name"] for row in csv.DictReader(fh)
            }
    except (OSError, KeyError):
        return {}


def reading_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as a reader should see it: its row labels as a column, unless they are numbers."""
    shown = frame
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        shown = frame.reset_index()
    if shown.columns.nlevels == 1:
        shown = shown.set_axis([column_heading(c) for c in shown.columns], axis=1)
    return shown


def table_html(frame: pd.DataFrame) -> str:
    """HTML of a table for reading: headings in words, no row numbers, blank where missing.

    Every value is escaped (the data are untrusted text).
    """
    shown = reading_table(frame)
    # na_rep does not reach pandas' string columns (they print <NA>): blank them here.
    blanks = {
        i: shown.iloc[:, i].astype(object).where(shown.iloc[:, i].notna(), "")
        for i in range(shown.shape[1])
        if shown.iloc[:, i].isna().any()
    }
    if blanks:
        shown = shown.copy()
        for i, column in blanks.items():
            shown.isetitem(i, column)
    return shown.to_html(index=False, na_rep="", escape=True, border=0, classes="reading-table")


def chart_png(fig) -> tuple[bytes, dict[str, object]]:
    """A chart as stored in a notebook: PNG at :data:`STORED_DPI`, shown at its size.

    The figure is saved whole, as laid out (the charts leave their own
    margins), which is faster than cropping to the drawn area and gives the
    same image in a notebook, a pack and a test. The metadata say how large
    to show it and, where the chart gives one, its alt text.
    """
    width, height = fig.get_size_inches() * SHOWN_DPI
    metadata: dict[str, object] = {"width": round(width), "height": round(height)}
    if hasattr(fig, "nato_iraq_sources"):  # a chart of ours, finished by helpers.style.finish
        from helpers.publish.figure_pack import figure_title
        from helpers.style import alt_text

        metadata["alt"] = alt_text(fig)
        metadata["title"] = figure_title(fig)
    return png_bytes(fig, STORED_DPI), metadata


#: zlib effort for stored charts: of the levels tried on the chapters' charts (1, 2,
#: 3, 4 and the default 6), level 3 gave the smallest files, in about 60 % of the
#: default's time.
PNG_COMPRESS_LEVEL = 3


def png_bytes(fig, dpi: float) -> bytes:
    """``fig`` drawn at ``dpi`` as an opaque (RGB) PNG.

    Matplotlib writes RGBA, but every chart is drawn on white: dropping the
    alpha channel keeps every pixel and makes the files about a tenth smaller
    and quicker to compress. A figure with any transparent pixel keeps its
    alpha channel.
    """
    from PIL import Image

    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=dpi)
    pixels = raw.getvalue()
    columns = int(fig.get_figwidth() * dpi)  # the width matplotlib's renderer takes
    rows, rest = divmod(len(pixels), 4 * columns) if columns else (0, 1)
    if rest or not rows:  # not the size expected: let matplotlib write the PNG
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()
    image = Image.frombuffer("RGBA", (columns, rows), pixels, "raw", "RGBA", 0, 1)
    if image.getextrema()[3][0] == 255:  # fully opaque
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=PNG_COMPRESS_LEVEL, dpi=(dpi, dpi))
    return buffer.getvalue()


def use_reading_display() -> None:
    """Show tables whole and in words, and charts sharp and described (see the module)."""
    pd.set_option("display.max_colwidth", None)
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to register
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure

    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(pd.DataFrame, table_html)
    formatters["image/png"].for_type(Figure, chart_png)
