"""How tables read in the chapters: whole notes and quotes, never cut short.

pandas cuts every cell at 50 characters by default, which clips exactly what
these tables are for (quotes, notes, mandates). Each chapter calls
:func:`use_reading_display` once, next to its imports, so that the setting is
visible in the notebook and a reader's own session behaves the same way.
"""

from __future__ import annotations

import pandas as pd


def use_reading_display() -> None:
    """Show every cell of a printed table whole (the longest notes run to ~450 characters).

    In a notebook the HTML table wraps long cells; only the plain-text form,
    for consoles and diffs, gets wide.
    """
    pd.set_option("display.max_colwidth", None)
