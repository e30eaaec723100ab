"""Which sources a notebook has shown so far: the list its "Sources" section gives.

Every chart (through ``style.house_style``) and every table of facts (through
``narrative.facts``) notes the short names of the sources it shows, so that a
chapter can end with the full list of its sources instead of a hand-picked one
that drifts from what the charts' source lines name. The record lives in the
process, which for a notebook is its kernel: run top to bottom, as the build
and the tests run it, the list is the same every time.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Short names of the sources shown, in the order they were first shown.
_SHOWN: dict[str, None] = {}


def note_sources(short_names: Iterable[str]) -> None:
    """Record that the sources named ``short_names`` have been shown."""
    _SHOWN.update(dict.fromkeys(short_names))


def source_names() -> list[str]:
    """Short names of every source shown so far in this process, first shown first."""
    return list(_SHOWN)


def forget() -> None:
    """Start the record afresh (for tests: a kernel starts with an empty one)."""
    _SHOWN.clear()
