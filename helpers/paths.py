"""Where things live in the project, resolved from this file so that any
working directory works (a notebook kernel runs in ``notebooks/``)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent
DATA_DIR: Path = PROJECT_ROOT / "data"
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
DATAPACKAGE: Path = DATA_DIR / "datapackage.json"
