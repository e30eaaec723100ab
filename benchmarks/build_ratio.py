"""How far the main job (`nato-iraq build --force`) is from its floor, and what the site costs.

The floor is what no build can avoid: for every notebook, start one kernel and
import what that notebook imports, divided by the cores the build uses (it
runs one notebook per core). The script measures the floor, a forced build of
the notebooks (`--force --no-site`: outputs are byte-identical, so the tree
stays as it was), the site on its own (`build_site(force=True)` into a
temporary folder) and a build of the unchanged tree, and prints the ratios.
The target for the forced build is 2 or less.

Timings on a shared machine drift from one minute to the next: ``--runs N``
measures the floor and the forced build N times, in turn, and prints each
ratio and their median.

    uv run python benchmarks/build_ratio.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
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


def floor_seconds(notebooks: list[Path], cores: int) -> tuple[float, float]:
    """The floor (kernels and imports over the cores used) and its serial total."""
    serial = sum(kernel_with_imports_seconds(imports_of(nb)) for nb in notebooks)
    return serial / min(cores, len(notebooks)), serial


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="floor and forced build pairs")
    runs = max(1, parser.parse_args(argv).runs)
    kernel_env.prepare()
    notebooks = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    cores = default_jobs()
    cli = [sys.executable, "-m", "helpers.publish.cli"]
    print(f"notebooks: {len(notebooks)}, cores used: {cores}")
    ratios = []
    for run in range(1, runs + 1):
        floor, serial = floor_seconds(notebooks, cores)
        forced = timed([*cli, "build", "--force", "--no-site", "--quiet"])
        ratios.append(forced / floor)
        kernels = f"{serial:.1f} s of kernels and imports / {cores}"
        print(
            f"run {run}: floor {floor:5.1f} s ({kernels}); forced build {forced:5.1f} s;"
            f" ratio {forced / floor:.2f}"
        )
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
    which = f" (median of {runs} runs)" if runs > 1 else ""
    print(f"forced build / floor: {statistics.median(ratios):.2f}{which}  (target 2 or less)")
    print(f"unchanged build:      {unchanged:5.1f} s")
    print(f"site (forced):        {site_seconds:5.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
