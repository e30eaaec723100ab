"""Execute the notebooks and store their refreshed outputs, safely.

Each notebook runs top to bottom in a fresh kernel from this environment. The
result is written to a temporary file beside the notebook and moved over it
only when every cell succeeded, so a failed run never leaves a half-written
notebook behind. Per-run metadata (execution timestamps) is stripped so that a
rerun leaves the file byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

from helpers.digest import files_digest
from helpers.paths import PROJECT_ROOT
from helpers.publish import safe_files
from helpers.publish.chapters import (
    METADATA_KEY,
    NAV_TAG,
    NotebookFileError,
    apply_navigation,
    has_tag,
    read_notebook,
)

#: Cell metadata keys that change on every run and must not be stored.
VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled")
DEFAULT_TIMEOUT = 120
#: Colour codes in kernel tracebacks; stripped so that messages read well anywhere.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


class CurrentEnvKernelSpecManager(KernelSpecManager):
    """Resolve every kernel name to this environment's own Python.

    A user may have a ``python3`` kernel of another Python installed; the build
    must run with the project's locked packages regardless.
    """

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(
            argv=[
                sys.executable,
                "-m",
                "ipykernel_launcher",
                "-f",
                "{connection_file}",
                # Keep the kernel's own warnings (such as the one about local TCP
                # sockets being unencrypted) out of the build's progress output.
                "--IPKernelApp.log_level=ERROR",
            ],
            display_name="Python 3 (ipykernel)",
            language="python",
            name=kernel_name,
        )


class CellFailure(Exception):
    """A cell raised while a notebook was executed; ``cell_number`` counts from 1."""

    def __init__(self, notebook: Path, cell_number: int, cell_source: str, detail: str) -> None:
        super().__init__(notebook, cell_number)
        self.notebook = notebook
        self.cell_number = cell_number
        self.cell_source = cell_source
        self.detail = detail

    def __str__(self) -> str:
        first_line = self.cell_source.strip().splitlines()[0] if self.cell_source.strip() else ""
        return (
            f"{self.notebook.name}: cell {self.cell_number} failed"
            f" (first line: {first_line!r})\n{self.detail}"
        )


def execute_notebook(
    path: Path,
    timeout: int = DEFAULT_TIMEOUT,
    navigation: str | None = None,
    preamble: str | None = None,
) -> nbformat.NotebookNode:
    """Run every cell of the notebook at ``path`` in a fresh kernel.

    ``navigation``, when given, replaces the previous/next cells after a
    successful run (so cell numbers in errors match the file on disk).
    ``preamble`` is code run in the kernel before the first cell and kept out
    of the notebook (a class pack uses it to collect figures). Returns the
    executed notebook (not yet written). Raises :class:`CellFailure` naming
    the failing cell; the file on disk is not touched.
    """
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(
        kernel_spec_manager=CurrentEnvKernelSpecManager(),
        kernel_name="python3",
    )
    client = NotebookClient(
        nb,
        km=km,
        timeout=timeout,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    with client.setup_kernel():
        # Store what the kernel says of its language, as JupyterLab does when it
        # saves: opening and saving a built notebook then leaves it byte-identical.
        info = client.wait_for_reply(client.kc.kernel_info())
        if info is not None and "language_info" in info["content"]:
            nb.metadata["language_info"] = info["content"]["language_info"]
        if preamble:
            setup = nbformat.v4.new_code_cell(preamble)
            # nbclient stores an executed cell at its index: put the first cell back.
            first = nb.cells[0]
            try:
                client.execute_cell(setup, 0)
            except (CellExecutionError, CellTimeoutError) as exc:
                detail = ANSI_ESCAPE.sub("", str(exc))
                raise CellFailure(path, 0, preamble, detail) from None
            finally:
                nb.cells[0] = first
        for index, cell in enumerate(nb.cells):
            try:
                client.execute_cell(cell, index)
            except (CellExecutionError, CellTimeoutError) as exc:
                detail = ANSI_ESCAPE.sub("", str(exc))
                raise CellFailure(path, index + 1, cell.source, detail) from None
    strip_volatile_metadata(nb)
    if navigation is not None:
        apply_navigation(nb, navigation)
    return nb


def strip_volatile_metadata(nb: nbformat.NotebookNode) -> None:
    """Remove metadata that differs between runs; keep tags and slideshow info."""
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)


def write_atomically(nb: nbformat.NotebookNode, path: Path) -> None:
    """Store ``nb`` at ``path`` in one step, keeping the file's mode (see ``safe_files``)."""
    safe_files.write_atomically(path, lambda fh: nbformat.write(nb, fh))


#: Everything besides the notebook itself that its outputs depend on.
SHARED_INPUTS = ("data/*.csv", "data/datapackage.json", "helpers/**/*", "uv.lock")
#: Helper modules that run the build and never run inside a notebook: editing
#: them does not make stored outputs stale.
BUILD_ONLY = ("helpers/publish/**/*", "helpers/topojson.py")
#: ...except the two publishing modules that do run inside a notebook's kernel.
KERNEL_SIDE = ("helpers/publish/figure_pack.py", "helpers/publish/kernel_env.py")


def shared_inputs_digest(root: Path | None = None) -> str:
    """A hash of the data, the helpers and the lockfile (contents, not times)."""
    root = root or PROJECT_ROOT
    files = sorted(
        {p for pattern in SHARED_INPUTS for p in root.glob(pattern) if p.is_file()}
        - set(root.glob("helpers/**/__pycache__/*"))
        - (
            {p for pattern in BUILD_ONLY for p in root.glob(pattern)}
            - {root / path for path in KERNEL_SIDE}
        )
    )
    return files_digest(files, label=lambda path: path.relative_to(root).as_posix())


def input_fingerprint(nb: nbformat.NotebookNode, shared: str) -> str:
    """What a notebook's outputs depend on: its code and text, and the shared inputs.

    Navigation cells and outputs are left out: they do not change what the
    notebook computes.
    """
    cells = [
        [cell.cell_type, cell.source, cell.metadata.get("tags", [])]
        for cell in nb.cells
        if not has_tag(cell, NAV_TAG)
    ]
    payload = json.dumps([cells, shared], sort_keys=True).encode()
    return hashlib.sha256(payload).hexdigest()


def outputs_digest(nb: nbformat.NotebookNode) -> str:
    """A hash of every stored output (text, tables and images) of the notebook.

    The build records it beside the input fingerprint; a notebook whose
    outputs no longer match it (an image swapped, a table edited by hand) is
    stale and runs again, whatever its inputs.
    """
    outputs = [cell.get("outputs", []) for cell in nb.cells if cell.cell_type == "code"]
    payload = json.dumps(outputs, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(payload).hexdigest()


def is_current(nb: nbformat.NotebookNode, fingerprint: str) -> bool:
    """True when ``nb`` was stored by a build from these inputs and its outputs are untouched."""
    record = nb.metadata.get(METADATA_KEY, {})
    return record.get("inputs") == fingerprint and record.get("outputs") == outputs_digest(nb)


@dataclass(frozen=True)
class BuildReport:
    """What one build did: notebooks executed, skipped as current, and failures met."""

    executed: list[tuple[Path, float]]
    failures: list[CellFailure]
    skipped: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _refresh_navigation(path: Path, nb: nbformat.NotebookNode, source: str | None) -> None:
    """Rewrite only the navigation cells of an up-to-date notebook ``nb`` (read from
    ``path``), if they changed."""
    if source is None:
        return
    before = nbformat.writes(nb)
    apply_navigation(nb, source)
    if nbformat.writes(nb) != before:
        write_atomically(nb, path)


#: How long each notebook took in the last build that ran it, by path: the next
#: build starts the longest first. A cache of the build's own; safe to delete.
SECONDS_FILE = PROJECT_ROOT / ".cache" / "build-seconds.json"
#: Without a time on record, a notebook's stored size stands in for its run time:
#: its charts are most of both (about 2.5 s per stored megabyte here).
_SECONDS_PER_BYTE = 2.5e-6


def _last_seconds() -> dict[str, float]:
    """Run times on record; none when the file is missing or not ours to read."""
    try:
        data = json.loads(SECONDS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: float(v) for k, v in data.items() if isinstance(v, int | float)}


def _expected_seconds(path: Path, last: dict[str, float]) -> float:
    """How long ``path`` should take: its last run time, else an estimate from its size."""
    if str(path) in last:
        return last[str(path)]
    try:
        return path.stat().st_size * _SECONDS_PER_BYTE
    except OSError:
        return 0.0


def _remember_seconds(last: dict[str, float], executed: list[tuple[Path, float]]) -> None:
    """Record this build's run times (written whole, then moved into place); a file
    that cannot be written only costs the next build its order.

    Only notebooks inside the project that holds the cache are recorded: a
    build of notebooks elsewhere (a test's temporary folder) leaves it as it was.
    """
    project = SECONDS_FILE.parent.parent
    ours = [(path, s) for path, s in executed if path.resolve().is_relative_to(project)]
    if not ours:
        return
    times = {k: v for k, v in last.items() if Path(k).exists()}
    times.update({str(path): round(seconds, 2) for path, seconds in ours})
    try:
        SECONDS_FILE.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=SECONDS_FILE.parent, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(times, fh, indent=1, sort_keys=True)
        os.replace(tmp, SECONDS_FILE)
    except OSError:
        Path(tmp).unlink(missing_ok=True)


def default_jobs() -> int:
    """How many notebooks to run at once: one per core (each kernel is one process)."""
    return max(1, os.cpu_count() or 1)


def build_notebooks(
    paths: Iterable[Path],
    timeout: int = DEFAULT_TIMEOUT,
    progress: bool = True,
    navigation: dict[Path, str] | None = None,
    force: bool = False,
    jobs: int | None = None,
) -> BuildReport:
    """Execute and store each stale notebook, ``jobs`` at a time; skip those already current.

    A notebook is current when the fingerprint stored in its metadata matches
    its code and the shared inputs (data, helpers, lockfile); ``force``
    executes it anyway. Notebooks are independent (each runs in a kernel of
    its own), so several run at once; what each stores does not depend on the
    order. A failing notebook is reported and left exactly as it was (its
    navigation cells included); the others still run, so one broken chapter
    does not throw away the rest of the build. ``navigation`` maps notebooks
    to their previous/next line (see :mod:`helpers.publish.chapters`).
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from tqdm import tqdm

    navigation = navigation or {}
    paths = list(paths)
    shared = shared_inputs_digest()
    executed: list[tuple[Path, float]] = []
    failures: list[CellFailure] = []
    skipped: list[Path] = []
    stale: list[tuple[Path, str]] = []
    bar = tqdm(total=len(paths), unit="notebook", disable=not progress, file=sys.stderr)
    # Read everything first: a broken notebook stops the build before any work.
    notebooks, unreadable = {}, []
    for path in paths:
        try:
            notebooks[path] = read_notebook(path)
        except NotebookFileError as exc:
            unreadable.append(str(exc))
    if unreadable:
        bar.close()
        raise NotebookFileError("\n".join(unreadable) + "\nNothing was built; no file was changed.")
    for path in paths:
        on_disk = notebooks[path]
        fingerprint = input_fingerprint(on_disk, shared)
        if not force and is_current(on_disk, fingerprint):
            _refresh_navigation(path, on_disk, navigation.get(path))
            skipped.append(path)
            bar.write(f"current {path.name}  (inputs unchanged; --force runs it)", file=sys.stderr)
            bar.update()
        else:
            stale.append((path, fingerprint))
    # And check that every stale notebook can be stored, before hours of kernel time.
    blocked = safe_files.unwritable([path for path, _ in stale])
    if blocked:
        bar.close()
        listed = "\n".join(f"  {path}: {why}" for path, why in blocked)
        raise NotebookFileError(
            f"{len(blocked)} notebook(s) could not be stored after running:\n{listed}\n"
            "Make them (and their folder) writable, then build again. Nothing was built;"
            " no file was changed."
        )

    def run(path: Path, fingerprint: str) -> float:
        start = time.perf_counter()
        nb = execute_notebook(path, timeout=timeout, navigation=navigation.get(path))
        # Other keys under nato_iraq (such as the chapter's question) are kept.
        record = nb.metadata.setdefault(METADATA_KEY, {})
        record["inputs"] = fingerprint
        record["outputs"] = outputs_digest(nb)
        write_atomically(nb, path)
        return time.perf_counter() - start

    seconds_before = _last_seconds()
    # Longest first: with one notebook per core, a long one started last would
    # leave the other cores idle while it finishes.
    stale.sort(key=lambda item: -_expected_seconds(item[0], seconds_before))
    with ThreadPoolExecutor(max_workers=jobs or default_jobs()) as pool:
        futures = {pool.submit(run, path, fp): path for path, fp in stale}
        for future in as_completed(futures):
            path = futures[future]
            try:
                seconds = future.result()
            except CellFailure as failure:
                failures.append(failure)
                bar.write(f"FAILED  {failure}", file=sys.stderr)
            else:
                executed.append((path, seconds))
                bar.write(f"ok      {path.name}  {seconds:5.1f} s", file=sys.stderr)
            bar.update()
    bar.close()
    _remember_seconds(seconds_before, executed)
    order = {path: index for index, path in enumerate(paths)}
    executed.sort(key=lambda item: order[item[0]])
    failures.sort(key=lambda failure: order[failure.notebook])
    return BuildReport(executed, failures, skipped)
