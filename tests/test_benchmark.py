"""The benchmark's floor counts exactly what each notebook imports."""

from __future__ import annotations

from pathlib import Path

from benchmarks.suite_ratio import imports_of
from tests.notebook_factory import write_notebook


def test_the_floor_imports_every_cells_imports_once_and_skips_magics(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "01_demo.ipynb",
        "%matplotlib inline\nimport math\nfrom helpers.data import load\nds = load()",
        "def f():\n    import json\n    return json\n\nimport math",
        "print('no imports here')",
    )
    assert imports_of(path).splitlines() == [
        "import math",
        "from helpers.data import load",
        "import json",
    ]
