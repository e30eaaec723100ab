"""One hash over a set of files: what "the inputs have not changed" means everywhere.

The build's notebook fingerprints, the site's skip check and the validation
cache all ask the same question of different files; they answer it here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

#: Stands for a listed file that does not exist, so that removing one changes the hash.
MISSING = b"<missing>"


def files_digest(files: Iterable[Path], label: Callable[[Path], str] = lambda p: p.name) -> str:
    """SHA-256 over each file's ``label`` and contents, in the order given."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(label(path).encode())
        digest.update(path.read_bytes() if path.exists() else MISSING)
    return digest.hexdigest()
