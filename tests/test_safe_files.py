"""Files and folders are written without losing anyone's work (helpers.publish.safe_files)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.publish import safe_files
from tests import unprivileged

MARKER = ".made-by-test"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def made_folder(path: Path, files: dict[str, str]) -> Path:
    """A folder as the project makes one: its files, then its record of them."""
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text)
    safe_files.record_owned_files(path, MARKER, "test")
    return path


def dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)


# --- single files ---------------------------------------------------------------------


def test_a_rewritten_file_keeps_its_mode_and_a_new_file_follows_the_umask(tmp_path: Path) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_text("old")
    os.chmod(kept, 0o640)
    safe_files.write_atomically(kept, lambda fh: fh.write("new"))
    assert kept.read_text() == "new" and mode(kept) == 0o640

    old_umask = os.umask(0o027)
    try:
        fresh = tmp_path / "fresh.txt"
        safe_files.write_atomically(fresh, lambda fh: fh.write("x"))
    finally:
        os.umask(old_umask)
    # Not 0o600, the mode of a temporary file: what the umask gives.
    assert mode(fresh) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.txt", "kept.txt"]


def test_a_failed_write_leaves_the_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("before")

    def fail(fh) -> None:
        fh.write("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        safe_files.write_atomically(target, fail)
    assert target.read_text() == "before"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_temporary_files_of_ended_runs_are_removed_and_others_kept(tmp_path: Path) -> None:
    target = tmp_path / "05_command.ipynb"
    target.write_text("{}")
    stale = tmp_path / f".05_command.ipynb.{dead_pid()}-0123abcd.tmp"
    live = tmp_path / f".05_command.ipynb.{os.getpid()}-0123abcd.tmp"
    other = tmp_path / f".04_nmi.ipynb.{dead_pid()}-0123abcd.tmp"
    mine = tmp_path / ".05_command.ipynb.my-notes.tmp"
    for path in (stale, live, other, mine):
        path.write_text("x")
    safe_files.write_atomically(target, lambda fh: fh.write("{ }"))
    assert not stale.exists()
    assert live.exists() and other.exists() and mine.exists()


def test_unwritable_files_and_folders_are_found_before_any_work(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.ipynb").write_text("{}")
    open_file = tmp_path / "b.ipynb"
    open_file.write_text("{}")
    read_only = tmp_path / "c.ipynb"
    read_only.write_text("{}")
    os.chmod(read_only, 0o444)
    os.chmod(locked, 0o555)
    try:
        paths = [locked / "a.ipynb", open_file, read_only]
        result = unprivileged.run_python(
            "import json, sys; from pathlib import Path; from helpers.publish import safe_files;"
            f" print(json.dumps([[str(p), why] for p, why in safe_files.unwritable("
            f"[Path(p) for p in {[str(p) for p in paths]!r}])]))",
            check=True,
        )
    finally:
        os.chmod(locked, 0o755)
    blocked = dict(json.loads(result.stdout))
    assert sorted(blocked) == sorted([str(locked / "a.ipynb"), str(read_only)])
    assert "folder" in blocked[str(locked / "a.ipynb")]
    assert "file is not writable" in blocked[str(read_only)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.ipynb", "c.ipynb", "locked"]


# --- owned folders --------------------------------------------------------------------


def test_a_folder_of_our_own_files_may_be_replaced(tmp_path: Path) -> None:
    old = made_folder(tmp_path / "pack", {"README.md": "v1", "student/01.ipynb": "{}"})
    new = made_folder(tmp_path / "new", {"README.md": "v2"})
    safe_files.swap_into_place(new, old, MARKER, "pack folder")
    assert (tmp_path / "pack" / "README.md").read_text() == "v2"
    assert not (tmp_path / "pack" / "student").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]


@pytest.mark.parametrize(
    "added",
    ["my_lesson_plan.md", "student/my_own.ipynb", "figures/deep/er/sketch.png", ".hidden-notes"],
)
def test_a_file_added_by_a_user_stops_the_swap_and_is_named(tmp_path: Path, added: str) -> None:
    old = made_folder(tmp_path / "pack", {"README.md": "v1", "student/01.ipynb": "{}"})
    (old / added).parent.mkdir(parents=True, exist_ok=True)
    (old / added).write_text("precious")
    new = made_folder(tmp_path / "new", {"README.md": "v2"})
    with pytest.raises(safe_files.ForeignFilesError) as caught:
        safe_files.swap_into_place(new, old, MARKER, "pack folder")
    message = str(caught.value)
    assert str(old / added) in message and "Nothing was changed" in message
    assert (old / added).read_text() == "precious"
    assert (old / "README.md").read_text() == "v1"


def test_a_file_edited_by_a_user_counts_as_theirs(tmp_path: Path) -> None:
    old = made_folder(tmp_path / "pack", {"README.md": "v1", "student/01.ipynb": "{}"})
    (old / "student" / "01.ipynb").write_text('{"edited": true}')
    assert safe_files.foreign_files(old, MARKER) == ["student/01.ipynb"]


def test_a_folder_without_a_record_is_all_foreign(tmp_path: Path) -> None:
    theirs = tmp_path / "thesis"
    theirs.mkdir()
    (theirs / "chapter1.docx").write_text("precious")
    (theirs / MARKER).write_text("made by nato-iraq teach\n")  # an older, list-less marker
    new = made_folder(tmp_path / "new", {"README.md": "v2"})
    with pytest.raises(safe_files.ForeignFilesError, match=r"chapter1\.docx"):
        safe_files.swap_into_place(new, theirs, MARKER, "pack folder")
    assert (theirs / "chapter1.docx").read_text() == "precious"


def test_a_file_where_a_folder_should_be_is_named(tmp_path: Path) -> None:
    target = tmp_path / "pack"
    target.write_text("not a folder")
    with pytest.raises(NotADirectoryError, match="is a file, not a folder; choose a folder"):
        safe_files.check_replaceable(target, MARKER, "--out folder")
    assert target.read_text() == "not a folder"


def test_replaced_files_keep_their_modes_and_new_ones_follow_the_umask(tmp_path: Path) -> None:
    old = made_folder(tmp_path / "site", {"index.html": "v1", "data/events.csv": "a"})
    os.chmod(old / "index.html", 0o640)
    os.chmod(old / "data", 0o750)
    os.chmod(old, 0o711)
    new = made_folder(tmp_path / "new", {"index.html": "v2", "data/events.csv": "b", "x.css": ""})
    safe_files.swap_into_place(new, old, MARKER, "site folder")
    site = tmp_path / "site"
    assert mode(site) == 0o711 and mode(site / "data") == 0o750
    assert mode(site / "index.html") == 0o640
    assert mode(site / "x.css") == 0o666 & ~_umask()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# --- work folders ---------------------------------------------------------------------


def test_leftover_work_folders_of_ended_runs_are_removed_and_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "site"

    def work(name: str, marked: bool = True) -> Path:
        folder = tmp_path / name
        (folder / "html").mkdir(parents=True)
        if marked:
            (folder / safe_files.WORK_MARKER).write_text("")
        return folder

    killed = work(f".site.work-{dead_pid()}-0123abcd")
    half_swapped = work(f".site.old-{dead_pid()}-0123abcd")
    running = work(f".site.work-{os.getpid()}-0123abcd")
    unmarked = work(f".site.work-{dead_pid()}-89abcdef", marked=False)
    other_target = work(f".pack.work-{dead_pid()}-0123abcd")
    users = work(".site-backup")
    with safe_files.work_folder(target) as scratch:
        assert scratch.parent == tmp_path and (scratch / safe_files.WORK_MARKER).exists()
    assert not killed.exists() and not half_swapped.exists() and not scratch.exists()
    assert running.exists() and unmarked.exists() and other_target.exists() and users.exists()
