"""Ruff keeps code and notebooks clean and uniformly formatted."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers.paths import PROJECT_ROOT


@pytest.mark.parametrize(
    "args", [["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]]
)
def test_ruff(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
