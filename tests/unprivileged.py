"""Run a command as an ordinary user would be treated: permission bits apply.

The project's machines run tests as root, and root may write into a read-only
folder (the DAC_OVERRIDE capability), so "the folder is read-only" cannot be
tested in-process there. Under root, the command is started through
util-linux's ``setpriv`` with those capabilities dropped; under any other
user it runs as it is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

#: Capabilities that let root ignore permission bits.
OVERRIDES = "-dac_override,-dac_read_search"


def command(argv: list[str]) -> list[str]:
    """``argv``, prefixed so that it runs without root's permission overrides."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without util-linux's setpriv: cannot drop root's overrides")
    return [setpriv, "--bounding-set", OVERRIDES, *argv]


def run_python(code: str, **kwargs) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in this environment's Python without root's overrides."""
    return subprocess.run(
        command([sys.executable, "-c", code]), capture_output=True, text=True, **kwargs
    )
