"""How tables read in the chapters: whole notes and quotes, not cut at 50 characters.

pandas cuts every cell at 50 characters by default, which clips exactly what
these tables are for (quotes, notes, mandates). Each chapter calls
:func:`use_reading_display` once, next to its imports, so that the setting is
visible in the notebook and a reader's own session behaves the same way.
"""

from __future__ import annotations

import pandas as pd

#: Longest cell shown before pandas adds "...": a 20-word quote fits.
MAX_CELL_CHARACTERS = 160


def use_reading_display() -> None:
    """Show cells up to :data:`MAX_CELL_CHARACTERS` characters in printed tables."""
    pd.set_option("display.max_colwidth", MAX_CELL_CHARACTERS)
