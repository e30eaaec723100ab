"""Write files and folders without losing anyone's work.

The build rewrites notebooks and replaces ``site/``; ``teach`` replaces a
class pack. The rules they share live here:

- a file is written beside its target and moved over it only when complete
  (:func:`write_atomically`), keeping the mode the old file had; a new file
  gets the mode the user's umask gives;
- a generated folder records every file it was made with, and their hashes,
  in its marker file (:func:`record_owned_files`); a folder is replaced
  (:func:`swap_into_place`) only when it holds nothing else: a file added or
  edited by a user stops the swap, and the error names it;
- work folders carry the id of the process that made them, so that the
  leftovers of a killed run are recognised and removed by the next run
  (:func:`work_folder`), and nothing else is.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

#: File inside every work folder; a folder without it is never removed as a leftover.
WORK_MARKER = ".nato-iraq-work"
#: How many foreign files an error lists by name before it summarises the rest.
LISTED_FILES = 10


class ForeignFilesError(FileExistsError):
    """A folder to be replaced holds files that this project did not write.

    Nothing has been changed; the message lists the files and what to do.
    """


# ------------------------------------------------------------ single files


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def _temp_name(target: Path) -> Path:
    """A temporary name beside ``target`` that records this process's id."""
    return target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


_TEMP_FILE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[0-9a-f]{8}\.tmp$")


def write_atomically(path: Path, write: Callable[[IO[str]], None]) -> None:
    """Write ``path`` through ``write(fh)`` into a temporary file, then move it into place.

    A failure leaves ``path`` as it was. The new file keeps the permission
    bits of the file it replaces; a new file gets those the umask gives
    (the temporary file is created with mode 0o666, which the kernel masks).
    Temporary files left by a killed run of this project are removed first.
    """
    remove_leftover_files(path.parent, path.name)
    tmp = _temp_name(path)
    old_mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            write(fh)
        if old_mode is not None:
            os.chmod(tmp, old_mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def unwritable(paths: list[Path]) -> list[tuple[Path, str]]:
    """Those of ``paths`` that :func:`write_atomically` could not replace, and why.

    Tried for real (a scratch file in the folder, the file opened for
    appending, nothing written), because permission bits alone do not tell
    what a process may do.
    """
    blocked: list[tuple[Path, str]] = []
    checked_folders: dict[Path, str | None] = {}
    for path in paths:
        folder = path.parent
        if folder not in checked_folders:
            probe = _temp_name(folder / "write-probe")
            try:
                os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                probe.unlink()
                checked_folders[folder] = None
            except OSError as exc:
                checked_folders[folder] = f"its folder {folder} is not writable ({exc.strerror})"
        why = checked_folders[folder]
        if why is None and path.exists():
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
            except OSError as exc:
                why = f"the file is not writable ({exc.strerror})"
        if why is not None:
            blocked.append((path, why))
    return blocked


def remove_leftover_files(folder: Path, name: str) -> list[Path]:
    """Remove temporary files for ``name`` in ``folder`` whose writing process has ended."""
    removed = []
    for candidate in folder.glob(f".{glob.escape(name)}.*.tmp"):
        match = _TEMP_FILE.match(candidate.name)
        if match and match["name"] == name and not _process_alive(int(match["pid"])):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


# ------------------------------------------------------------ owned folders


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _files_under(folder: Path) -> list[str]:
    """Every file (and symlink) under ``folder``, as sorted POSIX paths relative to it."""
    found = []
    for root, dirs, files in os.walk(folder):
        base = Path(root)
        # A symlink to a folder is listed as an entry, never followed.
        links = [d for d in dirs if (base / d).is_symlink()]
        dirs[:] = [d for d in dirs if d not in links]
        found += [(base / name).relative_to(folder).as_posix() for name in files + links]
    return sorted(found)


def record_owned_files(folder: Path, marker: str, made_by: str, **extra: str) -> None:
    """Write ``folder/marker``: who made the folder and the hash of every file in it.

    Call it last, when the folder is complete; :func:`foreign_files` compares
    a folder with this record before it is replaced.
    """
    files = {rel: _sha256(folder / rel) for rel in _files_under(folder) if rel != marker}
    record = {"made_by": made_by, **extra, "files": files}
    (folder / marker).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")


def read_owned_record(folder: Path, marker: str) -> dict | None:
    """The record in ``folder/marker``, or None when there is none or it lists no files."""
    try:
        record = json.loads((folder / marker).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
        return None
    return record


def foreign_files(folder: Path, marker: str) -> list[str]:
    """Files in ``folder`` that the project did not write there, or that were edited since.

    Everything counts as foreign in a folder without a readable record of its
    own files (a folder made by someone else, or by an older version of the
    project, which kept no record).
    """
    if not folder.exists():
        return []
    present = _files_under(folder)
    record = read_owned_record(folder, marker)
    if record is None:
        return present
    owned: dict[str, str] = record["files"]
    return [
        rel
        for rel in present
        if rel != marker
        and (rel not in owned or (folder / rel).is_symlink() or _sha256(folder / rel) != owned[rel])
    ]


def check_replaceable(target: Path, marker: str, what: str) -> None:
    """Raise unless ``target`` may be replaced: absent, an empty folder, or all ours.

    ``what`` names the option or role of the folder in messages (for
    example ``"--out folder"``). Raises :class:`NotADirectoryError` with a
    clear message for a file, and :class:`ForeignFilesError` naming the files
    this project did not write.
    """
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(
            f"{target} is a file, not a folder; choose a folder for the {what}"
            " (a new or empty one, or one this command made before)"
        )
    foreign = foreign_files(target, marker)
    if not foreign:
        return
    listed = "\n".join(f"  {target / rel}" for rel in foreign[:LISTED_FILES])
    more = len(foreign) - LISTED_FILES
    if more > 0:
        listed += f"\n  ... and {more} more"
    has_record = read_owned_record(target, marker) is not None
    why = (
        "were added or edited since this project wrote it"
        if has_record
        else "were not written by this project (it keeps a record of its files in"
        f" {marker}, and this folder has none)"
    )
    raise ForeignFilesError(
        f"{target} would be replaced, but {len(foreign)} file(s) in it {why}:\n{listed}\n"
        f"Nothing was changed. Move those files out of {target}, or choose another"
        f" {what}, then run the command again."
    )


def _carry_modes(old: Path, new: Path) -> None:
    """Give each file and folder of ``new`` the permission bits of its namesake in ``old``."""
    for rel in [".", *_files_under(new)]:
        before, after = old / rel, new / rel
        if before.exists() and after.exists() and not after.is_symlink():
            os.chmod(after, stat.S_IMODE(before.stat().st_mode))
    for root, dirs, _ in os.walk(new):
        for name in dirs:
            after = Path(root) / name
            before = old / after.relative_to(new)
            if before.is_dir() and not after.is_symlink():
                os.chmod(after, stat.S_IMODE(before.stat().st_mode))


def swap_into_place(new: Path, target: Path, marker: str, what: str) -> None:
    """Replace ``target`` with the complete folder ``new``; never loses a user's file.

    ``new`` must hold its owned-files record (:func:`record_owned_files`).
    ``target`` is checked again (:func:`check_replaceable`), so a file added
    while the new folder was being made stops the swap. Files and folders
    that existed before keep their permission bits. The old folder is set
    aside under a name recording this process, so that an interrupted swap
    is tidied by the next run (:func:`remove_leftover_folders`).
    """
    if read_owned_record(new, marker) is None:
        raise ValueError(f"{new} has no record of its files ({marker}); nothing was replaced")
    check_replaceable(target, marker, what)
    old = None
    if target.exists():
        _carry_modes(target, new)
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
        target.rename(old)
        (old / WORK_MARKER).write_text(f"{os.getpid()}\n")
    new.rename(target)
    if old is not None:
        shutil.rmtree(old)


# ------------------------------------------------------------ work folders


_WORK_FOLDER = re.compile(r"^\.(?P<name>.+)\.(?:work|old)-(?P<pid>\d+)-[0-9a-f]{8}$")


def remove_leftover_folders(parent: Path, name: str) -> list[Path]:
    """Remove work folders for ``name`` in ``parent`` left by a run of ours that has ended.

    Only a folder whose name follows :func:`work_folder`'s pattern, that holds
    :data:`WORK_MARKER` and whose process is no longer running is removed.
    """
    removed = []
    if not parent.is_dir():
        return removed
    for candidate in parent.glob(f".{glob.escape(name)}.*-*"):
        match = _WORK_FOLDER.match(candidate.name)
        if (
            match
            and match["name"] == name
            and candidate.is_dir()
            and not candidate.is_symlink()
            and (candidate / WORK_MARKER).is_file()
            and not _process_alive(int(match["pid"]))
        ):
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
    return removed


@contextlib.contextmanager
def work_folder(target: Path) -> Iterator[Path]:
    """A scratch folder beside ``target``, removed on exit; leftovers of killed runs go first."""
    remove_leftover_folders(target.parent, target.name)
    work = target.with_name(f".{target.name}.work-{os.getpid()}-{secrets.token_hex(4)}")
    work.mkdir()
    try:
        (work / WORK_MARKER).write_text(f"{os.getpid()}\n")
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
