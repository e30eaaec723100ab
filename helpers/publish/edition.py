"""The edition a site or a pack is made from: version, release date, and how to cite it.

The version and release date are those of ``CITATION.cff`` (the file a reader
cites the collection by); the facts' as-of date is the latest date in the
data (see :func:`helpers.charts._time.edition_as_of`). Nothing here reads the
clock, so the same tree makes the same pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers.data import Dataset
from helpers.paths import PROJECT_ROOT

CITATION_FILE = PROJECT_ROOT / "CITATION.cff"
COLLECTION_TITLE = "NATO and Iraq, 2004 to today: a research notebook collection"


@dataclass(frozen=True)
class Edition:
    """What identifies an edition of the collection."""

    version: str
    released: dt.date
    facts_as_of: dt.date
    authors: str

    @property
    def released_words(self) -> str:
        return long_date(self.released)

    @property
    def facts_as_of_words(self) -> str:
        return long_date(self.facts_as_of)

    def cite_chapter(self, number: str, title: str) -> str:
        """A citation of one chapter, in words (plain text; escape it where it lands)."""
        return (
            f"{self.authors} ({self.released.year}). “{title}”. Chapter {number} of"
            f" {COLLECTION_TITLE}, edition {self.version} ({self.released_words})."
        )


def long_date(day: dt.date) -> str:
    """'6 December 2026'."""
    return f"{day.day} {day:%B %Y}"


def read_edition(ds: Dataset, citation_file: Path = CITATION_FILE) -> Edition:
    """The edition described by ``CITATION.cff`` and the loaded dataset ``ds``."""
    from helpers.charts._time import edition_as_of

    meta = yaml.safe_load(citation_file.read_text(encoding="utf-8"))
    released = meta["date-released"]
    if isinstance(released, str):
        released = dt.date.fromisoformat(released)
    authors = "; ".join(
        a.get("name") or f"{a['family-names']}, {a['given-names']}" for a in meta["authors"]
    )
    return Edition(str(meta["version"]), released, edition_as_of(ds), authors)
