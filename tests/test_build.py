"""`nato-iraq build`: stores outputs, reruns byte-identically, fails safely."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.publish import build
from helpers.publish.cli import main
from tests import unprivileged
from tests.notebook_factory import PLOT_CELL, write_notebook

pytestmark = pytest.mark.slow


def test_build_stores_outputs_skips_current_notebooks_and_reruns_identically(
    tmp_path: Path,
) -> None:
    nb_path = write_notebook(tmp_path / "01_demo.ipynb", "print(sum(range(10)))", PLOT_CELL)

    first = build.build_notebooks([nb_path], progress=False)
    assert [p for p, _ in first.executed] == [nb_path], first.failures
    stored = nb_path.read_bytes()
    nb = nbformat.reads(stored.decode(), as_version=4)
    assert nb.cells[1].outputs[0]["text"] == "45\n"
    assert "image/png" in nb.cells[2].outputs[0]["data"]
    assert all("execution" not in cell.metadata for cell in nb.cells)

    # Unchanged inputs: skipped, file untouched.
    again = build.build_notebooks([nb_path], progress=False)
    assert again.skipped == [nb_path] and not again.executed
    assert nb_path.read_bytes() == stored

    # A forced rerun executes again and stores the very same bytes.
    forced = build.build_notebooks([nb_path], progress=False, force=True)
    assert forced.executed and forced.ok, forced.failures
    assert nb_path.read_bytes() == stored

    # A changed cell makes the notebook stale: it runs and stores the new output.
    nb.cells[1].source = "print(6 * 9)"
    nbformat.write(nb, nb_path)
    changed = build.build_notebooks([nb_path], progress=False)
    assert [p for p, _ in changed.executed] == [nb_path]
    assert nbformat.read(nb_path, as_version=4).cells[1].outputs[0]["text"] == "54\n"


def test_the_fingerprint_covers_data_and_helpers(tmp_path: Path) -> None:
    nb = nbformat.read(write_notebook(tmp_path / "01_demo.ipynb", "1 + 1"), as_version=4)
    base = build.input_fingerprint(nb, "shared-a")
    assert build.input_fingerprint(nb, "shared-b") != base  # data or helpers changed
    nb.cells[1].source = "1 + 2"
    assert build.input_fingerprint(nb, "shared-a") != base  # the notebook's code changed
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "events.csv").write_text("event_id\n")
    first = build.shared_inputs_digest(tmp_path)
    (tmp_path / "data" / "events.csv").write_text("event_id\nevt-x\n")
    assert build.shared_inputs_digest(tmp_path) != first


def test_failing_cell_is_named_and_notebook_left_untouched(tmp_path: Path, capsys) -> None:
    good = write_notebook(tmp_path / "01_good.ipynb", "x = 1", "print(x + 1)")
    bad = write_notebook(tmp_path / "02_bad.ipynb", "y = 2", "raise ValueError('boom in cell')")
    before = bad.read_bytes()

    site = tmp_path.parent / f"{tmp_path.name}-site"
    status = main(["build", "--notebooks", str(tmp_path), "--quiet", "--site", str(site)])
    stderr = capsys.readouterr().err

    assert status == 1
    # The notebook and its failing cell are named (third: title, a passing cell, then it).
    assert "02_bad.ipynb: cell 3 failed" in stderr
    assert "boom in cell" in stderr
    assert "The site was not rebuilt" in stderr and not site.exists()
    assert bad.read_bytes() == before
    # The other notebook was still built, and no temporary file is left behind.
    built = nbformat.read(good, as_version=4)
    printed = next(c for c in built.cells if c.source == "print(x + 1)")
    assert printed.outputs[0]["text"] == "2\n"
    # Navigation to the next chapter was added to the built notebook only.
    assert "[02 · A test notebook](02_bad.ipynb)" in built.cells[1].source
    assert sorted(p.name for p in tmp_path.iterdir()) == ["01_good.ipynb", "02_bad.ipynb"]


def test_write_is_atomic_when_serialisation_fails(tmp_path: Path, monkeypatch) -> None:
    nb_path = write_notebook(tmp_path / "03_keep.ipynb", "1 + 1")
    before = nb_path.read_bytes()
    nb = nbformat.read(nb_path, as_version=4)

    def explode(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(build.nbformat, "write", explode)
    with pytest.raises(OSError, match="disk full"):
        build.write_atomically(nb, nb_path)
    assert nb_path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["03_keep.ipynb"]


def test_build_reports_an_empty_folder(tmp_path: Path, capsys) -> None:
    assert main(["build", "--notebooks", str(tmp_path), "--quiet"]) == 1
    assert "no notebooks" in capsys.readouterr().err


def test_build_machinery_is_not_an_input_of_the_notebooks(tmp_path: Path) -> None:
    helpers_dir = tmp_path / "helpers"
    (helpers_dir / "publish").mkdir(parents=True)
    for name in ("publish/build.py", "publish/figure_pack.py", "style.py"):
        (helpers_dir / name).write_text("# version 1\n")
    before = build.shared_inputs_digest(tmp_path)
    (helpers_dir / "publish" / "build.py").write_text("# version 2\n")
    assert build.shared_inputs_digest(tmp_path) == before
    # A publishing module that runs inside the kernel (collecting a pack's charts) counts.
    (helpers_dir / "publish" / "figure_pack.py").write_text("# version 2\n")
    after_pack = build.shared_inputs_digest(tmp_path)
    assert after_pack != before
    (helpers_dir / "style.py").write_text("# version 2\n")
    assert build.shared_inputs_digest(tmp_path) != after_pack


# --- hardening: tampering, broken files, permissions, what JupyterLab stores ---------


def _built(tmp_path: Path, *sources: str) -> Path:
    path = write_notebook(tmp_path / "01_demo.ipynb", *sources)
    report = build.build_notebooks([path], progress=False)
    assert report.ok and report.executed, report.failures
    return path


def test_a_notebook_whose_outputs_were_tampered_with_is_stale(tmp_path: Path) -> None:
    """Swapping a stored chart (or editing any output) makes the next build run it again."""
    path = _built(tmp_path, PLOT_CELL, "print('table')")
    stored = path.read_bytes()
    nb = nbformat.read(path, as_version=4)
    original = nb.cells[1].outputs[0]["data"]["image/png"]
    nb.cells[1].outputs[0]["data"]["image/png"] = original[:-8] + "AAAAAAA="
    nbformat.write(nb, path)

    report = build.build_notebooks([path], progress=False)
    assert [p for p, _ in report.executed] == [path] and not report.skipped
    assert path.read_bytes() == stored  # restored from a fresh run


def test_the_build_records_what_the_kernel_says_of_its_language(tmp_path: Path) -> None:
    import platform

    nb = nbformat.read(_built(tmp_path, "1 + 1"), as_version=4)
    info = nb.metadata["language_info"]
    assert info["name"] == "python" and info["version"] == platform.python_version()
    assert info["pygments_lexer"] == "ipython3" and info["file_extension"] == ".py"


def test_a_truncated_notebook_is_named_and_nothing_is_built(tmp_path: Path, capsys) -> None:
    good = write_notebook(tmp_path / "01_good.ipynb", "print(1)")
    broken = write_notebook(tmp_path / "02_broken.ipynb", "print(2)")
    broken.write_bytes(broken.read_bytes()[:120])
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    status = main(["build", "--notebooks", str(tmp_path), "--quiet", "--no-site"])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert f"{broken}: not a readable notebook" in err and "git checkout" in err
    assert "Nothing was built" in err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert good.read_bytes() == before["01_good.ipynb"]


def test_a_read_only_notebook_folder_stops_the_build_before_any_work(tmp_path: Path) -> None:
    """Checked without root's override (root may write anywhere): see tests/unprivileged.py."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_notebook(folder / "01_demo.ipynb", "print(1)")
    before = (folder / "01_demo.ipynb").read_bytes()
    os.chmod(folder, 0o555)
    try:
        result = subprocess.run(
            unprivileged.command(
                [
                    sys.executable,
                    "-m",
                    "helpers.publish.cli",
                    "build",
                    "--notebooks",
                    str(folder),
                    "--force",
                    "--quiet",
                    "--no-site",
                ]
            ),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.chmod(folder, 0o755)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"its folder {folder} is not writable" in result.stderr
    assert "Nothing was built; no file was changed" in result.stderr
    assert (folder / "01_demo.ipynb").read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["01_demo.ipynb"]


def test_a_rebuilt_notebook_keeps_its_mode(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "01_demo.ipynb", "print(1)")
    os.chmod(path, 0o664)
    assert build.build_notebooks([path], progress=False, force=True).executed
    assert stat.S_IMODE(path.stat().st_mode) == 0o664


def test_a_notebook_given_by_a_relative_path_gets_its_navigation(
    tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_notebook(folder / "01_first.ipynb", "print(1)")
    second = write_notebook(folder / "02_second.ipynb", "print(2)")
    monkeypatch.chdir(tmp_path)
    status = main(
        ["build", "notebooks/02_second.ipynb", "--notebooks", "notebooks", "--quiet", "--no-site"]
    )
    assert status == 0
    nb = nbformat.read(second, as_version=4)
    assert "[01 · A test notebook](01_first.ipynb)" in nb.cells[1].source


def test_the_longest_notebook_starts_first_and_run_times_are_kept(
    tmp_path: Path, monkeypatch
) -> None:
    import json

    times_file = tmp_path / ".cache" / "build-seconds.json"
    monkeypatch.setattr(build, "SECONDS_FILE", times_file)
    short = write_notebook(tmp_path / "01_short.ipynb", "1 + 1")
    long = write_notebook(tmp_path / "02_long.ipynb", "2 + 2")
    gone = str(tmp_path / "00_deleted.ipynb")
    times_file.parent.mkdir()
    times_file.write_text(json.dumps({str(short): 1.0, str(long): 9.0, gone: 3.0}))
    started: list[Path] = []
    real = build.execute_notebook

    def recording(path: Path, **kwargs):
        started.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(build, "execute_notebook", recording)
    report = build.build_notebooks([short, long], progress=False, jobs=1)
    assert report.ok and started == [long, short]  # by the times on record, not by name
    kept = json.loads(times_file.read_text())
    assert set(kept) == {str(short), str(long)}  # a notebook that is gone is dropped
    assert all(0 < seconds < 120 for seconds in kept.values())

    # Notebooks outside the project that holds the cache are not recorded.
    elsewhere = write_notebook(tmp_path.parent / f"{tmp_path.name}-elsewhere.ipynb", "3 + 3")
    assert build.build_notebooks([elsewhere], progress=False, jobs=1).ok
    assert set(json.loads(times_file.read_text())) == {str(short), str(long)}

    # A damaged record is ignored (sizes stand in) and replaced; the build goes on.
    times_file.write_text("{not json")
    assert build.build_notebooks([short, long], progress=False, force=True, jobs=1).ok
    assert set(json.loads(times_file.read_text())) == {str(short), str(long)}
