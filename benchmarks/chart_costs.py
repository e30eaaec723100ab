"""Where a build's time goes once the kernels have started: charts, text and tables.

Runs every chapter's code cells in this process (one IPython shell, no kernel,
so no start-up or imports are counted) and times, cell by cell:

- tables and text (cells that show no chart),
- chart construction (cells that show a chart, less the storing),
- storing each chart as the notebooks do (drawing it at 2x, then writing the PNG),

and, inside those, the time matplotlib spends on text: measuring it and
drawing its glyphs (the "of which" lines overlap: a layout measures text).
Prints seconds and shares; the numbers are for deciding what to make faster,
so compare shares, not seconds, between machines.

    uv run python benchmarks/chart_costs.py
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import sys
import time
from collections import Counter

#: What is timed: (where the callable lives, its name, the label it is reported under).
TIMED = (
    ("matplotlib.backends.backend_agg:RendererAgg", "get_text_width_height_descent", "measure"),
    ("matplotlib.backends.backend_agg:RendererAgg", "draw_text", "draw_text"),
    ("matplotlib.figure:Figure", "draw_without_rendering", "lay_out"),
    ("PIL.ImageFile", "_save", "png_write"),
    ("helpers.display", "chart_png", "store"),
)


def _timer(totals: Counter, depth: Counter, label: str, function):
    """``function``, adding its time (outermost calls only) to ``totals[label]``, split by
    whether a chart was being stored."""

    @functools.wraps(function)
    def timed(*args, **kwargs):
        depth[label] += 1
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            depth[label] -= 1
            if not depth[label]:
                storing = depth["store"] and label != "store"
                totals[(label, "storing" if storing else "building")] += time.perf_counter() - start

    return timed


def main() -> int:
    import importlib

    import matplotlib

    matplotlib.use("agg")
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib.figure import Figure

    from helpers.paths import NOTEBOOKS_DIR
    from helpers.publish import kernel_env

    kernel_env.prepare()
    totals: Counter = Counter()
    depth: Counter = Counter()
    for where, name, label in TIMED:
        module, _, attr = where.partition(":")
        owner = importlib.import_module(module)
        owner = getattr(owner, attr) if attr else owner
        setattr(owner, name, _timer(totals, depth, label, getattr(owner, name)))
    os.chdir(NOTEBOOKS_DIR)
    shell = InteractiveShell.instance()
    charts = 0
    cells: Counter = Counter()  # seconds by kind of cell
    for path in sorted(NOTEBOOKS_DIR.glob("*.ipynb")):
        code = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        for number, source in enumerate(code):
            if number == 0:  # the imports: part of the floor, not of the work
                shell.run_cell(source.replace("%matplotlib inline", ""))
                continue
            stored_before = totals[("store", "building")]
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):  # the cells' own printing
                result = shell.run_cell(source)
            seconds = time.perf_counter() - start
            if result.error_in_exec is not None:
                print(f"{path.name}: code cell {number + 1} failed", file=sys.stderr)
                return 1
            stored = totals[("store", "building")] - stored_before
            if isinstance(result.result, Figure):
                charts += 1
                cells["chart construction"] += seconds - stored
                cells["storing charts"] += stored
            else:
                cells["tables and text"] += seconds
    work = sum(cells.values())
    rows = [
        ("tables and text", cells["tables and text"]),
        ("chart construction", cells["chart construction"]),
        ("  of which measuring text", totals[("measure", "building")]),
        ("  of which laying out (draw_without_rendering)", totals[("lay_out", "building")]),
        ("storing charts (2x PNG)", cells["storing charts"]),
        ("  of which drawing text", totals[("draw_text", "storing")]),
        ("  of which measuring text", totals[("measure", "storing")]),
        ("  of which writing the PNG", totals[("png_write", "storing")]),
    ]
    print(f"work after the imports, {charts} charts: {work:.1f} s")
    for label, seconds in rows:
        print(f"  {label:48s} {seconds:6.1f} s  {seconds / work:6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
