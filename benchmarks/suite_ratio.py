"""How far the full test suite is from its floor.

The floor is what no test suite can avoid: for every notebook, start one
kernel and import what that notebook imports (the helpers, pandas and the
rest), one notebook after the other.
The script measures the floor and the full suite (`pytest`, as the README runs
it) in the same run and prints their ratio; the target is 1.5 or less.

    uv run python benchmarks/suite_ratio.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from helpers.publish import kernel_env
from helpers.publish.build import CurrentEnvKernelSpecManager


def imports_of(notebook: Path) -> str:
    """Every import statement in the notebook's code cells, as one block of code.

    What a notebook must load before its own work starts, without that work.
    """
    import ast

    import nbformat

    statements: list[str] = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        # IPython magics (%matplotlib inline) are not Python: leave them out.
        code = "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import | ast.ImportFrom):
                statements.append(ast.unparse(node))
    return "\n".join(dict.fromkeys(statements))


def kernel_with_imports_seconds(imports: str) -> float:
    """Start one kernel, run ``imports``, shut it down; wall time in seconds."""
    from jupyter_client.manager import KernelManager

    start = time.perf_counter()
    km = KernelManager(kernel_spec_manager=CurrentEnvKernelSpecManager(), kernel_name="python3")
    km.start_kernel()
    client = km.client()
    client.start_channels()
    client.wait_for_ready(timeout=120)
    reply = client.execute_interactive(imports, timeout=120, store_history=False)
    client.stop_channels()
    km.shutdown_kernel(now=True)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"imports failed in the kernel: {reply['content']}")
    return time.perf_counter() - start


def main() -> int:
    kernel_env.prepare()
    notebooks = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    floor = sum(kernel_with_imports_seconds(imports_of(nb)) for nb in notebooks)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        start = time.perf_counter()
        suite = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}"], cwd=PROJECT_ROOT
        )
        suite_seconds = time.perf_counter() - start
        by_file = seconds_by_file(report)
    print(f"notebooks:        {len(notebooks)}")
    print(f"floor (serial):   {floor:7.1f} s  (per notebook: a kernel and its imports)")
    print(f"full test suite:  {suite_seconds:7.1f} s  (exit status {suite.returncode})")
    print(f"ratio suite/floor: {suite_seconds / floor:.2f}  (target 1.5 or less)")
    total = sum(by_file.values())
    print(f"\ntest time summed over workers: {total:.1f} s; the largest files:")
    for name, seconds in sorted(by_file.items(), key=lambda item: -item[1])[:12]:
        print(f"  {seconds:6.1f} s  {seconds / total:5.1%}  {name}")
    return suite.returncode


def seconds_by_file(junit_xml: Path) -> dict[str, float]:
    """Test time per file (notebooks and test modules) from a JUnit XML report."""
    import xml.etree.ElementTree as ET

    totals: dict[str, float] = {}
    for case in ET.parse(junit_xml).iter("testcase"):
        name = case.get("file") or case.get("classname", "?").split("::")[0]
        totals[name] = totals.get(name, 0.0) + float(case.get("time", 0))
    return totals


if __name__ == "__main__":
    sys.exit(main())
