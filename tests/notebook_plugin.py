"""How pytest runs the stored notebooks (nbval): loaded with ``-p`` for every run.

A plugin rather than ``tests/conftest.py``: a conftest only applies to the
folder it is in, and ``uv run pytest notebooks/05_command.ipynb`` never reads
``tests/``. Loaded from the options in ``pyproject.toml``, these settings hold
however the notebooks are selected.
"""

from __future__ import annotations

import copy
import hashlib

import pytest
from nbval.plugin import IPyNbCell

from helpers.publish import kernel_env

# Before any kernel starts: the same reproducible environment and warm font
# cache that `nato-iraq build` uses, so a rerun compares equal to the stored run.
kernel_env.prepare()

#: Outputs nbval leaves out of its comparison by default that ours must match too.
#: The build is deterministic (the same bytes on every run), so a stored chart
#: that differs from a fresh run's was changed by hand or is stale.
COMPARED_IMAGES = ("image/png",)


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Make nbval compare the stored chart images too (see :data:`COMPARED_IMAGES`)."""
    skip = getattr(collector, "skip_compare", None)
    if skip is not None and collector.path.suffix == ".ipynb":
        collector.skip_compare = tuple(key for key in skip if key not in COMPARED_IMAGES)


def _with_image_digests(outputs: list) -> list:
    """``outputs`` with each compared image replaced by the SHA-256 of its data.

    nbval runs its sanitising patterns over every compared value; over a
    chart's megabyte of base64 one of them backtracks for minutes. A digest
    compares just as strictly, and a failure shows two short hashes.
    """
    digested = []
    for output in outputs:
        data = output.get("data", {})
        if any(key in data for key in COMPARED_IMAGES):
            output = copy.deepcopy(output)
            for key in COMPARED_IMAGES:
                if key in output["data"]:
                    value = output["data"][key]
                    text = value if isinstance(value, str) else "".join(value)
                    digest = hashlib.sha256(text.encode()).hexdigest()
                    output["data"][key] = f"sha256:{digest}"
        digested.append(output)
    return digested


_nbval_compare = IPyNbCell.compare_outputs


def _compare_outputs(self, test, ref, skip_compare=None):
    return _nbval_compare(self, _with_image_digests(test), _with_image_digests(ref), skip_compare)


# nbval offers no hook for this: its comparison is wrapped, once, at plugin load.
IPyNbCell.compare_outputs = _compare_outputs
