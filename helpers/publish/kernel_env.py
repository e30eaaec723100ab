"""The environment every notebook kernel runs in, for the build and the tests alike.

Both ``nato-iraq build`` and the pytest session call :func:`prepare` before any
kernel starts, so a notebook executes the same way in both, and a rerun stores
the same outputs as the run before it.
"""

from __future__ import annotations

import os

#: Variables that make outputs repeatable. SOURCE_DATE_EPOCH pins the dates that
#: matplotlib writes into SVG and PDF files; PYTHONHASHSEED pins set ordering.
REPRODUCIBLE_ENV: dict[str, str] = {
    "SOURCE_DATE_EPOCH": "0",
    "PYTHONHASHSEED": "0",
    # Progress bars and colours have no place in stored outputs.
    "TQDM_DISABLE": "1",
    "NO_COLOR": "1",
}


def prepare() -> None:
    """Set the reproducible environment and warm matplotlib's font cache.

    Warming matters: on a fresh machine the first ``import matplotlib.pyplot``
    in a kernel scans the system fonts and, after five seconds, prints
    "Matplotlib is building the font cache" to stderr, which would land in a
    stored output and make the next comparison fail.
    """
    os.environ.update(REPRODUCIBLE_ENV)
    import matplotlib.font_manager  # noqa: F401  (import builds the cache)
