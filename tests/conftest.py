"""Session set-up shared by every test, including nbval's notebook runs."""

from __future__ import annotations

import pytest

# The kernel environment and nbval's settings are in tests/notebook_plugin.py,
# loaded with -p for every run (a conftest only applies to its own folder).


def _weight(item: pytest.Item) -> int:
    """0: files of slow tests, 1: notebooks, 2: the rest (quick unit tests)."""
    if item.get_closest_marker("slow"):
        return 0
    return 1 if item.path.suffix == ".ipynb" else 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Longest first: xdist hands out whole files in this order, so the slow
    # files start at once and the quick ones fill the gaps at the end, instead
    # of one worker finishing a long file alone while the other waits.
    items.sort(key=_weight)  # stable: the order within a file is kept
