"""How far the main job (`nato-iraq build --force`) is from its floor, and what the site costs.

The floor is what no build can avoid: for every notebook, start one kernel and
import what that notebook imports, divided by the cores the build uses (it
runs one notebook per core). The script measures the floor, a forced build of
the notebooks (`--force --no-site`: outputs are byte-identical, so the tree
stays as it was), the site on its own (`build_site(force=True)` into a
temporary folder) and a build of the unchanged tree, and prints the ratios.
The target for the forced build is 2 or less.

    uv run python benchmarks/build_ratio.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.suite_ratio import imports_of, kernel_with_imports_seconds
from helpers.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from helpers.publish import kernel_env
from helpers.publish.build import default_jobs


def timed(command: list[str]) -> float:
    """Wall time of ``command`` run in the project; it must succeed."""
    start = time.perf_counter()
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    kernel_env.prepare()
    notebooks = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    cores = default_jobs()
    serial_floor = sum(kernel_with_imports_seconds(imports_of(nb)) for nb in notebooks)
    floor = serial_floor / min(cores, len(notebooks))
    cli = [sys.executable, "-m", "helpers.publish.cli"]
    forced = timed([*cli, "build", "--force", "--no-site", "--quiet"])
    unchanged = timed([*cli, "build", "--no-site", "--quiet"])
    with tempfile.TemporaryDirectory() as tmp:
        site_seconds = timed(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; from helpers.publish.site import build_site;"
                " build_site(out=Path(sys.argv[1]), force=True)",
                str(Path(tmp) / "site"),
            ]
        )
    print(f"notebooks: {len(notebooks)}, cores used: {cores}")
    kernels = f"{serial_floor:.1f} s of kernels and imports / {cores}"
    print(f"floor:              {floor:6.1f} s  ({kernels})")
    print(f"forced build:       {forced:6.1f} s  ratio {forced / floor:.2f}  (target 2 or less)")
    print(f"unchanged build:    {unchanged:6.1f} s")
    print(f"site (forced):      {site_seconds:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
