"""How far the full test suite is from its floor.

The floor is what no test suite can avoid: for every notebook, start one
kernel and import the helpers that the chapters use, one after the other.
The script measures the floor and the full suite (`pytest`, as the README runs
it) in the same run and prints their ratio; the target is 1.5 or less.

    uv run python benchmarks/suite_ratio.py
"""

from __future__ import annotations

import subprocess
import sys
import time

from helpers import kernel_env
from helpers.build import CurrentEnvKernelSpecManager
from helpers.paths import NOTEBOOKS_DIR, PROJECT_ROOT

#: What a chapter's imports cell costs, without the chapter's own work.
IMPORTS = """\
import pandas
import matplotlib.pyplot
import helpers.data, helpers.narrative, helpers.citations
import helpers.charts.timeline, helpers.charts.events, helpers.charts.figures
"""


def kernel_with_imports_seconds() -> float:
    """Start one kernel, run the imports, shut it down; wall time in seconds."""
    from jupyter_client.manager import KernelManager

    start = time.perf_counter()
    km = KernelManager(kernel_spec_manager=CurrentEnvKernelSpecManager(), kernel_name="python3")
    km.start_kernel()
    client = km.client()
    client.start_channels()
    client.wait_for_ready(timeout=120)
    reply = client.execute_interactive(IMPORTS, timeout=120, store_history=False)
    client.stop_channels()
    km.shutdown_kernel(now=True)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"imports failed in the kernel: {reply['content']}")
    return time.perf_counter() - start


def main() -> int:
    kernel_env.prepare()
    notebooks = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    floor = sum(kernel_with_imports_seconds() for _ in notebooks)
    start = time.perf_counter()
    suite = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=PROJECT_ROOT)
    suite_seconds = time.perf_counter() - start
    print(f"notebooks:        {len(notebooks)}")
    print(f"floor (serial):   {floor:7.1f} s  (one kernel start + helper imports per notebook)")
    print(f"full test suite:  {suite_seconds:7.1f} s  (exit status {suite.returncode})")
    print(f"ratio suite/floor: {suite_seconds / floor:.2f}  (target 1.5 or less)")
    return suite.returncode


if __name__ == "__main__":
    sys.exit(main())
